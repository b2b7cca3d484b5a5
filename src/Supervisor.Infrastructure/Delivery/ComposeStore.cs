using System.Data;
using Dapper;
using Npgsql;
using Supervisor.Core.Delivery;

namespace Supervisor.Infrastructure.Delivery;

public sealed record ComposeResult(int Reminders, int Messages, int MessagesAlreadyQueued, int Gaps);

/// <summary>
/// reminders → messages. Reads uncomposed reminders (locked, so two composers never take the same ones), and in the
/// same transaction inserts the messages, links message_reminders, records gaps and sets composed_at: a reminder is
/// either composed into the outbox or still owed, whatever crashes.
/// </summary>
public sealed class ComposeStore(NpgsqlDataSource dataSource)
{
    /// <summary>Uncomposed reminders of <paramref name="levels"/> owed on or before <paramref name="today"/>, optionally for one unit.</summary>
    public static async Task<(List<ReminderItem> Reminders, List<TaskUnitContact> Units, List<TaskLeaderContact> Leaders, List<UnsignedItem> Unsigned)> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, DateOnly today, int[] levels, bool lockRows, CancellationToken ct)
    {
        // SKIP LOCKED: a second composer at the same moment takes none of these and leaves them for this one.
        var sql = """
            select r.id as reminderid, r.level::int as level, r.local_date as localdate, r.working_days_overdue as workingdaysoverdue,
                   r.calendar_days_overdue as calendardaysoverdue, m.id as milestoneid, m.title as milestone, m.due_date as duedate,
                   t.id as taskid, t.code, t.title as tasktitle
            from reminders r
            join milestones m on m.id = r.milestone_id
            join tasks t on t.id = m.task_id
            where r.composed_at is null and r.local_date <= @today and r.level = any(@levels)
            order by r.id
            """ + (lockRows ? "\nfor update of r skip locked" : "");
        var reminders = (await connection.QueryAsync<(long ReminderId, int Level, DateTime LocalDate, int Wd, int Cd, long MilestoneId, string Milestone, DateTime DueDate, long TaskId, string Code, string TaskTitle)>(
            new CommandDefinition(sql, new { today, levels = levels.Select(l => (short)l).ToArray() }, tx, cancellationToken: ct)))
            .Select(r => new ReminderItem(r.ReminderId, r.Level, DateOnly.FromDateTime(r.LocalDate), r.Wd, r.Cd, r.MilestoneId, r.Milestone, DateOnly.FromDateTime(r.DueDate), r.TaskId, r.Code, r.TaskTitle))
            .ToList();
        // 签收 reminders go into the units' digests, so they come with the levels the digests carry (never the 督办-only pass).
        var toSign = levels.Contains(1) ? await LoadUnsignedAsync(connection, tx, today, lockRows, ct) : [];
        var taskIds = reminders.Select(r => r.TaskId).Concat(toSign.Select(u => u.TaskId)).Distinct().ToArray();

        // Paused units get nothing (the office stopped chasing them). A unit's group robots come as rows of their own.
        const string unitsSql = """
            select taskid, taskrole, unitid, unitname, contactrole, contactname, phone, email, webhook from (
                select tu.task_id as taskid, tu.role as taskrole, u.id as unitid, u.name as unitname, tu.position,
                       c.role as contactrole, c.name as contactname, c.phone, c.email, null::text as webhook
                from task_units tu
                join units u on u.id = tu.unit_id
                left join contacts c on c.unit_id = u.id
                where tu.task_id = any(@taskIds) and u.paused_at is null
                union all
                select tu.task_id, tu.role, u.id, u.name, tu.position, r.platform, null, null, null, r.webhook_url
                from task_units tu
                join units u on u.id = tu.unit_id
                join unit_robots r on r.unit_id = u.id
                where tu.task_id = any(@taskIds) and u.paused_at is null) as x
            order by taskid, position, unitid, contactrole
            """;
        var units = (await connection.QueryAsync<TaskUnitContact>(new CommandDefinition(unitsSql, new { taskIds }, tx, cancellationToken: ct))).ToList();
        const string leadersSql = """
            select tl.task_id as taskid, l.id as leaderid, l.name as leadername, c.name as contactname, c.phone, c.email
            from task_leaders tl
            join leaders l on l.id = tl.leader_id
            left join contacts c on c.leader_id = l.id
            where tl.task_id = any(@taskIds)
            order by tl.task_id, tl.position
            """;
        var leaders = (await connection.QueryAsync<TaskLeaderContact>(new CommandDefinition(leadersSql, new { taskIds }, tx, cancellationToken: ct))).ToList();
        return (reminders, units, leaders, toSign);
    }

    /// <summary>Uncomposed 签收 reminders; one signed meanwhile comes marked, so it is composed into nothing.</summary>
    private static async Task<List<UnsignedItem>> LoadUnsignedAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, DateOnly today, bool lockRows, CancellationToken ct)
    {
        var sql = """
            select r.id as reminderid, r.task_id as taskid, r.unit_id as unitid, t.code, t.title as tasktitle,
                   exists (select 1 from acknowledgements a join milestones m on m.id = a.milestone_id
                           where a.unit_id = r.unit_id and m.task_id = r.task_id) as signedsince
            from acknowledgement_reminders r
            join tasks t on t.id = r.task_id
            where r.composed_at is null and r.local_date <= @today
            order by r.id
            """ + (lockRows ? "\nfor update of r skip locked" : "");
        return (await connection.QueryAsync<UnsignedItem>(new CommandDefinition(sql, new { today }, tx, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Loads, composes with <paramref name="compose"/> and saves in one transaction. With <paramref name="notice"/>, each
    /// 督办 (level 3) reminder also gets its numbered 督办通知单 (written by it, given the number), attached to the
    /// escalation e-mails that carry the reminder.
    /// </summary>
    public async Task<ComposeResult> ComposeAsync(
        DateOnly today, int[] levels, DateTimeOffset now, Func<List<ReminderItem>, List<TaskUnitContact>, List<TaskLeaderContact>, List<UnsignedItem>, Composition> compose, CancellationToken ct,
        Func<ReminderItem, IReadOnlyList<TaskUnitContact>, IReadOnlyList<TaskLeaderContact>, int, Task<(string FileName, byte[] Docx)>>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(compose);
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var (reminders, units, leaders, toSign) = await LoadAsync(connection, tx, today, levels, lockRows: true, ct);
        if (reminders.Count == 0 && toSign.Count == 0)
        {
            return new ComposeResult(0, 0, 0, 0);
        }

        var composition = compose(reminders, units, leaders, toSign);
        var messages = composition.Messages;

        // The key is the ledger: a message already queued for this recipient, kind and day stays as it is, and the
        // reminders are linked to it (one e-mail and one SMS per recipient per day, never a second).
        const string insertMessages = """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, unit_id, leader_id,
                                  subject, body_text, body_html, sms_template, template_params, state, next_attempt_at, created_at)
            select m.key, m.channel, m.kind, m.local_date, m.address, m.name, m.unit_id, m.leader_id, m.subject, m.body_text, m.body_html,
                   m.sms_template, m.template_params::jsonb, 'pending', @now, @now
            from unnest(@keys, @channels, @kinds, @dates, @addresses, @names, @unitIds, @leaderIds, @subjects, @texts, @htmls, @smsTemplates, @templateParams)
                 as m(key, channel, kind, local_date, address, name, unit_id, leader_id, subject, body_text, body_html, sms_template, template_params)
            on conflict (key) do nothing
            returning id, key
            """;
        var inserted = (await connection.QueryAsync<(long Id, string Key)>(new CommandDefinition(
            insertMessages,
            new
            {
                now,
                keys = messages.Select(m => m.Key).ToArray(),
                channels = messages.Select(m => m.Channel).ToArray(),
                kinds = messages.Select(m => m.Kind).ToArray(),
                dates = messages.Select(m => m.LocalDate).ToArray(),
                addresses = messages.Select(m => m.Address).ToArray(),
                names = messages.Select(m => m.Name).ToArray(),
                unitIds = messages.Select(m => m.UnitId).ToArray(),
                leaderIds = messages.Select(m => m.LeaderId).ToArray(),
                subjects = messages.Select(m => m.Subject).ToArray(),
                texts = messages.Select(m => m.BodyText).ToArray(),
                htmls = messages.Select(m => m.BodyHtml).ToArray(),
                smsTemplates = messages.Select(m => m.SmsTemplate).ToArray(),
                templateParams = messages.Select(m => m.TemplateParams is null ? null : System.Text.Json.JsonSerializer.Serialize(m.TemplateParams)).ToArray(),
            },
            tx,
            cancellationToken: ct))).ToList();

        if (notice is not null)
        {
            await AttachNoticesAsync(connection, tx, today, now, reminders, units, leaders, messages, inserted, notice, ct);
        }

        var links = messages.SelectMany(m => m.ReminderIds.Select(r => (m.Key, Reminder: r))).ToList();
        const string link = """
            insert into message_reminders (message_id, reminder_id)
            select m.id, l.reminder_id
            from unnest(@keys, @reminderIds) as l(key, reminder_id)
            join messages m on m.key = l.key
            on conflict do nothing
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            link, new { keys = links.Select(l => l.Key).ToArray(), reminderIds = links.Select(l => l.Reminder).ToArray() }, tx, cancellationToken: ct));

        const string gaps = """
            insert into reminder_gaps (reminder_id, unit_id, leader_id, reason, recorded_at)
            select g.reminder_id, g.unit_id, g.leader_id, g.reason, @now
            from unnest(@reminderIds, @unitIds, @leaderIds, @reasons) as g(reminder_id, unit_id, leader_id, reason)
            on conflict do nothing
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            gaps,
            new
            {
                now,
                reminderIds = composition.Gaps.Select(g => g.ReminderId).ToArray(),
                unitIds = composition.Gaps.Select(g => g.UnitId).ToArray(),
                leaderIds = composition.Gaps.Select(g => g.LeaderId).ToArray(),
                reasons = composition.Gaps.Select(g => g.Reason).ToArray(),
            },
            tx,
            cancellationToken: ct));

        await connection.ExecuteAsync(new CommandDefinition(
            "update reminders set composed_at = @now where id = any(@ids)", new { now, ids = composition.ReminderIds.ToArray() }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "update acknowledgement_reminders set composed_at = @now where id = any(@ids)", new { now, ids = toSign.Select(u => u.ReminderId).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new ComposeResult(reminders.Count, inserted.Count, messages.Count - inserted.Count, composition.Gaps.Count);
    }

    /// <summary>
    /// One numbered 督办通知单 per level-3 reminder, stored, and attached to each new escalation e-mail carrying the reminder.
    /// An e-mail already queued today for the same recipient (its key taken) keeps what it had; the notice is on the task page.
    /// </summary>
    private static async Task AttachNoticesAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, DateOnly today, DateTimeOffset now,
        List<ReminderItem> reminders, List<TaskUnitContact> units, List<TaskLeaderContact> leaders,
        IReadOnlyList<ComposedMessage> messages, List<(long Id, string Key)> inserted,
        Func<ReminderItem, IReadOnlyList<TaskUnitContact>, IReadOnlyList<TaskLeaderContact>, int, Task<(string FileName, byte[] Docx)>> notice, CancellationToken ct)
    {
        var files = new Dictionary<long, MessageAttachment>();
        foreach (var r in reminders.Where(r => r.Level == 3))
        {
            var taskUnits = units.Where(u => u.TaskId == r.TaskId).ToList();
            var taskLeaders = leaders.Where(l => l.TaskId == r.TaskId).ToList();
            var (fileName, docx) = await Documents.EscalationNoticeStore.CreateAsync(
                connection, tx, r.ReminderId, r.MilestoneId, today.Year, now, number => notice(r, taskUnits, taskLeaders, number), ct);
            files[r.ReminderId] = new MessageAttachment(fileName, MessageAttachment.Docx, docx);
        }

        var byKey = messages.ToDictionary(m => m.Key, StringComparer.Ordinal);
        var attachments = inserted
            .Select(i => (i.Id, Message: byKey[i.Key]))
            .Where(m => m.Message.Channel == Channels.Email && m.Message.Kind == MessageComposer.Escalation)
            .Select(m => (m.Id, (IReadOnlyList<MessageAttachment>)m.Message.ReminderIds.Where(files.ContainsKey).Select(id => files[id]).ToList()))
            .ToList();
        await OutboxStore.AddAttachmentsAsync(connection, tx, attachments, ct);
    }

    /// <summary>For <c>preview</c>: the same load, no locks, no writes.</summary>
    public async Task<(List<ReminderItem> Reminders, List<TaskUnitContact> Units, List<TaskLeaderContact> Leaders, List<UnsignedItem> Unsigned)> PeekAsync(DateOnly today, int[] levels, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, today, levels, lockRows: false, ct);
    }
}
