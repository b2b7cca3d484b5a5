using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Documents;

/// <summary>Configuration section "Notices": the 督办通知单.</summary>
public sealed class NoticeOptions
{
    public const string Section = "Notices";

    /// <summary>Working days (official calendar) the unit gets to report back: the notice's 反馈时限.</summary>
    public int FeedbackWorkingDays { get; set; } = 3;

    public IEnumerable<string> Validate()
    {
        if (FeedbackWorkingDays is < 1 or > 60)
        {
            yield return "Notices:FeedbackWorkingDays must be between 1 and 60";
        }
    }
}

/// <summary>A 督办通知单 as kept: which escalation, its number, its file.</summary>
public sealed record NoticeRow(long ReminderId, long MilestoneId, string Milestone, string FileName, DateTimeOffset CreatedAt);

/// <summary>The 督办通知单 rows (escalation_notices): numbered inside the compose transaction, read by the task page.</summary>
public sealed class EscalationNoticeStore(NpgsqlDataSource dataSource)
{
    public const string Series = "duban";

    /// <summary>
    /// Numbers and stores the notice of a level-3 reminder in the caller's transaction (the one that composes its
    /// e-mails), so a notice exists exactly when its e-mails are queued. <paramref name="write"/> gets the number.
    /// </summary>
    public static async Task<(string FileName, byte[] Docx)> CreateAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long reminderId, long milestoneId, int year, DateTimeOffset now,
        Func<int, Task<(string FileName, byte[] Docx)>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        var number = await DigestIssueStore.NextNumberAsync(connection, tx, Series, year, ct);
        var (fileName, docx) = await write(number);
        const string sql = """
            insert into escalation_notices (reminder_id, milestone_id, year, number, file_name, docx, created_at)
            values (@reminderId, @milestoneId, @year, @number, @fileName, @docx, @now)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { reminderId, milestoneId, year, number, fileName, docx, now = now.ToUniversalTime() }, tx, cancellationToken: ct));
        return (fileName, docx);
    }

    /// <summary>The notices of a task's milestones, newest first.</summary>
    public async Task<IReadOnlyList<NoticeRow>> ForTaskAsync(long taskId, CancellationToken ct)
    {
        const string sql = """
            select n.reminder_id as reminderid, n.milestone_id as milestoneid, m.title as milestone, n.file_name as filename, n.created_at as createdat
            from escalation_notices n join milestones m on m.id = n.milestone_id
            where m.task_id = @taskId
            order by n.created_at desc, n.reminder_id desc
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(long ReminderId, long MilestoneId, string Milestone, string FileName, DateTime CreatedAt)>(
            new CommandDefinition(sql, new { taskId }, cancellationToken: ct));
        return rows.Select(r => new NoticeRow(r.ReminderId, r.MilestoneId, r.Milestone, r.FileName, new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>A task's notice by its reminder; null when the reminder is not an escalation of that task.</summary>
    public async Task<(string FileName, byte[] Docx)?> DocxAsync(long taskId, long reminderId, CancellationToken ct)
    {
        const string sql = """
            select n.file_name, n.docx from escalation_notices n join milestones m on m.id = n.milestone_id
            where n.reminder_id = @reminderId and m.task_id = @taskId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(string FileName, byte[] Docx)?>(new CommandDefinition(sql, new { taskId, reminderId }, cancellationToken: ct));
    }
}
