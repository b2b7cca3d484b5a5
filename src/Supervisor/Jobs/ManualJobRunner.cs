using System.Diagnostics;
using Quartz;
using Quartz.Extensibility;
using Supervisor.Core;

namespace Supervisor.Jobs;

/// <summary>How one run by hand ended.</summary>
public sealed record ManualRunResult(string JobName, DateTimeOffset AsOf, string Outcome, string? Error, JobPassResult? Result, TimeSpan Elapsed);

/// <summary>
/// <c>supervisor job run NAME</c>: one pass now, through the same path as a scheduled fire — a Quartz scheduler (in
/// memory, private to this process) fires the job's adapter, and <see cref="JobRunRecorder"/> records it in job_runs
/// as trigger kind 'manual'. The pass runs "as of" the injected clock's now, which <c>--as-of</c> fixes.
/// </summary>
public sealed class ManualJobRunner([FromKeyedServices(JobsServiceCollectionExtensions.SchedulerName)] ISchedulerFactory schedulers, JobCatalog catalog, TimeProvider time)
{
    /// <exception cref="BadInputException">No job of that name is registered; the message lists the known ones.</exception>
    public async Task<ManualRunResult> RunAsync(string name, CancellationToken ct)
    {
        var registration = catalog.Find(name)
            ?? throw new BadInputException($"unknown job '{name}'; known jobs: {string.Join(", ", catalog.Names)}");

        var scheduler = await schedulers.GetScheduler(ct);
        try
        {
            var key = JobSchedules.JobKey(registration.Name);
            await scheduler.AddJob(JobSchedules.JobDetail(registration.Name), default, ct);
            var completion = new CompletionListener();
            scheduler.ListenerManager.AddJobListener(completion, [Matchers.Key(key)]);
            await scheduler.Start(ct);

            var asOf = time.GetUtcNow();
            var stopwatch = Stopwatch.StartNew();
            await scheduler.TriggerJob(key, JobFire.ManualData(asOf), ct);
            var (outcome, error, result) = await completion.Task.WaitAsync(ct);
            return new ManualRunResult(registration.Name, asOf, outcome, error, result, stopwatch.Elapsed);
        }
        finally
        {
            // Waits for the recorder to write the run's end before the process exits.
            await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None);
        }
    }

    private sealed class CompletionListener : IJobListener
    {
        private readonly TaskCompletionSource<(string Outcome, string? Error, JobPassResult? Result)> _done =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "supervisor-manual-run";

        public Task<(string Outcome, string? Error, JobPassResult? Result)> Task => _done.Task;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken)
        {
            var result = context.Result as JobPassResult;
            _done.TrySetResult(jobException is not null
                ? ("failed", JobRunRecorder.ErrorText(jobException), result)
                : (result?.Skipped == true ? "skipped" : "succeeded", null, result));
            return default;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            _done.TrySetResult(("vetoed", "the run could not be recorded in job_runs (see the log)", null));
            return default;
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken) => default;

        public ValueTask JobProgressChanged(IJobExecutionContext context, FireInstanceProgress progress, CancellationToken cancellationToken) => default;
    }
}
