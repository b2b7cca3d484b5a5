using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Web;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>A serving host whose reminder-dispatch cron is a year away: only the dispatch a compose starts can send.</summary>
public sealed class ImmediateDispatchHost : ConsoleHost
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("supervisor-immediate-").FullName;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Supervisor:DataDirectory"] = DataDirectory,
        ["Jobs:reminder-dispatch:Cron"] = "0 0 1 1 *",
        ["Jobs:unit-digest:Cron"] = "0 0 1 1 *",
        ["Jobs:milestone-scan:Cron"] = "0 0 1 1 *",

        // Polling would take minutes: only the in-process wake-up of the enqueued passes can be this quick.
        ["Jobs:QueuePollInterval"] = "00:05:00",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await DeliveryData.WriteAsync(Database.DataSource);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

public sealed class ImmediateDispatchTests(ImmediateDispatchHost host) : IClassFixture<ImmediateDispatchHost>
{
    [Fact]
    public async Task ComposeThatQueuesMessages_StartsADispatchAtOnce_SoTheReminderIsInTheMailSinkWithinSeconds()
    {
        var mail = Path.Combine(host.DataDirectory, "mail");
        var clock = Stopwatch.StartNew();

        // What the 08:30 slot does, started by hand: compose, which then requests the dispatch.
        await host.Services.GetRequiredService<JobControl>().TriggerAsync("unit-digest", "test", CancellationToken.None);
        while (!Directory.Exists(mail) || Directory.GetFiles(mail, "*.eml").Length == 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                await using var c = await host.Database.DataSource.OpenConnectionAsync();
                var runs = string.Join("\n", await c.QueryAsync<string>("select job_name || ' ' || trigger_kind || ' ' || outcome || ' ' || coalesce(error, '') || ' ' || coalesce(summary::text, '') from job_runs"));
                var jobs = string.Join("\n", await c.QueryAsync<string>("select id || ' ' || coalesce(statename, '') || ' ' || invocationdata from hangfire.job"));
                var msgs = string.Join("\n", await c.QueryAsync<string>("select channel || ' ' || state || ' ' || coalesce(last_error, '') from messages"));
                Assert.Fail($"no e-mail in the pickup directory within 90 s; runs:\n{runs}\njobs:\n{jobs}\nmessages:\n{msgs}");
            }

            await Task.Delay(50);
        }

        var latency = clock.Elapsed;
        Console.WriteLine($"[figure] immediate dispatch: first reminder e-mail written {latency.TotalSeconds:0.00} s after unit-digest was triggered (dispatch cron a year away, Jobs:QueuePollInterval 5 min)");
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await connection.ExecuteScalarAsync<int>("select count(*)::int from job_runs where job_name = 'reminder-dispatch' and outcome = 'running'") > 0
               || await connection.ExecuteScalarAsync<int>("select count(*)::int from job_runs where job_name = 'reminder-dispatch'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispatch pass did not finish");
            await Task.Delay(100);
        }

        var dispatch = await connection.QuerySingleAsync<(string Kind, string Outcome)>(
            "select trigger_kind, outcome from job_runs where job_name = 'reminder-dispatch'");
        Assert.Equal(("immediate", "succeeded"), dispatch);
        Assert.True(latency < TimeSpan.FromSeconds(60), $"took {latency}: as long as waiting for a poll");
        Assert.Equal(
            await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where channel = 'email'"),
            await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where channel = 'email' and state = 'sent'"));
    }
}
