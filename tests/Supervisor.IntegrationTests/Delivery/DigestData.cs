using Dapper;
using Npgsql;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>
/// A hand-built week for the 督查通报, sent Monday 2023-07-10 09:00 and so as of the end of Sunday 2023-07-09.
/// 区发改局 (lead of 1): on time, late, overdue open, one not yet due. 区财政局 (lead of 2, no contacts): overdue since
/// 06-20, on time, and one done on the morning of the 10th (still open as of the 9th). 区交通运输局 (lead of 3): on time.
/// Snapshots on 06-25, 07-02 (the one to compare with) and 07-05. Gaps and failed deliveries inside and outside the week.
/// </summary>
public static class DigestData
{
    public static readonly DateTimeOffset SentAt = new(2023, 7, 10, 9, 0, 0, TimeSpan.FromHours(8));

    public static async Task WriteAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        var now = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var plan = await c.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (2023, '2023年重点工作', @now, @now) returning id", new { now });
        async Task<long> Unit(string name) => await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@name, @now) returning id", new { name, now });
        var fgj = await Unit("区发改局");
        var czj = await Unit("区财政局");
        var jtj = await Unit("区交通运输局");
        await c.ExecuteAsync("insert into contacts (unit_id, role, name, phone, email, updated_at) values (@fgj, 'liaison', '张联络', '13800000101', 'zhang@fgj.gov.cn', @now)", new { fgj, now });
        var leader = await c.ExecuteScalarAsync<long>("insert into leaders (name, title, created_at) values ('杜新国', '副区长', @now) returning id", new { now });

        async Task<long> Task(string code, string title, long lead, long? co, long? leaderId)
        {
            var id = await c.ExecuteScalarAsync<long>(
                "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, @code, @title, @title, 0, @now, @now) returning id",
                new { plan, code, title, now });
            await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@id, @lead, 'lead')", new { id, lead });
            if (co is { } coId)
            {
                await c.ExecuteAsync("insert into task_units (task_id, unit_id, role, position) values (@id, @coId, 'co', 1)", new { id, coId });
            }

            if (leaderId is { } l)
            {
                await c.ExecuteAsync("insert into task_leaders (task_id, leader_id) values (@id, @l)", new { id, l });
            }

            return id;
        }

        async Task<long> Milestone(long task, string key, string title, DateOnly due, DateTimeOffset? doneAt)
        {
            return await c.ExecuteScalarAsync<long>(
                """
                insert into milestones (task_id, key, kind, title, due_date, original_due_date, status, completed_at, created_at, updated_at)
                values (@task, @key, 'completion', @title, @due, @due, @status, @doneAt, @now, @now) returning id
                """,
                new { task, key, title, due, status = doneAt is null ? "open" : "done", doneAt = doneAt?.ToUniversalTime(), now });
        }

        static DateTimeOffset Local(int month, int day, int hour = 15) => new(2023, month, day, hour, 0, 0, TimeSpan.FromHours(8));

        var t1 = await Task("1", "推进城区道路改造", fgj, jtj, leader);
        var t2 = await Task("2", "完善财政预算绩效管理", czj, null, null);
        var t3 = await Task("3", "建设智慧交通平台", jtj, null, null);
        await Milestone(t1, "m1", "完成方案", new(2023, 6, 30), Local(6, 29));
        await Milestone(t1, "m2", "完成招标", new(2023, 7, 5), Local(7, 7));
        await Milestone(t1, "m3", "开工建设", new(2023, 7, 6), null);
        await Milestone(t1, "m4", "完成主体", new(2023, 7, 20), null);
        var m5 = await Milestone(t2, "m5", "出台绩效办法", new(2023, 6, 20), null);
        await Milestone(t2, "m6", "完成评价", new(2023, 7, 3), Local(7, 3));
        await Milestone(t2, "m7", "报送结果", new(2023, 7, 7), Local(7, 10, 8));
        await Milestone(t3, "m8", "上线试运行", new(2023, 7, 4), Local(7, 4));

        await c.ExecuteAsync(
            """
            insert into unit_rate_snapshots (snapshot_date, unit_id, due, done_on_time, done_late, overdue_open, completion_rate, on_time_rate, light, rank) values
              ('2023-06-25', @fgj, 1, 1, 0, 0, 1, 1, 'green', 3), ('2023-06-25', @czj, 1, 0, 0, 1, 0, 0, 'red', 1),
              ('2023-07-02', @fgj, 2, 1, 0, 1, 0.5, 0.5, 'yellow', 1), ('2023-07-02', @czj, 2, 1, 0, 1, 0.5, 0.5, 'yellow', 2),
              ('2023-07-05', @fgj, 2, 2, 0, 0, 1, 1, 'green', 3), ('2023-07-05', @czj, 2, 2, 0, 0, 1, 1, 'green', 3)
            """,
            new { fgj, czj });

        // 区财政局 had no contact when reminded on 07-08 (in the week); 区交通运输局 once on 06-20 (not in the week).
        var reminder = await c.ExecuteScalarAsync<long>(
            "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at, composed_at) values (@m5, 2, '2023-07-07', 12, 17, @at, @at) returning id",
            new { m5, at = Local(7, 8, 8).ToUniversalTime() });
        var old = await c.ExecuteScalarAsync<long>(
            "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at, composed_at) values (@m5, 2, '2023-06-21', 1, 1, @at, @at) returning id",
            new { m5, at = Local(6, 21, 8).ToUniversalTime() });
        await c.ExecuteAsync(
            "insert into reminder_gaps (reminder_id, unit_id, reason, recorded_at) values (@reminder, @czj, 'no liaison or head with e-mail or phone', @at), (@old, @jtj, 'no liaison with e-mail or phone', @oldAt)",
            new { reminder, czj, old, jtj, at = Local(7, 8, 8).ToUniversalTime(), oldAt = Local(6, 21, 8).ToUniversalTime() });

        // Deliveries: a dead SMS and a retrying e-mail with attempts in the week, a sent one, and a dead one from June.
        async Task Message(string address, string channel, string state, long? unitId, string? error, params (DateTimeOffset At, string Outcome)[] attempts)
        {
            var id = await c.ExecuteScalarAsync<long>(
                """
                insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, unit_id, subject, body_text, state, attempts, next_attempt_at, last_error, created_at)
                values (@key, @channel, 'unit_digest', @day, @address, '张联络', @unitId, '提醒', '正文', @state, @n, @first, @error, @first) returning id
                """,
                new { key = address + "|" + channel + "|" + state, channel, day = DateOnly.FromDateTime(attempts[0].At.Date), address, unitId, state, n = attempts.Length, first = attempts[0].At.ToUniversalTime(), error });
            var i = 0;
            foreach (var (at, outcome) in attempts)
            {
                await c.ExecuteAsync(
                    "insert into delivery_attempts (message_id, attempt, worker, started_at, finished_at, outcome, error) values (@id, @n, 'w', @at, @at, @outcome, @error)",
                    new { id, n = ++i, at = at.ToUniversalTime(), outcome, error = outcome == "sent" ? null : error });
            }
        }

        await Message("13800000101", "sms", "dead", fgj, "gateway INVALID_NUMBER: 号码无效", (Local(7, 7, 8), "permanent"));
        await Message("zhang@fgj.gov.cn", "email", "failed", fgj, "SMTP 451: mailbox busy", (Local(7, 8, 8), "transient"), (Local(7, 8, 9), "transient"));
        await Message("ok@fgj.gov.cn", "email", "sent", fgj, null, (Local(7, 6, 8), "sent"));
        await Message("old@fgj.gov.cn", "email", "dead", fgj, "SMTP 550: no such user", (Local(6, 1, 8), "permanent"));
    }
}
