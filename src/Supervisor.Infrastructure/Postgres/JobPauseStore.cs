using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A paused job: who paused it and when.</summary>
public sealed record JobPause(string JobName, DateTimeOffset PausedAt, string PausedBy);

/// <summary>
/// job_pauses: which jobs an admin paused. Hangfire has no pause, so it is ours: one row per paused job, read by every
/// pass on every node, kept across restarts.
/// </summary>
public sealed class JobPauseStore(NpgsqlDataSource dataSource)
{
    /// <summary>Pauses a job; pausing a paused job keeps the first pause.</summary>
    public async Task PauseAsync(string jobName, DateTimeOffset at, string by, CancellationToken ct)
    {
        const string sql = """
            insert into job_pauses (job_name, paused_at, paused_by) values (@jobName, @at, @by)
            on conflict (job_name) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { jobName, at = at.ToUniversalTime(), by }, cancellationToken: ct));
    }

    /// <summary>Resumes a job; returns false when it was not paused.</summary>
    public async Task<bool> ResumeAsync(string jobName, CancellationToken ct)
    {
        const string sql = "delete from job_pauses where job_name = @jobName";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { jobName }, cancellationToken: ct)) > 0;
    }

    public async Task<JobPause?> FindAsync(string jobName, CancellationToken ct)
    {
        const string sql = "select job_name as JobName, paused_at as PausedAt, paused_by as PausedBy from job_pauses where job_name = @jobName";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PauseRow>(new CommandDefinition(sql, new { jobName }, cancellationToken: ct));
        return row?.ToPause();
    }

    public async Task<IReadOnlyDictionary<string, JobPause>> AllAsync(CancellationToken ct)
    {
        const string sql = "select job_name as JobName, paused_at as PausedAt, paused_by as PausedBy from job_pauses";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<PauseRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => r.ToPause()).ToDictionary(p => p.JobName, StringComparer.Ordinal);
    }

    // Npgsql hands timestamptz back as a UTC DateTime.
    private sealed record PauseRow(string JobName, DateTime PausedAt, string PausedBy)
    {
        public JobPause ToPause() => new(JobName, new DateTimeOffset(DateTime.SpecifyKind(PausedAt, DateTimeKind.Utc)), PausedBy);
    }
}
