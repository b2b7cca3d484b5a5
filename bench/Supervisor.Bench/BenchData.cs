using Npgsql;
using NpgsqlTypes;

namespace Supervisor.Bench;

public sealed record BenchScale(int Tasks, int MilestonesPerTask, int Units, int Year);

/// <summary>
/// Province-scale data for benchmarks, written with binary COPY (not row by row): units with contacts, one plan,
/// tasks with 1–3 lead and 0–2 co units, milestones spread over the year, monthly progress reports up to the as-of
/// date (one set-based insert). Past-due milestones are mostly done
/// (85%, a third of those late), as in a real office; the rest stay open. Deterministic for a given seed.
/// </summary>
public static class BenchData
{
    public static async Task GenerateAsync(NpgsqlDataSource dataSource, BenchScale scale, DateOnly asOf, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        var created = DateTime.SpecifyKind(new DateTime(scale.Year, 1, 1), DateTimeKind.Utc);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand("insert into plans (year, title, imported_at, updated_at) values (@y, '基准测试方案', @t, @t)", connection))
        {
            cmd.Parameters.AddWithValue("y", scale.Year);
            cmd.Parameters.AddWithValue("t", created);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await using (var units = await connection.BeginBinaryImportAsync("copy units (id, name, kind, created_at) from stdin (format binary)", ct))
        {
            for (var u = 1; u <= scale.Units; u++)
            {
                await units.StartRowAsync(ct);
                await units.WriteAsync((long)u, NpgsqlDbType.Bigint, ct);
                await units.WriteAsync($"基准单位{u:D5}", NpgsqlDbType.Text, ct);
                await units.WriteAsync(u % 5 == 0 ? "township" : "department", NpgsqlDbType.Text, ct);
                await units.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
            }

            await units.CompleteAsync(ct);
        }

        await using (var contacts = await connection.BeginBinaryImportAsync("copy contacts (unit_id, role, name, phone, email, updated_at) from stdin (format binary)", ct))
        {
            for (var u = 1; u <= scale.Units; u++)
            {
                foreach (var role in new[] { "liaison", "head" })
                {
                    await contacts.StartRowAsync(ct);
                    await contacts.WriteAsync((long)u, NpgsqlDbType.Bigint, ct);
                    await contacts.WriteAsync(role, NpgsqlDbType.Text, ct);
                    await contacts.WriteAsync(role == "liaison" ? $"联络员{u}" : $"负责人{u}", NpgsqlDbType.Text, ct);
                    await contacts.WriteAsync($"139{(u * 2) + (role == "head" ? 1 : 0):D8}", NpgsqlDbType.Text, ct);
                    await contacts.WriteAsync($"{role}{u}@bench.example.cn", NpgsqlDbType.Text, ct);
                    await contacts.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
                }
            }

            await contacts.CompleteAsync(ct);
        }

        await using (var tasks = await connection.BeginBinaryImportAsync(
            "copy tasks (id, plan_id, code, title, full_text, position, created_at, updated_at) from stdin (format binary)", ct))
        {
            for (var t = 1; t <= scale.Tasks; t++)
            {
                await tasks.StartRowAsync(ct);
                await tasks.WriteAsync((long)t, NpgsqlDbType.Bigint, ct);
                await tasks.WriteAsync(1L, NpgsqlDbType.Bigint, ct);
                await tasks.WriteAsync(t.ToString(System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Text, ct);
                await tasks.WriteAsync($"第{t}项重点任务", NpgsqlDbType.Text, ct);
                await tasks.WriteAsync($"推进第{t}项重点工程建设，年内完成。", NpgsqlDbType.Text, ct);
                await tasks.WriteAsync(t, NpgsqlDbType.Integer, ct);
                await tasks.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
                await tasks.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
            }

            await tasks.CompleteAsync(ct);
        }

        await using (var links = await connection.BeginBinaryImportAsync("copy task_units (task_id, unit_id, role, position) from stdin (format binary)", ct))
        {
            for (var t = 1; t <= scale.Tasks; t++)
            {
                var picked = new HashSet<int>();
                var leads = random.Next(1, 4);
                var cos = random.Next(0, 3);
                for (var i = 0; i < leads + cos; i++)
                {
                    int unit;
                    do
                    {
                        unit = random.Next(1, scale.Units + 1);
                    }
                    while (!picked.Add(unit));

                    await links.StartRowAsync(ct);
                    await links.WriteAsync((long)t, NpgsqlDbType.Bigint, ct);
                    await links.WriteAsync((long)unit, NpgsqlDbType.Bigint, ct);
                    await links.WriteAsync(i < leads ? "lead" : "co", NpgsqlDbType.Text, ct);
                    await links.WriteAsync(i, NpgsqlDbType.Integer, ct);
                }
            }

            await links.CompleteAsync(ct);
        }

        var yearStart = new DateOnly(scale.Year, 1, 1);
        var days = DateTime.IsLeapYear(scale.Year) ? 366 : 365;
        await using (var milestones = await connection.BeginBinaryImportAsync(
            "copy milestones (task_id, key, kind, title, due_date, original_due_date, status, completed_at, created_at, updated_at) from stdin (format binary)", ct))
        {
            for (var t = 1; t <= scale.Tasks; t++)
            {
                for (var m = 0; m < scale.MilestonesPerTask; m++)
                {
                    var due = yearStart.AddDays(random.Next(days));
                    DateTime? completed = null;
                    if (due < asOf && random.Next(100) < 85)
                    {
                        var offset = random.Next(3) == 0 ? random.Next(1, 30) : -random.Next(0, 20);
                        var day = due.AddDays(offset);
                        if (day >= asOf)
                        {
                            day = asOf.AddDays(-1);
                        }

                        completed = DateTime.SpecifyKind(day.ToDateTime(new TimeOnly(2, 0)), DateTimeKind.Utc);
                    }

                    await milestones.StartRowAsync(ct);
                    await milestones.WriteAsync((long)t, NpgsqlDbType.Bigint, ct);
                    await milestones.WriteAsync(m == scale.MilestonesPerTask - 1 ? "completion" : $"completion-{m + 1}", NpgsqlDbType.Text, ct);
                    await milestones.WriteAsync(m == scale.MilestonesPerTask - 1 ? "completion" : "report", NpgsqlDbType.Text, ct);
                    await milestones.WriteAsync("节点", NpgsqlDbType.Text, ct);
                    await milestones.WriteAsync(due, NpgsqlDbType.Date, ct);
                    await milestones.WriteAsync(due, NpgsqlDbType.Date, ct);
                    await milestones.WriteAsync(completed is null ? "open" : "done", NpgsqlDbType.Text, ct);
                    if (completed is { } c)
                    {
                        await milestones.WriteAsync(c, NpgsqlDbType.TimestampTz, ct);
                    }
                    else
                    {
                        await milestones.WriteNullAsync(ct);
                    }

                    await milestones.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
                    await milestones.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
                }
            }

            await milestones.CompleteAsync(ct);
        }

        // Progress: each task's first lead unit reports on its completion milestone on the 25th of every month up to
        // the as-of date, the percentage rising through the year — set-based from the rows just copied.
        await using (var progress = new NpgsqlCommand(
            """
            insert into progress_reports (milestone_id, unit_id, percent, note, reported_at, source, reported_by)
            select m.id, lead.unit_id,
                   greatest(0, least(100, (extract(month from g)::int * 100 / 12) - (m.task_id % 25)::int)),
                   '按计划推进，详见月报', g + interval '2 hours', 'link', '联络员'
            from milestones m
            cross join lateral (select unit_id from task_units where task_id = m.task_id and role = 'lead' order by position limit 1) lead
            cross join generate_series(make_date(@year, 1, 25)::timestamp, (@asOf::date - 1)::timestamp, interval '1 month') g
            where m.key = 'completion'
            """, connection) { CommandTimeout = 600 })
        {
            progress.Parameters.AddWithValue("year", scale.Year);
            progress.Parameters.AddWithValue("asOf", asOf);
            await progress.ExecuteNonQueryAsync(ct);
        }

        await using (var fix = new NpgsqlCommand(
            """
            select setval(pg_get_serial_sequence('units', 'id'), (select max(id) from units));
            select setval(pg_get_serial_sequence('tasks', 'id'), (select max(id) from tasks));
            """, connection))
        {
            await fix.ExecuteNonQueryAsync(ct);
        }

        // The figures are for a database in its steady state, where autovacuum has been through the tables (index-only
        // scans need the visibility map). VACUUM refuses a multi-statement batch.
        await using (var analyze = new NpgsqlCommand("vacuum analyze", connection) { CommandTimeout = 600 })
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        // Right after a bulk load VACUUM often leaves the pages unmarked (seen here on PostgreSQL 15: 0 of 14,286 pages,
        // and all of them two seconds later); autovacuum would mark them on its next round, so do what it would do.
        for (var attempt = 0; attempt < 10 && await MilestonesAllVisibleAsync(dataSource, ct) < 0.99; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            await using var again = new NpgsqlCommand("vacuum analyze milestones", connection) { CommandTimeout = 600 };
            await again.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The share of the milestones table's pages marked all-visible (what index-only scans can skip).</summary>
    public static async Task<double> MilestonesAllVisibleAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "select case when relpages = 0 then 1 else relallvisible::float8 / relpages end from pg_class where relname = 'milestones'", connection);
        return (double)(await command.ExecuteScalarAsync(ct))!;
    }
}
