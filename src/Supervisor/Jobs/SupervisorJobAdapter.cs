using System.Globalization;
using Microsoft.Extensions.Options;
using Quartz;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// The one Quartz job class: every Supervisor job is a durable Quartz job of this type, named like the job. It checks
/// the working-day rule for the slot's local date, then resolves the job's <see cref="ISupervisorJob"/> in a scope
/// of its own and runs one pass. Recording in job_runs and vetoing double fires happen around it, in
/// <see cref="JobRunRecorder"/>.
/// </summary>
/// <remarks>
/// <see cref="DisallowConcurrentExecutionAttribute"/> holds per job key, across the cluster: while a pass of
/// reminder-dispatch runs, its next fire waits instead of starting a second pass; other jobs are not held up.
/// </remarks>
[DisallowConcurrentExecution]
public sealed class SupervisorJobAdapter(
    IServiceScopeFactory scopes,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    CalendarStore calendars,
    TimeProvider time,
    TimeZoneInfo zone) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var fire = JobFire.Read(context);

        // A trigger left in the store by a build that had this job; this build cannot run it.
        var registration = catalog.Find(fire.JobName)
            ?? throw new JobExecutionException($"no job named '{fire.JobName}' is registered in this build");

        var pass = new JobPassContext(registration.Name, fire.ScheduledAt, fire.Kind, time, zone);
        context.Result = await RunAsync(pass, cancellationToken);
    }

    /// <summary>The rule check and the pass, without Quartz: what a fire does once it is recorded.</summary>
    public async Task<JobPassResult> RunAsync(JobPassContext pass, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pass);

        // The rule filters what the schedule fires; a run by hand is an explicit request and always does the work.
        if (pass.TriggerKind == TriggerKind.Schedule
            && options.Value.Schedules.TryGetValue(pass.JobName, out var schedule)
            && schedule.Rule != WorkingDayRule.Always)
        {
            var calendar = await calendars.LoadAsync(ct);
            var date = pass.ScheduledLocalDate;
            if (schedule.Rule.Explain(calendar, date) is { } why)
            {
                return JobPassResult.Skip(why, ("rule", schedule.Rule.ToString()), ("localDate", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredKeyedService<ISupervisorJob>(pass.JobName);
        return await job.RunAsync(pass, ct);
    }
}
