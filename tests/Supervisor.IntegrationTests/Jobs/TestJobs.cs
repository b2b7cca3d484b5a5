using System.Collections.Concurrent;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>What the test jobs did, shared by the test and the job instances it resolves.</summary>
internal sealed class PassLog
{
    public ConcurrentQueue<JobPassContext> Passes { get; } = new();
}

/// <summary>Counts its passes; each takes a little while, like a real pass, so a second fire can overlap it.</summary>
internal sealed class CountingJob(PassLog log) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        log.Passes.Enqueue(context);
        await Task.Delay(200, ct);
        return JobPassResult.Done(("pass", log.Passes.Count));
    }
}

internal sealed class FailingJob : ISupervisorJob
{
    public Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct) =>
        throw new InvalidOperationException("the gateway said no");
}
