using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>What a run is recorded with before its pass starts.</summary>
/// <param name="ScheduledAt">The cron slot of a scheduled pass; for a manual or immediate one the instant it runs "as of".</param>
/// <param name="BackgroundJobId">The Hangfire background job that runs the pass, if one does (not for <c>job run</c>).</param>
public sealed record JobRunStart(string JobName, string InstanceId, string TriggerKind, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt, string? BackgroundJobId = null);

/// <summary>One row of job_runs, for <c>job list</c> and the console.</summary>
public sealed record JobRun(
    long Id,
    string JobName,
    string InstanceId,
    string TriggerKind,
    DateTimeOffset ScheduledAt,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Outcome,
    string? Error,
    string? Summary);

/// <summary>job_runs: one row per pass of a scheduled job, written by the pass runner around each pass, never by the jobs.</summary>
/// <remarks>Instants are written in UTC whatever their offset (Npgsql accepts only UTC for timestamptz).</remarks>
public sealed class JobRunStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records that a pass is starting, or returns null when its claim is already taken: a scheduled slot that has a row
    /// (another node's job for the same slot, or Hangfire fetching the job again after its server died), or a Hangfire
    /// job that already started once. The unique keys on (job_name, scheduled_at) for 'schedule' runs and on
    /// background_job_id decide, inside PostgreSQL, which of two concurrent callers runs the pass. A run by hand without
    /// a background job always gets a row.
    /// </summary>
    public async Task<long?> TryStartAsync(JobRunStart run, CancellationToken ct)
    {
        const string sql = """
            insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, outcome, background_job_id)
            values (@JobName, @InstanceId, @TriggerKind, @ScheduledAt, @StartedAt, 'running', @BackgroundJobId)
            on conflict do nothing
            returning id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var utc = run with { ScheduledAt = run.ScheduledAt.ToUniversalTime(), StartedAt = run.StartedAt.ToUniversalTime() };
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, utc, cancellationToken: ct));
    }

    /// <param name="summaryJson">A JSON object, stored as jsonb; null for none.</param>
    public async Task FinishAsync(long id, DateTimeOffset finishedAt, string outcome, string? error, string? summaryJson, CancellationToken ct)
    {
        const string sql = """
            update job_runs
            set finished_at = @finishedAt, outcome = @outcome, error = @error, summary = @summaryJson::jsonb
            where id = @id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, finishedAt = finishedAt.ToUniversalTime(), outcome, error, summaryJson }, cancellationToken: ct));
    }

    /// <summary>
    /// The latest slot of <paramref name="jobName"/> recorded by a scheduled run before <paramref name="slot"/> and not
    /// before <paramref name="since"/>; null when there is none in that window.
    /// </summary>
    public async Task<DateTimeOffset?> LatestScheduledSlotAsync(string jobName, DateTimeOffset since, DateTimeOffset slot, CancellationToken ct)
    {
        const string sql = """
            select max(scheduled_at) from job_runs
            where job_name = @jobName and trigger_kind = 'schedule' and scheduled_at >= @since and scheduled_at < @slot
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var latest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            sql, new { jobName, since = since.ToUniversalTime(), slot = slot.ToUniversalTime() }, cancellationToken: ct));
        return latest is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null;
    }

    /// <summary>The latest runs of one job, newest first.</summary>
    public async Task<IReadOnlyList<JobRun>> RecentAsync(string jobName, int limit, CancellationToken ct)
    {
        const string sql = """
            select id, job_name as JobName, instance_id as InstanceId, trigger_kind as TriggerKind, scheduled_at as ScheduledAt,
                   started_at as StartedAt, finished_at as FinishedAt, outcome, error, summary::text as Summary
            from job_runs
            where job_name = @jobName
            order by started_at desc, id desc
            limit @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<JobRunRow>(new CommandDefinition(sql, new { jobName, limit }, cancellationToken: ct));
        return [.. rows.Select(r => r.ToJobRun())];
    }

    /// <summary>The latest run of every job that has one, by job name.</summary>
    public async Task<IReadOnlyDictionary<string, JobRun>> LatestPerJobAsync(CancellationToken ct)
    {
        const string sql = """
            select distinct on (job_name)
                   id, job_name as JobName, instance_id as InstanceId, trigger_kind as TriggerKind, scheduled_at as ScheduledAt,
                   started_at as StartedAt, finished_at as FinishedAt, outcome, error, summary::text as Summary
            from job_runs
            order by job_name, started_at desc, id desc
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<JobRunRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => r.ToJobRun()).ToDictionary(r => r.JobName, StringComparer.Ordinal);
    }

    /// <summary>Deletes runs started before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        const string sql = "delete from job_runs where started_at < @cutoff";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { cutoff = cutoff.ToUniversalTime() }, cancellationToken: ct, commandTimeout: 300));
    }

    // Npgsql hands timestamptz back as a UTC DateTime; the record speaks DateTimeOffset.
    private sealed record JobRunRow(
        long Id, string JobName, string InstanceId, string TriggerKind, DateTime ScheduledAt, DateTime StartedAt, DateTime? FinishedAt,
        string Outcome, string? Error, string? Summary)
    {
        public JobRun ToJobRun() => new(
            Id, JobName, InstanceId, TriggerKind, Utc(ScheduledAt), Utc(StartedAt), FinishedAt is { } f ? Utc(f) : null, Outcome, Error, Summary);

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }
}
