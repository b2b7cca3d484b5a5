using Quartz;
using Supervisor.Core;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// The console's hold on the running clustered scheduler (serve): list, trigger now, pause, resume. A trigger fired
/// here runs on whichever node acquires it, recorded in job_runs as a manual run like <c>job run</c>.
/// </summary>
public sealed class JobControl(
    [FromKeyedServices(JobsServiceCollectionExtensions.SchedulerName)] ISchedulerFactory schedulers,
    JobCatalog catalog,
    JobListing listing,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<IReadOnlyList<JobListRow>> ListAsync(CancellationToken ct) => await listing.ListAsync(await schedulers.GetScheduler(ct), ct);

    public async Task TriggerAsync(string name, string actor, CancellationToken ct)
    {
        var key = Key(name);
        var now = time.GetUtcNow();
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.TriggerJob(key, JobFire.ManualData(now), ct);
        await audit.WriteAsync(now, actor, "job.trigger", $"job:{key.Name}", null, ct);
    }

    public async Task PauseAsync(string name, string actor, CancellationToken ct)
    {
        var key = Key(name);
        await (await schedulers.GetScheduler(ct)).PauseJob(key, ct);
        await audit.WriteAsync(time.GetUtcNow(), actor, "job.pause", $"job:{key.Name}", null, ct);
    }

    public async Task ResumeAsync(string name, string actor, CancellationToken ct)
    {
        var key = Key(name);
        await (await schedulers.GetScheduler(ct)).ResumeJob(key, ct);
        await audit.WriteAsync(time.GetUtcNow(), actor, "job.resume", $"job:{key.Name}", null, ct);
    }

    private JobKey Key(string name) =>
        JobSchedules.JobKey((catalog.Find(name) ?? throw new BadInputException($"没有名为 {name} 的作业")).Name);
}
