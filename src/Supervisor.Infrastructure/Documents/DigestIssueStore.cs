using Dapper;
using Npgsql;
using Supervisor.Infrastructure.Delivery;

namespace Supervisor.Infrastructure.Documents;

/// <summary>A 通报 issue: a draft (no number yet) or released (numbered, its document kept as sent).</summary>
public sealed record DigestIssue(
    long Id, DateOnly PeriodDate, DateOnly AsOf, DateTimeOffset GeneratedAt, string State, int? Year, int? Number, string Requirements,
    DigestTotals Totals, string? FileName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? UpdatedBy, DateTimeOffset? ReleasedAt, string? ReleasedBy)
{
    public bool Released => State == "released";

    public string? IssueLine => Year is { } y && Number is { } n ? Core.Documents.GongwenLayout.IssueNumber(y, n) : null;
}

/// <summary>A message to queue with its files: an e-mail by default; the office's group posts and texts set <see cref="Channel"/>.</summary>
public sealed record QueuedMessage(string Key, string Address, string? Name, string? Subject, string Text, string? Html, IReadOnlyList<MessageAttachment> Attachments)
{
    public string Channel { get; init; } = Delivery.Channels.Email;

    /// <summary>SMS: the provider template (digest) and its variables, for Aliyun/Tencent.</summary>
    public string? SmsTemplate { get; init; }

    public IReadOnlyDictionary<string, string>? TemplateParams { get; init; }
}

/// <summary>The numbered documents' rows: 通报 issues (digest_issues), their numbers (document_numbers) and what releasing queues.</summary>
public sealed class DigestIssueStore(NpgsqlDataSource dataSource)
{
    public const string TongbaoSeries = "tongbao";

    private const string Columns = """
        id, period_date as perioddate, as_of as asof, generated_at as generatedat, state, year, number, requirements,
        tasks, due, on_time as ontime, late, overdue_open as overdueopen, file_name as filename, created_at as createdat,
        updated_at as updatedat, updated_by as updatedby, released_at as releasedat, released_by as releasedby
        """;

