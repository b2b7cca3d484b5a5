using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Options;

namespace Supervisor.Jobs;

/// <summary>
/// What Hangfire runs: every Supervisor job is a recurring job calling <see cref="RunScheduledAsync"/> with its name,
/// and a pass started now (console, API, the immediate dispatch) is a background job calling <see cref="RunNowAsync"/>.
/// Both hand the pass to <see cref="JobPassRunner"/>, which claims it in job_runs first.
/// </summary>
/// <remarks>
/// No automatic retry: a scheduled pass's retry is the next slot, which works from the state of the database and so
/// catches up on whatever a failed pass left (messages stay owed, reminders stay uncomposed). A failed pass is recorded
/// in job_runs and left in Hangfire's Failed list, from where an admin can requeue it — which runs it again as the same
/// Hangfire job, so only when its first run never claimed the slot.
/// </remarks>
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
[ManualTrigger]
public sealed class HangfireJobs(JobPassRunner runner, IOptions<JobsOptions> options, TimeZoneInfo zone)
{
    /// <summary>Set on a recurring job's background job when an admin triggered it from the dashboard, not the scheduler.</summary>
    public const string TriggerParameter = "supervisor-trigger";

    /// <summary>One slot of a job's cron. Hangfire substitutes <paramref name="context"/> and <paramref name="ct"/>.</summary>
    [JobName(TriggerKind.Schedule)]
    public async Task RunScheduledAsync(string job, PerformContext? context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Stale reads are the parameters loaded with the fetched job: no extra round trip per pass.
        var time = context.GetJobParameter<long?>("Time", allowStale: true) is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : new DateTimeOffset(DateTime.SpecifyKind(context.BackgroundJob.CreatedAt, DateTimeKind.Utc));
        JobFire fire;
        if (context.GetJobParameter<string?>(TriggerParameter, allowStale: true) == "manual")
        {
            fire = new JobFire(job, TriggerKind.Manual, time, context.BackgroundJob.Id);
        }
        else
        {
            var cron = options.Value.Schedules.TryGetValue(job, out var schedule) && schedule.Cron.Length > 0
                ? JobSchedules.Parse(schedule.Cron)
                : null;
            var slot = cron is null ? null : JobSchedules.SlotOf(cron, zone, time);
            fire = new JobFire(job, TriggerKind.Schedule, slot ?? time, context.BackgroundJob.Id);
            if (cron is not null && slot is { } s)
            {
                // Slots no node fired while this one was up (a dead node held the scheduler's lock) run first, in order.
                await runner.CatchUpAsync(job, cron, s, JobPassRunner.NodeInstanceId, ct);
            }
        }

        await RunAsync(fire, ct);
    }

    /// <summary>A pass now: <paramref name="kind"/> is "manual" (someone asked) or "immediate" (the product did).</summary>
    [JobName(TriggerKind.Manual)]
    public async Task RunNowAsync(string job, string kind, PerformContext? context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trigger = kind == "immediate" ? TriggerKind.Immediate : TriggerKind.Manual;
        await RunAsync(new JobFire(job, trigger, runner.Now, context.BackgroundJob.Id), ct);
    }

    private async Task RunAsync(JobFire fire, CancellationToken ct)
    {
        var outcome = await runner.RunAsync(fire, JobPassRunner.NodeInstanceId, ct);
        if (outcome.Outcome == "failed")
        {
            // Recorded in job_runs already; thrown so the dashboard lists the job as failed, with the same message.
            throw new JobPassFailedException($"{fire.JobName}: {outcome.Error}");
        }
    }
}

/// <summary>A pass failed; job_runs has its record. Thrown to Hangfire so its dashboard shows the failure.</summary>
public sealed class JobPassFailedException(string message) : Exception(message);

/// <summary>
/// The dashboard's Chinese name of a pass (节点扫描, or 节点扫描（立即执行）), from the job catalog of the node serving the page.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JobNameAttribute(TriggerKind kind) : JobDisplayNameAttribute("{0}")
{
    public TriggerKind Kind { get; } = kind;

    public override string Format(DashboardContext context, Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var name = job.Args.Count > 0 ? job.Args[0] as string ?? "" : "";
        var catalog = (context as AspNetCoreDashboardContext)?.HttpContext.RequestServices.GetService<JobCatalog>();
        var display = catalog?.DisplayName(name) ?? name;
        if (Kind == TriggerKind.Schedule)
        {
            return display;
        }

        return job.Args.Count > 1 && job.Args[1] as string == "immediate" ? display + "（新消息即发）" : display + "（立即执行）";
    }
}

/// <summary>
/// Marks a recurring job's background job as a manual run when it was made by "trigger now" (the dashboard's button
/// calls Hangfire's recurring job manager, whose enqueue reason says so) rather than by the scheduler at a slot, so
/// it runs as a manual pass recorded by its Hangfire job id, instead of claiming the current slot.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ManualTriggerAttribute : JobFilterAttribute, IElectStateFilter
{
    // Hangfire.RecurringJobManager.TriggerJob's reason (1.8); the scheduler's is "Triggered by recurring job scheduler".
    private const string TriggeredByHand = "Triggered using recurring job manager";

    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is EnqueuedState { Reason: TriggeredByHand })
        {
            context.SetJobParameter(HangfireJobs.TriggerParameter, "manual");
        }
    }
}
