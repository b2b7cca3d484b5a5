using Hangfire;
using Hangfire.States;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// The console's and API's hold on the jobs: list, trigger now, pause, resume. "Trigger now" enqueues a Hangfire job
/// that any node's worker runs, recorded in job_runs as a manual run like <c>job run</c>; pause and resume are ours
/// (job_pauses), read by every pass on every node.
/// </summary>
public sealed class JobControl(
    IBackgroundJobClient client,
    JobPassRunner runner,
    JobListing listing,
    JobPauseStore pauses,
    AuditLog audit,
    TimeProvider time)
{
    public Task<IReadOnlyList<JobListRow>> ListAsync(CancellationToken ct) => listing.ListAsync(ct);

    /// <returns>The Hangfire job id of the pass.</returns>
    public async Task<string> TriggerAsync(string name, string actor, CancellationToken ct)
    {
        var job = runner.Require(name).Name;
        var id = client.Create<HangfireJobs>(j => j.RunNowAsync(job, "manual", null, CancellationToken.None), new EnqueuedState());
        await audit.WriteAsync(time.GetUtcNow(), actor, "job.trigger", $"job:{job}", null, ct);
        return id;
    }

    public async Task PauseAsync(string name, string actor, CancellationToken ct)
    {
        var job = runner.Require(name).Name;
        var now = time.GetUtcNow();
        await pauses.PauseAsync(job, now, actor, ct);
        await audit.WriteAsync(now, actor, "job.pause", $"job:{job}", null, ct);
    }

    public async Task ResumeAsync(string name, string actor, CancellationToken ct)
    {
        var job = runner.Require(name).Name;
        await pauses.ResumeAsync(job, ct);
        await audit.WriteAsync(time.GetUtcNow(), actor, "job.resume", $"job:{job}", null, ct);
    }
}