    /// <summary>Takes the next number of a series for a year; call inside the transaction of the document that uses it.</summary>
    public static Task<int> NextNumberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string series, int year, CancellationToken ct)
    {
        // The row lock of the upsert serialises concurrent releases; a rollback gives the number back.
        const string sql = """
            insert into document_numbers (series, year, last) values (@series, @year, 1)
            on conflict (series, year) do update set last = document_numbers.last + 1
            returning last
            """;
        return connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { series, year }, tx, cancellationToken: ct));
    }

    /// <summary>The number the next release of a series would take (for a preview; reserves nothing).</summary>
    public async Task<int> PeekNumberAsync(string series, int year, CancellationToken ct)
    {
        const string sql = "select coalesce((select last from document_numbers where series = @series and year = @year), 0) + 1";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { series, year }, cancellationToken: ct));
    }

    public async Task<DigestIssue?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await QueryAsync(connection, null, $"select {Columns} from digest_issues where id = @id", new { id }, ct)).SingleOrDefault();
    }

    public async Task<DigestIssue?> ForPeriodAsync(DateOnly periodDate, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await QueryAsync(connection, null, $"select {Columns} from digest_issues where period_date = @periodDate", new { periodDate }, ct)).SingleOrDefault();
    }

    /// <summary>The latest released issue for a period before <paramref name="periodDate"/>: what 总体情况 compares with.</summary>
    public async Task<DigestIssue?> PreviousReleasedAsync(DateOnly periodDate, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await QueryAsync(connection, null,
            $"select {Columns} from digest_issues where state = 'released' and period_date < @periodDate order by period_date desc limit 1", new { periodDate }, ct)).SingleOrDefault();
    }

    /// <summary>Every issue, newest period first: the console's archive.</summary>
    public async Task<IReadOnlyList<DigestIssue>> ListAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await QueryAsync(connection, null, $"select {Columns} from digest_issues order by period_date desc limit @limit", new { limit }, ct);
    }

    public async Task<(string FileName, byte[] Docx)?> DocxAsync(long id, CancellationToken ct)
    {
        const string sql = "select file_name, docx from digest_issues where id = @id and state = 'released'";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string FileName, byte[] Docx)?>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row;
    }

    /// <summary>Records the period's issue as a draft; a second call for the same period changes nothing. Returns the issue.</summary>
    public async Task<DigestIssue> CreateDraftAsync(DateOnly periodDate, DateOnly asOf, DateTimeOffset generatedAt, string requirements, DigestTotals totals, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(totals);
        const string sql = """
            insert into digest_issues (period_date, as_of, generated_at, state, requirements, tasks, due, on_time, late, overdue_open, created_at, updated_at)
            values (@periodDate, @asOf, @generatedAt, 'draft', @requirements, @tasks, @due, @onTime, @late, @overdueOpen, @now, @now)
            on conflict (period_date) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            periodDate, asOf, generatedAt = generatedAt.ToUniversalTime(), requirements,
            tasks = totals.Tasks, due = totals.Due, onTime = totals.OnTime, late = totals.Late, overdueOpen = totals.OverdueOpen, now = now.ToUniversalTime(),
        }, cancellationToken: ct));
        return (await QueryAsync(connection, null, $"select {Columns} from digest_issues where period_date = @periodDate", new { periodDate }, ct)).Single();
    }

    /// <summary>The office edits 下步工作要求 of a draft; false when the issue is released (its text is final) or missing.</summary>
    public async Task<bool> UpdateRequirementsAsync(long id, string requirements, string actor, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "update digest_issues set requirements = @requirements, updated_at = @now, updated_by = @actor where id = @id and state = 'draft'";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, requirements, actor, now = now.ToUniversalTime() }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// 签发: in one transaction, locks the draft, takes the year's next 期号, stores the document <paramref name="render"/>
    /// writes with it, and queues <paramref name="mails"/> (made from the same document). A released issue is left as it
    /// is and nothing is queued: a second release, or a re-run of the job for the period, neither numbers nor sends again.
    /// Returns the issue and whether this call released it.
    /// </summary>
    public async Task<(DigestIssue Issue, bool Released, int Queued)> ReleaseAsync(
        long id, string actor, DateTimeOffset now, DateOnly localDate,
        Func<DigestIssue, int, int, (string FileName, byte[] Docx, IReadOnlyList<QueuedMessage> Mails)> render, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(render);
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var issue = (await QueryAsync(connection, tx, $"select {Columns} from digest_issues where id = @id for update", new { id }, ct)).SingleOrDefault()
            ?? throw new KeyNotFoundException($"digest issue {id} does not exist");
        if (issue.Released)
        {
            return (issue, false, 0);
        }

        var year = issue.PeriodDate.Year;
        var number = await NextNumberAsync(connection, tx, TongbaoSeries, year, ct);
        var (fileName, docx, mails) = render(issue, year, number);
        const string release = """
            update digest_issues set state = 'released', year = @year, number = @number, file_name = @fileName, docx = @docx,
                                     released_at = @now, released_by = @actor, updated_at = @now
            where id = @id
            """;
        await connection.ExecuteAsync(new CommandDefinition(release, new { id, year, number, fileName, docx, now, actor }, tx, cancellationToken: ct));
        var queued = await QueueAsync(connection, tx, mails, localDate, now, ct);
        await tx.CommitAsync(ct);
        return ((await FindAsync(id, ct))!, true, queued);
    }

    /// <summary>Inserts the 通报's messages (e-mails with their files, group posts, texts); a key already in the outbox (the same address, channel and day) queues nothing.</summary>
    private static async Task<int> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<QueuedMessage> mails, DateOnly localDate, DateTimeOffset now, CancellationToken ct)
    {
        if (mails.Count == 0)
        {
            return 0;
        }

        const string sql = """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, body_html,
                                  sms_template, template_params, state, next_attempt_at, created_at)
            select m.key, m.channel, 'supervision_digest', @localDate, m.address, m.name, m.subject, m.text, m.html,
                   m.template, m.params::jsonb, 'pending', @now, @now
            from unnest(@keys, @channels, @addresses, @names, @subjects, @texts, @htmls, @templates, @params)
                 as m(key, channel, address, name, subject, text, html, template, params)
            on conflict (key) do nothing
            returning id, key
            """;
        var inserted = (await connection.QueryAsync<(long Id, string Key)>(new CommandDefinition(sql, new
        {
            localDate, now,
            keys = mails.Select(m => m.Key).ToArray(),
            channels = mails.Select(m => m.Channel).ToArray(),
            templates = mails.Select(m => m.SmsTemplate).ToArray(),
            @params = mails.Select(m => m.TemplateParams is null ? null : System.Text.Json.JsonSerializer.Serialize(m.TemplateParams)).ToArray(),
            addresses = mails.Select(m => m.Address).ToArray(),
            names = mails.Select(m => m.Name).ToArray(),
            subjects = mails.Select(m => m.Subject).ToArray(),
            texts = mails.Select(m => m.Text).ToArray(),
            htmls = mails.Select(m => m.Html).ToArray(),
        }, tx, cancellationToken: ct))).ToList();
        var byKey = mails.ToDictionary(m => m.Key, StringComparer.Ordinal);
        await OutboxStore.AddAttachmentsAsync(connection, tx, inserted.Select(i => (i.Id, byKey[i.Key].Attachments)).ToList(), ct);
        return inserted.Count;
    }

    private static async Task<IReadOnlyList<DigestIssue>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, object args, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<(long Id, DateTime PeriodDate, DateTime AsOf, DateTime GeneratedAt, string State, int? Year, int? Number, string Requirements,
            int Tasks, int Due, int OnTime, int Late, int OverdueOpen, string? FileName, DateTime CreatedAt, DateTime UpdatedAt, string? UpdatedBy, DateTime? ReleasedAt, string? ReleasedBy)>(
            new CommandDefinition(sql, args, tx, cancellationToken: ct));
        static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
        return rows.Select(r => new DigestIssue(r.Id, DateOnly.FromDateTime(r.PeriodDate), DateOnly.FromDateTime(r.AsOf), Utc(r.GeneratedAt), r.State, r.Year, r.Number,
            r.Requirements, new DigestTotals(r.Tasks, r.Due, r.OnTime, r.Late, r.OverdueOpen), r.FileName, Utc(r.CreatedAt), Utc(r.UpdatedAt), r.UpdatedBy,
            r.ReleasedAt is { } at ? Utc(at) : null, r.ReleasedBy)).ToList();
    }
}
