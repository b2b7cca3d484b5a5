using System.Text.Json;
using Dapper;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary><c>supervisor job list</c> and <c>supervisor job run</c>, run as the real executable.</summary>
public sealed class JobCommandsTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task<List<(string TriggerKind, DateTime ScheduledAt, string Outcome, string? Summary, string InstanceId)>> RunsAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string, DateTime, string, string?, string)>(
            "select trigger_kind, scheduled_at, outcome, summary::text, instance_id from job_runs where job_name = 'housekeeping' order by id")];
    }

    [Fact]
    public async Task JobRun_RecordsAManualRun_AndPrintsItsSummary()
    {
        var result = await SupervisorProcess.RunAsync(["job", "run", "housekeeping"], SupervisorProcess.Env(_db));

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.StartsWith("housekeeping: succeeded in ", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("  jobRunsDeleted: 0", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("  deliveryAttemptsDeleted: 0", result.StdOut, StringComparison.Ordinal);
        var run = Assert.Single(await RunsAsync());
        Assert.Equal(("manual", "succeeded"), (run.TriggerKind, run.Outcome));
        Assert.Contains("\"jobRunsDeleted\": 0", run.Summary, StringComparison.Ordinal);
        Assert.Contains("-cli-", run.InstanceId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobRun_AsOf_DeletesWhatIsOldAsOfThatDay_AndRecordsTheSlot()
    {
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, finished_at, outcome) values
                    ('unit-digest', 'old-node', 'schedule', '2023-01-02 00:30Z', '2023-01-02 00:30Z', '2023-01-02 00:31Z', 'succeeded'),
                    ('unit-digest', 'old-node', 'schedule', '2023-06-01 00:30Z', '2023-06-01 00:30Z', '2023-06-01 00:31Z', 'succeeded');
                insert into messages (key, channel, kind, local_date, recipient_address, body_text, state, next_attempt_at, created_at, sent_at) values
                    ('old', 'email', 'notice', '2022-12-01', 'a@example.cn', '旧消息', 'sent', '2022-12-01Z', '2022-12-01Z', '2022-12-01Z'),
                    ('recent', 'email', 'notice', '2023-06-01', 'b@example.cn', '新消息', 'sent', '2023-06-01Z', '2023-06-01Z', '2023-06-01Z');
                insert into delivery_attempts (message_id, attempt, worker, started_at, outcome)
                select id, n, 'w', sent_at, 'sent' from messages, generate_series(1, 2) n;
                """);
        }

        var result = await SupervisorProcess.RunAsync(["job", "run", "housekeeping", "--as-of", "2023-06-26T09:00+08:00", "--json"], SupervisorProcess.Env(_db));

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("succeeded", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("jobRunsDeleted").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("deliveryAttemptsDeleted").GetInt32());
        await using var check = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(["2023-06-01"], await check.QueryAsync<string>("select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') from job_runs where job_name = 'unit-digest'"));
        Assert.Equal(["recent", "recent"], await check.QueryAsync<string>("select m.key from delivery_attempts a join messages m on m.id = a.message_id"));
        Assert.Equal(2, await check.QuerySingleAsync<int>("select count(*)::int from messages"));
        var run = Assert.Single(await RunsAsync());
        Assert.Equal(new DateTime(2023, 6, 26, 1, 0, 0), run.ScheduledAt);
    }

    [Fact]
    public async Task JobRun_UnknownJob_ExitsTwo_WithOneLineListingTheKnownJobs()
    {
        var result = await SupervisorProcess.RunAsync(["job", "run", "nope"], SupervisorProcess.Env(_db));

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("supervisor: unknown job 'nope'; known jobs: housekeeping, milestone-scan, rates-snapshot, reminder-dispatch, supervision-digest, unit-digest", line);
        Assert.Empty(await RunsAsync());
    }

    [Theory]
    [InlineData("2023-06-26T09:00")]
    [InlineData("next monday")]
    public async Task JobRun_BadAsOf_ExitsTwo_NamingIt(string asOf)
    {
        var result = await SupervisorProcess.RunAsync(["job", "run", "housekeeping", "--as-of", asOf], SupervisorProcess.Env(_db));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--as-of '{asOf}' is not", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task JobList_ShowsHousekeeping_WithItsNextFire_AndLastRun()
    {
        await SupervisorProcess.RunAsync(["job", "run", "housekeeping"], SupervisorProcess.Env(_db));

        var text = await SupervisorProcess.RunAsync(["job", "list"], SupervisorProcess.Env(_db));
        var json = await SupervisorProcess.RunAsync(["job", "list", "--json"], SupervisorProcess.Env(_db));

        Assert.True(text.ExitCode == 0, text.StdErr);
        var line = Assert.Single(text.StdOut.Split('\n'), l => l.StartsWith("housekeeping ", StringComparison.Ordinal));
        Assert.Contains("0 3 * * *", line, StringComparison.Ordinal);
        Assert.Contains("Asia/Shanghai", line, StringComparison.Ordinal);
        Assert.Contains("03:00:00 +08:00", line, StringComparison.Ordinal);
        Assert.Contains("succeeded", line, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.StdOut);
        var job = Assert.Single(doc.RootElement.EnumerateArray(), j => j.GetProperty("name").GetString() == "housekeeping");
        Assert.Equal("housekeeping", job.GetProperty("name").GetString());
        Assert.Equal("Always", job.GetProperty("rule").GetString());
        var next = job.GetProperty("nextFire").GetDateTimeOffset();
        Assert.InRange(next - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(1));
        Assert.Equal(new TimeOnly(3, 0), TimeOnly.FromDateTime(next.ToOffset(TimeSpan.FromHours(8)).DateTime));
        Assert.Equal("succeeded", job.GetProperty("lastRun").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task JobList_ShowsTheFirstFireTheRuleAllows_ForAWorkingDayJob()
    {
        var env = SupervisorProcess.Env(_db);
        env["Jobs__housekeeping__Rule"] = "FirstWorkingDayOfMonth";

        var result = await SupervisorProcess.RunAsync(["job", "list", "--json"], env);

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var next = doc.RootElement[0].GetProperty("nextFire").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8));

        // The first 03:00 (Shanghai) from now on a date that is its month's first working day, on the database's calendar.
        var calendar = await new CalendarStore(_db.DataSource).LoadAsync(CancellationToken.None);
        var expected = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        expected = new DateTimeOffset(expected.Date.AddHours(3), expected.Offset);
        while (expected <= DateTimeOffset.UtcNow || !WorkingDayRule.FirstWorkingDayOfMonth.Allows(calendar, DateOnly.FromDateTime(expected.DateTime)))
        {
            expected = expected.AddDays(1);
        }

        Assert.Equal(expected, next);
    }

    [Theory]
    [InlineData("Jobs__housekeeping__Cron", "0 25 * * *", "Jobs:housekeeping:Cron '0 25 * * *' is not a valid cron expression for job 'housekeeping'")]
    [InlineData("Jobs__housekeeping__Cron", "0 0 3 * * ? 2026", "Jobs:housekeeping:Cron '0 0 3 * * ? 2026' is not a valid cron expression for job 'housekeeping' (min hour day month weekday, or seconds first): it has 7 fields")]
    [InlineData("Jobs__housekeeping__Rule", "Weekdays", "configuration: Failed to convert configuration value 'Weekdays' at 'Jobs:housekeeping:Rule'")]
    [InlineData("Jobs__QueuePollInterval", "10", "Jobs:QueuePollInterval 10.00:00:00 must be between")]
    [InlineData("Jobs__WorkerCount", "many", "configuration: Failed to convert configuration value 'many' at 'Jobs:WorkerCount'")]
    [InlineData("Jobs__HeartbeatInterval", "soon", "configuration: Failed to convert configuration value 'soon' at 'Jobs:HeartbeatInterval'")]
    public async Task BadJobSettings_ExitTwo_NamingTheSettingAndTheJob(string key, string value, string expected)
    {
        var env = SupervisorProcess.Env(_db);
        env[key] = value;

        var result = await SupervisorProcess.RunAsync(["job", "list"], env);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
    }
}
