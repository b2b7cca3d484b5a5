using Dapper;
using Npgsql;

namespace Supervisor.IntegrationTests.Engine;

public sealed record MilestoneRow(long Id, long TaskId, DateOnly Due, DateTimeOffset? CompletedAt);

public sealed record TaskUnitRow(long TaskId, long UnitId, string Role);

/// <summary>Random but reproducible supervision data written straight into the tables (no parser involved).</summary>
public static class RandomPlan
{
    public static async Task<(IReadOnlyList<MilestoneRow> Milestones, IReadOnlyList<TaskUnitRow> Roles, IReadOnlyDictionary<long, string> Units)> WriteAsync(
        NpgsqlDataSource dataSource, int seed, int tasks, DateOnly from, DateOnly to, DateTimeOffset completedBefore)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.Parse("2023-01-01T00:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync();
        var planId = await connection.ExecuteScalarAsync<long>(
            "insert into plans (year, title, imported_at, updated_at) values (2023, '随机方案', @now, @now) returning id", new { now });
        var unitNames = new[] { "区发改局", "区财政局", "区交通运输局", "区住建局", "区农业农村局", "区教育局", "区卫健局", "区商务局", "区水利局", "区林业局", "区审计局" };
        var units = new Dictionary<long, string>();
        foreach (var name in unitNames)
        {
            units[await connection.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@name, @now) returning id", new { name, now })] = name;
        }

        var unitIds = units.Keys.ToArray();
        var milestones = new List<MilestoneRow>();
        var roles = new List<TaskUnitRow>();
        var span = to.DayNumber - from.DayNumber;
        for (var t = 1; t <= tasks; t++)
        {
            var taskId = await connection.ExecuteScalarAsync<long>(
                "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@planId, @code, @title, @title, @t, @now, @now) returning id",
                new { planId, code = t.ToString(System.Globalization.CultureInfo.InvariantCulture), title = $"任务{t}", t, now });
            var picked = unitIds.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            for (var i = 0; i < picked.Count; i++)
            {
                var role = i == 0 || random.Next(3) == 0 ? "lead" : "co";
                roles.Add(new TaskUnitRow(taskId, picked[i], role));
                await connection.ExecuteAsync("insert into task_units (task_id, unit_id, role, position) values (@taskId, @unitId, @role, @i)", new { taskId, unitId = picked[i], role, i });
            }

            for (var m = 0; m < random.Next(1, 5); m++)
            {
                var due = from.AddDays(random.Next(span + 1));
                DateTimeOffset? completed = null;
                if (random.Next(3) > 0)
                {
                    // Completed somewhere from 20 days before to 20 days after the due date, at a random time of day.
                    var local = due.AddDays(random.Next(-20, 21)).ToDateTime(new TimeOnly(random.Next(24), random.Next(60), random.Next(60)));
                    var at = new DateTimeOffset(local, TimeSpan.FromHours(8));
                    completed = at < completedBefore ? at : null;
                }

                var id = await connection.ExecuteScalarAsync<long>(
                    """
                    insert into milestones (task_id, key, kind, title, due_date, original_due_date, status, completed_at, created_at, updated_at)
                    values (@taskId, @key, 'completion', '节点', @due, @due, @status, @completed, @now, @now) returning id
                    """,
                    new { taskId, key = "k" + m, due, status = completed is null ? "open" : "done", completed = completed?.ToUniversalTime(), now });
                milestones.Add(new MilestoneRow(id, taskId, due, completed));
            }
        }

        return (milestones, roles, units);
    }
}
