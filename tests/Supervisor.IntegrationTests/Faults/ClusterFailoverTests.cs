using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Supervisor.Jobs;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// Two real <c>supervisor serve</c> nodes, each a Hangfire server on one database, for five minutes, every job on a
/// short seconds cron and SMS escalations queued every few seconds: about 2.5 minutes with both nodes, then kill -9 of
/// the node that ran the latest slot (while that pass runs), then about 2.5 minutes with the survivor. Every slot of the
/// measured window has exactly one run, every message reaches the loopback gateway, none twice (unless the dead node
/// sent it and died before acknowledging it, which the test tells apart), and the survivor goes on with every job: its
/// scheduler fires every recurring job (no node owns one), and a job the dead node had fetched comes back after the
/// invisibility timeout and finds its slot claimed — or, if the node died before claiming it, runs it then, late.
/// </summary>
// The gateway and the nodes are disposed in IAsyncLifetime.DisposeAsync and in the test's finally.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed partial class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Jobs:SchedulePollingInterval and Jobs:QueuePollInterval: how late a slot may start when nothing is wrong.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>Jobs:InvisibilityTimeout: a job fetched by the dead node is fetched again by the survivor after this.</summary>
    private static readonly TimeSpan Invisibility = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan BothNodes = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan SurvivorOnly = TimeSpan.FromSeconds(150);

    /// <summary>Delivery:Lease: a batch the dead node claimed and never acknowledged comes back after this.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    private const int MessagesPerBatch = 10;
    private static readonly TimeSpan QueueEvery = TimeSpan.FromSeconds(3);

    /// <summary>Thread scheduling and round trips on a 2-core machine that runs the other fault tests at the same time.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    /// <summary>How long a kill -9 takes to land after killedAt is read: a pass the dead node began within it was cut by the kill.</summary>
    private static readonly TimeSpan KillSlack = TimeSpan.FromSeconds(1);

    /// <summary>Every job of this build on a short cron (six fields, seconds first), with the rule that lets every slot do its work.</summary>
    private static readonly (string Job, string Cron)[] Crons =
    [
        ("housekeeping", "*/2 * * * * *"),
        ("reminder-dispatch", "*/2 * * * * *"),
        ("milestone-scan", "*/5 * * * * *"),
        ("unit-digest", "*/10 * * * * *"),
        ("rates-snapshot", "*/15 * * * * *"),
        ("supervision-digest", "*/30 * * * * *"),
    ];

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly TestDatabase _db = new();
    private readonly SmsGateway _gateway = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-cluster-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task TwoNodesFiveMinutes_KillOne_EverySlotOnce_EveryMessageOnce_SurvivorTakesOver()
    {
        var wall = Stopwatch.StartNew();
        var env = NodeEnvironment();
        using var a = ServeNode.Start(env);
        using var b = ServeNode.Start(env);
        using var producing = new CancellationTokenSource();
        var producer = Task.CompletedTask;
        try
        {
            await Task.WhenAll(a.WaitForInstanceIdAsync(TimeSpan.FromSeconds(90)), b.WaitForInstanceIdAsync(TimeSpan.FromSeconds(90)));
            producer = Task.Run(() => ProduceAsync(producing.Token));

            // Phase 1: both nodes.
            var windowStart = WholeSecondAfter(DateTimeOffset.UtcNow.AddSeconds(2));
            await WatchAsync(windowStart + BothNodes, [a, b]);

            // The kill: the node that ran the latest slot, as kill -9 would (no shutdown, no check-out, no ack), while
            // that pass is still running if one is caught within a few seconds — the harshest moment for the scheduler.
            var latest = await LatestRunAsync();
            output.WriteLine($"latest slot at the kill: {latest.Job} {latest.ScheduledAt:HH:mm:ss}, {latest.Outcome}");
            var (victim, survivor) = latest.InstanceId == a.InstanceId ? (a, b) : (b, a);
            var victimPid = victim.ProcessId;
            var killedAt = DateTimeOffset.UtcNow;
            victim.Kill();
            var left = await FetchedJobsAsync();
            output.WriteLine($"killed {victim.InstanceId} (pid {victimPid}) at {killedAt:HH:mm:ss.fff}; survivor {survivor.InstanceId}");
            output.WriteLine($"Hangfire jobs fetched and not finished at the kill: {(left.Count == 0 ? "none" : string.Join(", ", left))}");

            // Phase 2: the survivor alone.
            var windowEnd = WholeSecondAfter(killedAt + SurvivorOnly);
            await WatchAsync(windowEnd, [survivor]);
            await producing.CancelAsync();
            await producer;

            // Every job's last slot of the window has started, no run of the survivor is still going, everything queued is sent.
            var lastSlots = Crons.ToDictionary(c => c.Job, c => Slots(c.Cron, windowStart, windowEnd).Last());
            await WaitUntilAsync("the last slot of every job ran", TimeSpan.FromSeconds(60), [survivor], async c =>
                await c.ExecuteScalarAsync<bool>(
                    "select not exists (select 1 from unnest(@jobs, @slots) as l(job, slot) where not exists (select 1 from job_runs r where r.job_name = l.job and r.scheduled_at >= l.slot and r.outcome <> 'running'))",
                    new { jobs = lastSlots.Keys.ToArray(), slots = lastSlots.Values.Select(s => s.UtcDateTime).ToArray() }));
            await WaitUntilAsync("every queued message was sent", TimeSpan.FromSeconds(90), [survivor], async c =>
                await c.ExecuteScalarAsync<bool>("select not exists (select 1 from messages where state <> 'sent')"));

            var runs = (await RunsAsync()).Where(r => r.ScheduledAt >= windowStart && r.ScheduledAt < windowEnd).ToList();
            var refused = a.Lines.Concat(b.Lines).Where(l => l.Text.Contains("already has a run", StringComparison.Ordinal)).ToList();
            var refetched = survivor.Lines.Where(l => l.At >= killedAt && l.Text.Contains("already has a run", StringComparison.Ordinal)).ToList();
            output.WriteLine($"window {windowStart:HH:mm:ss}–{windowEnd:HH:mm:ss} UTC ({(windowEnd - windowStart).TotalSeconds:0} s), {runs.Count} runs; by node: {string.Join(", ", runs.GroupBy(r => r.InstanceId).Select(g => $"{g.Key} {g.Count()}"))}");
            // Every run around the kill, and what the survivor's job store said after it: the evidence behind the take-over figures.
            foreach (var r in runs.Where(r => r.ScheduledAt >= killedAt.AddSeconds(-3) && r.ScheduledAt <= killedAt + TakeOverBound).OrderBy(r => r.StartedAt))
            {
                output.WriteLine($"  {r.Job,-18} slot {r.ScheduledAt:HH:mm:ss} started {r.StartedAt:HH:mm:ss.fff} ({(r.StartedAt - r.ScheduledAt).TotalSeconds:0.000} s late) on {(r.InstanceId == survivor.InstanceId ? "survivor" : "dead node")}, {r.Outcome}");
            }

            foreach (var line in refused)
            {
                output.WriteLine($"  claim refused: {line.At:HH:mm:ss.fff} {line.Text.Trim()}");
            }

            // Per job: slots, missing, duplicates, take-over.
            var failures = new List<string>();
            foreach (var (job, cron) in Crons)
            {
                var expected = Slots(cron, windowStart, windowEnd).ToList();
                var mine = runs.Where(r => r.Job == job).ToList();
                var missing = expected.Except(mine.Select(r => r.ScheduledAt)).ToList();
                var duplicates = mine.GroupBy(r => r.ScheduledAt).Count(g => g.Count() > 1);
                var extra = mine.Select(r => r.ScheduledAt).Distinct().Except(expected).ToList();

                // A pass the dead node was running when it was killed stays 'running': the survivor fetches its Hangfire job
                // again after the invisibility timeout and finds the slot claimed; the next pass does what it had left.
                // killedAt is read just before the signal is sent, so a pass begun while the signal landed counts as cut too
                // (the same second of slack as the check for runs after the kill below).
                var cut = mine.Where(r => r.InstanceId == victim.InstanceId && r.Outcome == "running" && r.StartedAt < killedAt + KillSlack).ToList();
                var bad = mine.Except(cut).Where(r => r.Outcome != "succeeded").ToList();

                var first = mine.Where(r => r.InstanceId == survivor.InstanceId && r.StartedAt >= killedAt).MinBy(r => r.StartedAt);
                var bound = TakeOverBound;
                var fromKill = first is null ? TimeSpan.MaxValue : first.StartedAt - killedAt;

                // Take-over: from the kill, or from the slot when the job's next slot came after the kill, to the
                // survivor's start of it. That is what the failover adds; a 30 s cron is not late for firing 29 s after a kill.
                var takeover = first is null ? TimeSpan.MaxValue : first.StartedAt - Max(killedAt, first.ScheduledAt);
                var lateness = mine.Where(r => r.InstanceId == survivor.InstanceId && r.StartedAt >= killedAt + bound + Slack)
                    .Select(r => r.StartedAt - r.ScheduledAt).DefaultIfEmpty().Max();

                var figure = $"{job} ({cron}): slots {expected.Count}, runs {mine.Count}, missing {missing.Count}, duplicates {duplicates}, extra {extra.Count}, cut by the kill {cut.Count}, " +
                    $"take-over {Seconds(takeover)} (first survivor run {Seconds(fromKill)} after the kill, slot {(first is null ? "-" : first.ScheduledAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}; bound {bound.TotalSeconds:0.0} s), " +
                    $"survivor lateness afterwards ≤ {lateness.TotalMilliseconds:0} ms";
                output.WriteLine(figure);
                Console.WriteLine($"[figure] two-node cluster 5 min, kill -9 midway: {figure}");

                if (missing.Count > 0)
                {
                    failures.Add($"{job}: {missing.Count} slots without a run: {string.Join(", ", missing.Select(m => m.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}");
                }

                if (duplicates > 0 || extra.Count > 0)
                {
                    failures.Add($"{job}: {duplicates} slots with two runs, {extra.Count} runs off the cron ({string.Join(", ", extra.Select(m => m.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))})");
                }

                if (bad.Count > 0)
                {
                    failures.Add($"{job}: {bad.Count} runs not succeeded: {string.Join("; ", bad.Select(r => $"{r.ScheduledAt:HH:mm:ss} {r.InstanceId} {r.Outcome} {r.Error}"))}");
                }

                if (takeover > bound)
                {
                    failures.Add($"{job}: take-over {Seconds(takeover)} > {bound.TotalSeconds:0.0} s");
                }

                // killedAt is read just before the signal is sent: a pass the node began in the moment the signal took
                // to land is not a run after its death. A second leaves room for that and nothing else.
                if (runs.Any(r => r.Job == job && r.InstanceId == victim.InstanceId && r.StartedAt > killedAt + KillSlack))
                {
                    failures.Add($"{job}: a run started on the dead node after the kill");
                }
            }

            // Messages: every one delivered, none twice at the gateway (counted by the key it sees as outId).
            var queued = await ScalarAsync<int>("select count(*)::int from messages");
            var sent = await ScalarAsync<int>("select count(*)::int from messages where state = 'sent'");
            var accepted = _gateway.Accepted.Select(m => m.OutId).ToList();
            var keys = (await QueryAsync<string>("select key from messages")).ToHashSet(StringComparer.Ordinal);
            var duplicated = accepted.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

            // At-least-once is the outbox's contract: a message is sent twice only if the dead node sent it and died before
            // its batch was acknowledged; then its attempt by the dead worker stays open (no outcome) beside the one that
            // finished. Anything else sent twice is a bug.
            var openByDeadNode = (await QueryAsync<string>(
                """
                select distinct m.key from messages m join delivery_attempts d on d.message_id = m.id
                where d.outcome is null and d.worker like @worker
                """,
                new { worker = $"%:{victimPid}:%" })).ToHashSet(StringComparer.Ordinal);
            var unexplained = duplicated.Where(k => !openByDeadNode.Contains(k)).ToList();
            var messages = $"messages queued {queued} (SMS escalations, {MessagesPerBatch} every {QueueEvery.TotalSeconds:0} s), delivered {accepted.Distinct(StringComparer.Ordinal).Count()}, " +
                $"duplicated at the gateway {duplicated.Count} (sent by the dead node and never acknowledged: {openByDeadNode.Count}), bad signatures {_gateway.BadSignatures}";
            output.WriteLine(messages);
            Console.WriteLine($"[figure] two-node cluster 5 min, kill -9 midway: {messages}");
            var summary = $"claims refused {refused.Count} (of them jobs of the dead node fetched again by the survivor: {refetched.Count}), jobs fetched by the dead node at the kill {left.Count}, test wall time {wall.Elapsed.TotalSeconds:0} s";
            output.WriteLine(summary);
            Console.WriteLine($"[figure] two-node cluster 5 min, kill -9 midway: {summary}");

            Assert.True(queued >= (BothNodes + SurvivorOnly) / QueueEvery * MessagesPerBatch * 0.8, $"only {queued} messages queued");
            Assert.Equal(queued, sent);
            Assert.Subset(accepted.ToHashSet(StringComparer.Ordinal), keys);
            Assert.Equal(queued, accepted.Distinct(StringComparer.Ordinal).Count());
            Assert.Empty(unexplained);
            Assert.Equal(0, _gateway.BadSignatures);
            Assert.Empty(failures);
        }
        finally
        {
            await producing.CancelAsync();
            await producer;
            a.Kill();
            b.Kill();
            foreach (var node in new[] { a, b })
            {
                output.WriteLine($"--- {node.InstanceId} log (warnings and the last 10 lines)");
                foreach (var line in node.Lines.Where(l => l.Text.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Text.Contains("fail", StringComparison.OrdinalIgnoreCase)).Take(40).Concat(node.Lines.TakeLast(10)))
                {
                    output.WriteLine($"{line.At:HH:mm:ss.fff} {line.Text}");
                }
            }
        }
    }

    /// <summary>
    /// The worst a job's first survivor run may come after the kill (or after its slot, if later): a job the dead node had
    /// fetched and not yet claimed comes back after the invisibility timeout, then waits for a poll of the queue.
    /// Every other job's next slot is fired by the survivor's scheduler within a poll, as before the kill.
    /// </summary>
    private static TimeSpan TakeOverBound => Invisibility + Poll + Poll + Slack;

    private Dictionary<string, string?> NodeEnvironment()
    {
        var env = SupervisorProcess.Env(_db);
        foreach (var (key, value) in FaultEnvironment.SmsDispatch(_db.ConnectionString, _data, _gateway, Lease, batchSize: 50))
        {
            env[key] = value;
        }

        env["Console__Urls"] = "http://127.0.0.1:0";
        env["Supervisor__MigrateOnStart"] = "false";
        env["Supervisor__TimeZone"] = Zone.Id;
        env["Jobs__SchedulePollingInterval"] = Poll.ToString("c", CultureInfo.InvariantCulture);
        env["Jobs__QueuePollInterval"] = Poll.ToString("c", CultureInfo.InvariantCulture);
        env["Jobs__InvisibilityTimeout"] = Invisibility.ToString("c", CultureInfo.InvariantCulture);
        env["Jobs__HeartbeatInterval"] = "00:00:05";
        env["Jobs__DistributedLockTimeout"] = "00:00:10";
        env["Jobs__WorkerCount"] = "6";
        foreach (var (job, cron) in Crons)
        {
            env[$"Jobs__{job}__Cron"] = cron;
            env[$"Jobs__{job}__Rule"] = "Always";
            env[$"Jobs__{job}__Enabled"] = "true";
        }

        return env;
    }

    /// <summary>Queues <see cref="MessagesPerBatch"/> SMS escalations every <see cref="QueueEvery"/> until cancelled.</summary>
    private async Task ProduceAsync(CancellationToken ct)
    {
        var next = 0;
        while (!ct.IsCancellationRequested)
        {
            var phones = Enumerable.Range(next, MessagesPerBatch).Select(i => "137" + i.ToString("D8", CultureInfo.InvariantCulture));
            await Outbox.QueueAsync(_db.DataSource, "sms", phones, DateTimeOffset.UtcNow, kind: "escalation");
            next += MessagesPerBatch;
            try
            {
                await Task.Delay(QueueEvery, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static IEnumerable<DateTimeOffset> Slots(string cron, DateTimeOffset from, DateTimeOffset to) => JobSchedules.Parse(cron).GetOccurrences(from, to, Zone, fromInclusive: true, toInclusive: false);

    private static DateTimeOffset WholeSecondAfter(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond) + TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset x, DateTimeOffset y) => x > y ? x : y;

    private static string Seconds(TimeSpan span) => span == TimeSpan.MaxValue ? "never" : $"{span.TotalSeconds:0.0} s";

    private static async Task WatchAsync(DateTimeOffset until, IReadOnlyList<ServeNode> nodes)
    {
        while (DateTimeOffset.UtcNow < until)
        {
            if (nodes.FirstOrDefault(n => n.HasExited) is { } dead)
            {
                Assert.Fail($"node {dead.InstanceId} exited: {string.Join('\n', dead.Lines.TakeLast(20).Select(l => l.Text))}");
            }

            var left = until - DateTimeOffset.UtcNow;
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : TimeSpan.FromSeconds(1));
        }
    }

    private async Task WaitUntilAsync(string what, TimeSpan timeout, IReadOnlyList<ServeNode> nodes, Func<Npgsql.NpgsqlConnection, Task<bool>> condition)
    {
        var wait = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = await _db.DataSource.OpenConnectionAsync())
            {
                if (await condition(connection))
                {
                    return;
                }
            }

            if (nodes.FirstOrDefault(n => n.HasExited) is { } dead)
            {
                Assert.Fail($"node {dead.InstanceId} exited: {string.Join('\n', dead.Lines.TakeLast(20).Select(l => l.Text))}");
            }

            Assert.True(wait.Elapsed < timeout, $"not within {timeout}: {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The latest slot's run, polled for up to 10 s until it is caught still running. Not a reminder-dispatch pass, nor
    /// while one runs on that node: a kill inside dispatch's send → acknowledge window sends that batch again by design
    /// (delivery is at-least-once; DispatchCrashTests covers it), which is not what this test is about. Should a dispatch
    /// pass start on the node in the milliseconds before the kill all the same, the message check below tells such a
    /// resend apart from a real duplicate.
    /// </summary>
    private async Task<Run> LatestRunAsync()
    {
        const string sql = """
            select r.job_name, r.scheduled_at, r.started_at, r.instance_id, r.outcome, r.error,
                   exists (select 1 from job_runs d where d.job_name = 'reminder-dispatch' and d.outcome = 'running' and d.instance_id = r.instance_id) as dispatching
            from job_runs r where r.trigger_kind = 'schedule' order by r.scheduled_at desc, r.started_at desc limit 1
            """;
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var poll = Stopwatch.StartNew();
        while (true)
        {
            var r = await connection.QuerySingleAsync<(string Job, DateTime ScheduledAt, DateTime StartedAt, string InstanceId, string Outcome, string? Error, bool Dispatching)>(sql);
            var run = new Run(r.Job, new DateTimeOffset(DateTime.SpecifyKind(r.ScheduledAt, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc)), r.InstanceId, r.Outcome, r.Error);
            if ((run.Outcome == "running" && run.Job != "reminder-dispatch" && !r.Dispatching) || poll.Elapsed > TimeSpan.FromSeconds(10))
            {
                return run;
            }

            await Task.Delay(2);
        }
    }

    /// <summary>The dead node's last check-in and, per job, the state of the fired-trigger row it left (ACQUIRED or EXECUTING).</summary>
    /// <summary>What Hangfire's queue holds fetched and unfinished: the jobs a dead node leaves invisible until the timeout.</summary>
    private async Task<List<string>> FetchedJobsAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<string>(
            "select j.id::text || ' ' || coalesce(j.arguments::text, '') from hangfire.jobqueue q join hangfire.job j on j.id = q.jobid where q.fetchedat is not null")];
    }

    private async Task<List<Run>> RunsAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string Job, DateTime ScheduledAt, DateTime StartedAt, string InstanceId, string Outcome, string? Error)>(
            "select job_name, scheduled_at, started_at, instance_id, outcome, error from job_runs where trigger_kind = 'schedule' order by scheduled_at");
        return [.. rows.Select(r => new Run(r.Job, Utc(r.ScheduledAt), Utc(r.StartedAt), r.InstanceId, r.Outcome, r.Error))];

        static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    private sealed record Run(string Job, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt, string InstanceId, string Outcome, string? Error);

    private sealed record Line(DateTimeOffset At, string Text);

    /// <summary>One <c>supervisor serve</c> process and what it logs, each line with the time it arrived.</summary>
    private sealed partial class ServeNode : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<string> _instanceId = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ServeNode(Process process)
        {
            _process = process;
        }

        public ConcurrentQueue<Line> Lines { get; } = new();

        public string InstanceId => _instanceId.Task.IsCompletedSuccessfully ? _instanceId.Task.Result : $"pid {_process.Id}";

        public int ProcessId => _process.Id;

        public bool HasExited => _process.HasExited;

        public static ServeNode Start(IReadOnlyDictionary<string, string?> env)
        {
            var process = new Process { StartInfo = SupervisorProcess.StartInfo(["serve"], env), EnableRaisingEvents = true };
            var node = new ServeNode(process);
            process.OutputDataReceived += (_, e) => node.Read(e.Data);
            process.ErrorDataReceived += (_, e) => node.Read(e.Data);
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return node;
        }

        public async Task WaitForInstanceIdAsync(TimeSpan timeout)
        {
            var done = await Task.WhenAny(_instanceId.Task, Task.Delay(timeout));
            Assert.True(done == _instanceId.Task, $"serve did not start its Hangfire server in {timeout}: {string.Join('\n', Lines.TakeLast(20).Select(l => l.Text))}");
        }

        /// <summary>SIGKILL of the process (and its children): no shutdown, nothing written on the way out.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            Lines.Enqueue(new Line(DateTimeOffset.UtcNow, line));
            if (NodeLine().Match(line) is { Success: true } match)
            {
                _instanceId.TrySetResult(match.Groups[1].Value);
            }
        }

        [GeneratedRegex(@"Hangfire server node (\S+) serves jobs")]
        private static partial Regex NodeLine();
    }
}
