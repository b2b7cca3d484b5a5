using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Quartz;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// Two real <c>supervisor serve</c> nodes of the Quartz cluster on one database for five minutes, every job on a short
/// cron and SMS escalations queued every few seconds: about 2.5 minutes with both nodes, then kill -9 of the node that
/// ran the latest slot (while that pass runs), then about 2.5 minutes with the survivor. Every slot of the measured
/// window has exactly one run, no fire is vetoed as a double, every message reaches the loopback gateway, none twice
/// (unless the dead node sent it and died before acknowledging it, which the test tells apart), and the survivor takes
/// over each job within the bound Quartz 4.7.3's cluster recovery allows for the state the dead node left it in.
/// </summary>
// The gateway and the nodes are disposed in IAsyncLifetime.DisposeAsync and in the test's finally.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed partial class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Jobs:CheckinInterval. The product also uses it as Quartz's CheckinMisfireThreshold (JobsServiceCollectionExtensions).</summary>
    private static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Jobs:MisfireThreshold: longer than the slowest recovery (at most 20 s after the kill, see TakeOverBound),
    /// so the slots a dead node held fire late one by one instead of being folded into one "fire once now".
    /// </summary>
    private static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan BothNodes = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan SurvivorOnly = TimeSpan.FromSeconds(150);

    /// <summary>Delivery:Lease: a batch the dead node claimed and never acknowledged comes back after this.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    private const int MessagesPerBatch = 10;
    private static readonly TimeSpan QueueEvery = TimeSpan.FromSeconds(3);

    /// <summary>
    /// What a node does after the cluster has decided something: the check-in transaction and the 100 ms floor of
    /// Quartz's check-in loop (a few round trips per check-in, over up to four check-ins), the signal to the scheduler
    /// thread and its next acquisition under the TRIGGER_ACCESS lock, and thread scheduling on a 2-core machine that
    /// runs the other fault tests at the same time. Measured lateness of an ordinary fire here is well under 0.5 s.
    /// </summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    /// <summary>Every job of this build on a short cron (Quartz cron with seconds), with the rule that lets every slot do its work.</summary>
    private static readonly (string Job, string Cron)[] Crons =
    [
        ("housekeeping", "* * * * * ?"),
        ("reminder-dispatch", "0/2 * * * * ?"),
        ("milestone-scan", "0/5 * * * * ?"),
        ("unit-digest", "0/10 * * * * ?"),
        ("rates-snapshot", "0/15 * * * * ?"),
        ("supervision-digest", "0/30 * * * * ?"),
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
            var left = await WhatTheDeadNodeLeftAsync(victim.InstanceId);
            output.WriteLine($"killed {victim.InstanceId} (pid {victimPid}) at {killedAt:HH:mm:ss.fff}; survivor {survivor.InstanceId}");
            output.WriteLine($"dead node's last check-in {left.LastCheckin:HH:mm:ss.fff} ({(left.LastCheckin - killedAt).TotalSeconds:+0.0;-0.0} s); fired-trigger rows it left: {(left.Held.Count == 0 ? "none" : string.Join(", ", left.Held.Select(h => $"{h.Key} {h.Value}")))}");

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
            var vetoes = a.Lines.Concat(b.Lines).Where(l => l.Text.Contains("already has a run", StringComparison.Ordinal)).ToList();
            var recoveredFires = survivor.Lines.Where(l => l.Text.Contains("was fired by a node that died", StringComparison.Ordinal)).ToList();
            var recovery = survivor.Lines.Where(l => l.Text.Contains("ClusterManager", StringComparison.Ordinal) && l.At >= killedAt).ToList();
            output.WriteLine($"window {windowStart:HH:mm:ss}–{windowEnd:HH:mm:ss} UTC ({(windowEnd - windowStart).TotalSeconds:0} s), {runs.Count} runs; by node: {string.Join(", ", runs.GroupBy(r => r.InstanceId).Select(g => $"{g.Key} {g.Count()}"))}");
            foreach (var line in recovery)
            {
                output.WriteLine($"  survivor +{(line.At - killedAt).TotalSeconds:0.0} s: {line.Text.Trim()}");
            }

            // Every run around the kill, and what the survivor's job store said after it: the evidence behind the take-over figures.
            foreach (var r in runs.Where(r => r.ScheduledAt >= killedAt.AddSeconds(-3) && r.ScheduledAt <= killedAt + TakeOverBound("EXECUTING", TimeSpan.Zero)).OrderBy(r => r.StartedAt))
            {
                output.WriteLine($"  {r.Job,-18} slot {r.ScheduledAt:HH:mm:ss} started {r.StartedAt:HH:mm:ss.fff} ({(r.StartedAt - r.ScheduledAt).TotalSeconds:0.000} s late) on {(r.InstanceId == survivor.InstanceId ? "survivor" : "dead node")}, {r.Outcome}");
            }

            foreach (var line in survivor.Lines.Where(l => l.At >= killedAt && l.Text.Contains("Quartz", StringComparison.Ordinal) && !l.Text.Contains("ClusterManager", StringComparison.Ordinal)).Take(20))
            {
                output.WriteLine($"  survivor +{(line.At - killedAt).TotalSeconds:0.0} s: {line.Text.Trim()}");
            }

            foreach (var line in recoveredFires)
            {
                output.WriteLine($"  survivor +{(line.At - killedAt).TotalSeconds:0.0} s: {line.Text.Trim()}");
            }

            foreach (var line in vetoes)
            {
                output.WriteLine($"  double fire vetoed: {line.Text.Trim()}");
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

                // A pass the dead node was running when it was killed stays 'running': Quartz's recovery fire of it is
                // vetoed because the slot has its row, and the next pass does what it had left. That slot still ran once.
                var cut = mine.Where(r => r.InstanceId == victim.InstanceId && r.Outcome == "running" && r.StartedAt < killedAt).ToList();
                var bad = mine.Except(cut).Where(r => r.Outcome != "succeeded").ToList();

                var first = mine.Where(r => r.InstanceId == survivor.InstanceId && r.StartedAt >= killedAt).MinBy(r => r.StartedAt);
                var held = left.Held.GetValueOrDefault(job, "none");
                var bound = TakeOverBound(held, left.LastCheckin - killedAt);
                var fromKill = first is null ? TimeSpan.MaxValue : first.StartedAt - killedAt;

                // Take-over: from the kill, or from the slot when the job's next slot came after the kill, to the
                // survivor's start of it. That is what the failover adds; a 30 s cron is not late for firing 29 s after a kill.
                var takeover = first is null ? TimeSpan.MaxValue : first.StartedAt - Max(killedAt, first.ScheduledAt);
                var lateness = mine.Where(r => r.InstanceId == survivor.InstanceId && r.StartedAt >= killedAt + bound + Slack)
                    .Select(r => r.StartedAt - r.ScheduledAt).DefaultIfEmpty().Max();

                var figure = $"{job} ({cron}): slots {expected.Count}, runs {mine.Count}, missing {missing.Count}, duplicates {duplicates}, extra {extra.Count}, cut by the kill {cut.Count}, " +
                    $"take-over {Seconds(takeover)} (first survivor run {Seconds(fromKill)} after the kill, slot {(first is null ? "-" : first.ScheduledAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}; dead node left it {held}; bound {bound.TotalSeconds:0.0} s), " +
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

                if (cut.Count > 1)
                {
                    failures.Add($"{job}: {cut.Count} passes cut by one kill; a job never runs twice at once");
                }

                if (takeover > bound)
                {
                    failures.Add($"{job}: take-over {Seconds(takeover)} > {bound.TotalSeconds:0.0} s (dead node left it {held})");
                }

                if (held == "EXECUTING" && !recoveredFires.Any(l => l.Text.Contains($"Job {job}: ", StringComparison.Ordinal)))
                {
                    failures.Add($"{job}: the dead node left a fire of it EXECUTING and the survivor never recovered that fire");
                }

                if (runs.Any(r => r.Job == job && r.InstanceId == victim.InstanceId && r.StartedAt > killedAt))
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
            var summary = $"double fires vetoed {vetoes.Count}, fires of the dead node recovered {recoveredFires.Count} (run again {recoveredFires.Count(l => l.Text.Contains("runs now", StringComparison.Ordinal))}), dead node detected {(recovery.Count == 0 ? "-" : Seconds(recovery[0].At - killedAt))} after the kill (check-in {CheckinInterval.TotalSeconds:0} s), test wall time {wall.Elapsed.TotalSeconds:0} s";
            output.WriteLine(summary);
            Console.WriteLine($"[figure] two-node cluster 5 min, kill -9 midway: {summary}");

            Assert.True(queued >= (BothNodes + SurvivorOnly) / QueueEvery * MessagesPerBatch * 0.8, $"only {queued} messages queued");
            Assert.Equal(queued, sent);
            Assert.Subset(accepted.ToHashSet(StringComparer.Ordinal), keys);
            Assert.Equal(queued, accepted.Distinct(StringComparer.Ordinal).Count());
            Assert.Empty(unexplained);
            Assert.Equal(0, _gateway.BadSignatures);
            Assert.Empty(vetoes);
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
    /// How long the survivor may take to fire a job after the kill, given what the dead node left in qrtz_fired_triggers
    /// for it. From Quartz 4.7.3's cluster recovery (AdoJobStoreBase.FindFailedInstances, CalcFailedIfAfter,
    /// CanDeferRecovery, RecoverFailedInstance), with I the check-in interval, T the check-in misfire threshold (= I here)
    /// and c the dead node's last check-in (0–I before the kill):
    /// <list type="bullet">
    /// <item>nothing: the trigger is WAITING and the survivor, which was acquiring it all along, fires its next slot
    /// at its next acquisition round. That is on time when the survivor's last round found the trigger free. When that
    /// round found it held by the dead node (BLOCKED behind a pass that then ended, or ACQUIRED and then fired) the
    /// survivor only sees it free at its next round: nodes do not signal each other, so the survivor's scheduler thread
    /// sleeps until the batch it had acquired is due — the next slot of the triggers that were free, at most 5 s here
    /// (milestone-scan's cron) even when the dead node held housekeeping and reminder-dispatch. Seen: 2.0 s. Bound: the
    /// check-in interval (5 s, the issue's figure) plus the slack;</item>
    /// <item>ACQUIRED (reserved, not fired): the trigger stays reserved until a survivor check-in finds the dead node
    /// failed, i.e. later than c + max(I, time since its own last check-in) + T; check-ins come every I, so the first
    /// one past c + I + T comes by c + 2I + T, which frees the trigger and signals the scheduler thread;</item>
    /// <item>EXECUTING (a pass was running; the job's trigger is BLOCKED, every job here is DisallowConcurrentExecution):
    /// on that first detection Quartz defers it, because the node "may still be executing", while now − c &lt; 2I + T;
    /// the first check-in at or past c + 2I + T unblocks the trigger: by c + 3I + T.</item>
    /// </list>
    /// Each bound gets <see cref="Slack"/>. The last two cannot be "within the check-in interval" of the kill: a node
    /// that checked in just before dying is only known dead after it has missed a check-in plus the threshold, and a
    /// pass it was running is given one more round of check-ins (Quartz #2817) before its job is let go.
    /// </summary>
    private static TimeSpan TakeOverBound(string held, TimeSpan lastCheckinBeforeKill)
    {
        var i = CheckinInterval;
        var t = CheckinInterval;
        return held switch
        {
            "none" => i + Slack,
            "ACQUIRED" => lastCheckinBeforeKill + (2 * i) + t + Slack,
            _ => lastCheckinBeforeKill + (3 * i) + t + Slack,
        };
    }

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
        env["Jobs__CheckinInterval"] = CheckinInterval.ToString("c", CultureInfo.InvariantCulture);
        env["Jobs__MisfireThreshold"] = MisfireThreshold.ToString("c", CultureInfo.InvariantCulture);
        foreach (var (job, cron) in Crons)
        {
            env[$"Jobs__{job}__Cron"] = cron;
            env[$"Jobs__{job}__Rule"] = "Always";
            env[$"Jobs__{job}__Enabled"] = "true";
        }

        // The cluster manager's recovery lines (detected, deferred, freed) are the evidence for the take-over bounds.
        env["Logging__LogLevel__Quartz.Impl.AdoJobStore"] = "Information";
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

    private static IEnumerable<DateTimeOffset> Slots(string cron, DateTimeOffset from, DateTimeOffset to)
    {
        var expression = new CronExpression(cron, Zone);
        for (var slot = expression.GetNextValidTimeAfter(from.AddTicks(-1)); slot is { } s && s < to; slot = expression.GetNextValidTimeAfter(s))
        {
            yield return s;
        }
    }

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
    private async Task<(DateTimeOffset LastCheckin, Dictionary<string, string> Held)> WhatTheDeadNodeLeftAsync(string instance)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var checkin = await connection.QuerySingleAsync<long>(
            "select last_checkin_time from qrtz_scheduler_state where instance_name = @instance", new { instance });
        var rows = await connection.QueryAsync<(string Trigger, string State)>(
            "select trigger_name, state from qrtz_fired_triggers where instance_name = @instance and trigger_group = 'supervisor' order by fired_time", new { instance });

        // A job has one trigger; a running pass (EXECUTING) matters more than a reservation of its next slot.
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (trigger, state) in rows)
        {
            if (!held.TryGetValue(trigger, out var known) || known == "ACQUIRED")
            {
                held[trigger] = state;
            }
        }

        return (new DateTimeOffset(checkin, TimeSpan.Zero), held);
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
            Assert.True(done == _instanceId.Task, $"serve did not join the cluster in {timeout}: {string.Join('\n', Lines.TakeLast(20).Select(l => l.Text))}");
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

        [GeneratedRegex(@"Scheduler node (\S+) joins the cluster")]
        private static partial Regex NodeLine();
    }
}
