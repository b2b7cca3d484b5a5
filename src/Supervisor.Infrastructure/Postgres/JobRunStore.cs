using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>What a run is recorded with before its pass starts.</summary>
/// <param name="ScheduledAt">The trigger's scheduled fire time; for a manual run the instant it was run "as of".</param>
public sealed record JobRunStart(string JobName, string InstanceId, string TriggerKind, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt);

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

/// <summary>job_runs: one row per pass of a scheduled job, written by the scheduler's listeners, never by the jobs.</summary>
/// <remarks>Instants are written in UTC whatever their offset (Npgsql accepts only UTC for timestamptz).</remarks>
public sealed class JobRunStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records that a pass is starting, or returns null when this scheduled slot already has a row: a second node
    /// firing the same slot, or Quartz re-firing it. The unique key on (job_name, scheduled_at) for 'schedule' runs
    /// decides, inside PostgreSQL, which of two concurrent callers runs the pass. Manual runs always get a row.
    /// </summary>
    public async Task<long?> TryStartAsync(JobRunStart run, CancellationToken ct)
    {
        const string sql = """
            insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, outcome)
            values (@JobName, @InstanceId, @TriggerKind, @ScheduledAt, @StartedAt, 'running')
            on conflict (job_name, scheduled_at) where trigger_kind = 'schedule' do nothing
            returning id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var utc = run with { ScheduledAt = run.ScheduledAt.ToUniversalTime(), StartedAt = run.StartedAt.ToUniversalTime() };
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, utc, cancellationToken: ct));
    }

    /// <summary>
    /// As <see cref="TryStartAsync"/>, for a slot that cluster recovery fires again because the node that fired it died.
    /// Quartz keeps the original slot only to the second, so a run of any instant within that second (a misfire's
    /// "fire once now" slot has milliseconds) counts as the slot's run: the pass was claimed before the node died.
    /// </summary>
    public async Task<long?> TryStartRecoveredAsync(JobRunStart run, CancellationToken ct)
    {
        const string sql = """
            insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, outcome)
            select @JobName, @InstanceId, 'schedule', @ScheduledAt, @StartedAt, 'running'
            where not exists (
                select 1 from job_runs
                where job_name = @JobName and trigger_kind = 'schedule'
                  and scheduled_at >= @ScheduledAt and scheduled_at < @ScheduledAt + interval '1 second')
            on conflict (job_name, scheduled_at) where trigger_kind = 'schedule' do nothing
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
