using Dapper;
using Npgsql;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>A small plan with units, contacts, a leader and reminders owed on one day, written straight to the tables.</summary>
public static class DeliveryData
{
    public static readonly DateOnly Day = new(2023, 6, 26);

    public static async Task WriteAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        var now = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var plan = await c.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (2023, '2023年重点工作', @now, @now) returning id", new { now });
        async Task<long> Unit(string name) => await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@name, @now) returning id", new { name, now });
        var fgj = await Unit("区发改局");
        var czj = await Unit("区财政局");
        var jtj = await Unit("区交通运输局");
        await c.ExecuteAsync(
            """
            insert into contacts (unit_id, role, name, phone, email, updated_at) values
              (@fgj, 'liaison', '张联络', '13800000101', 'zhang@fgj.gov.cn', @now),
              (@fgj, 'head', '李局长', '13800000102', 'li@fgj.gov.cn', @now),
              (@jtj, 'liaison', '王联络', null, 'wang@jtj.gov.cn', @now)
            """,
            new { fgj, jtj, now });
        var leader = await c.ExecuteScalarAsync<long>("insert into leaders (name, title, created_at) values ('杜新国', '副区长', @now) returning id", new { now });
        await c.ExecuteAsync("insert into contacts (leader_id, role, name, phone, email, updated_at) values (@leader, 'leader', '杜新国', '13900000201', 'du@gov.cn', @now)", new { leader, now });

        async Task<long> Task(string code, string title, long lead, long? co)
        {
            var id = await c.ExecuteScalarAsync<long>(
                "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, @code, @title, @title, 0, @now, @now) returning id",
                new { plan, code, title, now });
            await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@id, @lead, 'lead')", new { id, lead });
            if (co is { } coId)
            {
                await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@id, @coId, 'co')", new { id, coId });
            }

            await c.ExecuteAsync("insert into task_leaders (task_id, leader_id) values (@id, @leader)", new { id, leader });
            return id;
        }

        async Task Owe(long task, string key, DateOnly due, int level, int wd, int cd)
        {
            var m = await c.ExecuteScalarAsync<long>(
                "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, @key, 'completion', '完成建设', @due, @due, @now, @now) returning id",
                new { task, key, due, now });
            await c.ExecuteAsync(
                "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at) values (@m, @level, @Day, @wd, @cd, @now)",
                new { m, level = (short)level, Day, wd, cd, now });
        }

        var t1 = await Task("1", "推进城区道路改造", fgj, jtj);
        var t2 = await Task("2", "完善财政预算绩效管理", czj, null);
        var t3 = await Task("3", "建设智慧园区", fgj, null);
        await Owe(t1, "completion", Day.AddDays(2), 1, 0, 0);
        await Owe(t3, "completion", Day.AddDays(-3), 2, 1, 3);
        await Owe(t3, "report-2023Q2", Day.AddDays(-10), 3, 6, 10);
        await Owe(t2, "completion", Day.AddDays(-3), 2, 1, 3);
    }
}
