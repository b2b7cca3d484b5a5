using Dapper;
using Npgsql;
using Supervisor.Core;
using Supervisor.Core.Demo;
using Supervisor.Core.Evidence;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Demo;

/// <summary>What <see cref="DemoActivity.RecordAsync"/> did (all zero, with <see cref="RecordedBefore"/>, on a repeat run).</summary>
public sealed record DemoActivityResult(
    long PlanId, DateTimeOffset? RecordedBefore, int Signatures, int Reports, int DoneOnTime, int DoneLate, int AwaitingReview, int Returned, int LeftAlone, int Snapshots)
{
    public bool Changed => RecordedBefore is null;
}

/// <summary>
/// Records the demo plan's sample activity (<see cref="DemoScenario"/>) through the stores the real flow uses — 签收,
/// progress reports, 办结 applications with a photo, the office's 销号 and 退回 — so every row and audit row is what a
/// unit and the office would have written, dated in the past, with the actor <see cref="Actor"/>. Then rate snapshots
/// for past weeks (what the daily rates-snapshot job would have recorded), for days that have none.
/// Idempotent: a plan is done once (an audit row <c>demo.activity</c> marks it), and only milestones nobody has acted
/// on are used, so a user's own clicks in the demo are never redone or overridden.
/// </summary>
public sealed class DemoActivity(
    NpgsqlDataSource dataSource, ProgressStore progress, ReviewStore reviews, SupervisionEngine engine, CalendarStore calendars)
{
    /// <summary>The audit actor (and reporter) of everything the demo records; the source is <c>cli</c>.</summary>
    public const string Actor = "demo";

    private const string Source = "cli";

    public async Task<DemoActivityResult> RecordAsync(long planId, EvidenceFile? photo, DateTimeOffset now, CancellationToken ct)
    {
        int year;
        List<DemoMilestone> milestones;
        bool hasPending, hasReturned;

        // A run that stopped half-way may have left its 待审核 or 退回 item: the next run does not add a second.
        const string demoApplications = """
            select exists (select 1 from completion_applications ca join milestones m on m.id = ca.milestone_id join tasks t on t.id = m.task_id
                           where t.plan_id = @planId and ca.applied_by = @actor and ca.state = 'pending'),
                   exists (select 1 from completion_applications ca join milestones m on m.id = ca.milestone_id join tasks t on t.id = m.task_id
                           where t.plan_id = @planId and ca.applied_by = @actor and ca.state = 'returned')
            """;

        // A milestone nobody has touched: still open, and no report, application, 签收, 延期 or audit row names it.
        const string milestonesWithTouch = """
            select m.id, m.task_id as TaskId, t.position as TaskPosition, m.kind, m.title, m.due_date::timestamp as Due, t.deadline::timestamp as TaskDeadline,
                   array(select tu.unit_id from task_units tu where tu.task_id = t.id and tu.role = 'lead' order by tu.position, tu.unit_id) as Leads,
                   array(select tu.unit_id from task_units tu where tu.task_id = t.id and tu.role = 'co' order by tu.position, tu.unit_id) as CoUnits,
                   (m.status = 'open'
                    and not exists (select 1 from progress_reports p where p.milestone_id = m.id)
                    and not exists (select 1 from completion_applications ca where ca.milestone_id = m.id)
                    and not exists (select 1 from acknowledgements a where a.milestone_id = m.id)
                    and not exists (select 1 from extension_requests e where e.milestone_id = m.id)
                    and not exists (select 1 from audit_log l where l.target = 'milestone:' || m.id)) as Untouched
            from milestones m join tasks t on t.id = m.task_id
            where t.plan_id = @planId
            order by m.due_date, t.position, m.key
            """;

        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            year = await connection.ExecuteScalarAsync<int?>(new CommandDefinition("select year from plans where id = @planId", new { planId }, cancellationToken: ct))
                ?? throw new BadInputException($"--plan {planId}: no such plan");
            var before = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
                "select min(at) from audit_log where action = 'demo.activity' and target = @target", new { target = Target(planId) }, cancellationToken: ct));
            if (before is { } at)
            {
                return new DemoActivityResult(planId, new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), 0, 0, 0, 0, 0, 0, 0, 0);
            }

            milestones = [.. (await connection.QueryAsync<Row>(new CommandDefinition(milestonesWithTouch, new { planId }, cancellationToken: ct))).Select(r => r.ToMilestone())];
            (hasPending, hasReturned) = await connection.QuerySingleAsync<(bool, bool)>(new CommandDefinition(demoApplications, new { planId, actor = Actor }, cancellationToken: ct));
        }

        var steps = DemoScenario.Plan(milestones, year, now, engine.Zone, await calendars.LoadAsync(ct), hasPending, hasReturned);
        var counts = await ReplayAsync(steps, milestones.ToDictionary(m => m.Id), photo, ct);
        var snapshots = await SnapshotsAsync(year, engine.LocalDate(now), ct);
        var result = counts with { PlanId = planId, LeftAlone = milestones.Count(m => !m.Untouched), Snapshots = snapshots };
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await AuditLog.WriteAsync(connection, null, now, Actor, "demo.activity", Target(planId), new
            {
                signed = result.Signatures, reports = result.Reports, onTime = result.DoneOnTime, late = result.DoneLate,
                pending = result.AwaitingReview, returned = result.Returned, leftAlone = result.LeftAlone, snapshots,
            }, ct);
        }

        return result;
    }

    private async Task<DemoActivityResult> ReplayAsync(IReadOnlyList<DemoStep> steps, Dictionary<long, DemoMilestone> milestones, EvidenceFile? photo, CancellationToken ct)
    {
        // The applications waiting for the office's decision, by milestone, with the local date they were made on.
        var applications = new Dictionary<long, (long Id, DateOnly Applied)>();
        int signed = 0, reports = 0, onTime = 0, late = 0, returned = 0;
        void Count(bool inTime)
        {
            if (inTime)
            {
                onTime++;
            }
            else
            {
                late++;
            }
        }

        foreach (var step in steps)
        {
            switch (step)
            {
                case DemoSign s:
                    signed += await progress.AcknowledgeAsync(s.MilestoneId, s.UnitId, Source, Actor, s.At, ct) ? 1 : 0;
                    break;
                case DemoReport r:
                    await progress.ReportAsync(r.MilestoneId, r.Percent, r.Note, r.UnitId, Source, Actor, r.At, ct);
                    reports++;
                    if (milestones[r.MilestoneId] is { Kind: "report" } fulfilled)
                    {
                        // The report fulfils its 进展报送 milestone (ProgressStore), on time when made by the due date.
                        Count(engine.LocalDate(r.At) <= fulfilled.Due);
                    }

                    break;
                case DemoFinish f:
                    var finished = await progress.FinishAsync(f.MilestoneId, f.UnitId, f.Note, f.WithPhoto && photo is not null ? [photo] : null, Source, Actor, f.At, ct);
                    if (finished.ApplicationId is { } application)
                    {
                        applications[f.MilestoneId] = (application, engine.LocalDate(f.At));
                    }
                    else if (finished.Completion is { } completion)
                    {
                        // Review off: 办结 took effect at once.
                        Count(completion.OnTime);
                    }

                    break;
                case DemoApprove a when applications.Remove(a.MilestoneId, out var pending):
                    if (await reviews.ApproveAsync(pending.Id, Actor, a.At, ct))
                    {
                        Count(pending.Applied <= milestones[a.MilestoneId].Due);
                    }

                    break;
                case DemoReturn r when applications.Remove(r.MilestoneId, out var pending):
                    returned += await reviews.ReturnAsync(pending.Id, r.Reason, Actor, r.At, ct) ? 1 : 0;
                    break;
            }
        }

        return new DemoActivityResult(0, null, signed, reports, onTime, late, applications.Count, returned, 0, 0);
    }

    /// <summary>
    /// The trend needs history: a snapshot for yesterday and each of the twelve weeks before, from the plan year's start,
    /// computed by the engine as of that day (backdated completions count on their day); days already snapshotted are kept.
    /// </summary>
    private async Task<int> SnapshotsAsync(int year, DateOnly today, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var taken = (await connection.QueryAsync<DateTime>(new CommandDefinition("select distinct snapshot_date::timestamp from unit_rate_snapshots", cancellationToken: ct)))
            .Select(DateOnly.FromDateTime).ToHashSet();
        var days = Enumerable.Range(0, 13).Select(w => today.AddDays(-1 - (7 * w))).Where(d => d >= new DateOnly(year, 1, 1) && !taken.Contains(d)).Order().ToList();
        foreach (var day in days)
        {
            await engine.SnapshotAsync(day, ct);
        }

        return days.Count;
    }

    private static string Target(long planId) => FormattableString.Invariant($"plan:{planId}");

    // Settable properties, not a constructor: Npgsql reports array columns as System.Array, which no constructor matches.
    private sealed class Row
    {
        public long Id { get; set; }

        public long TaskId { get; set; }

        public int TaskPosition { get; set; }

        public string Kind { get; set; } = "";

        public string Title { get; set; } = "";

        public DateTime Due { get; set; }

        public DateTime? TaskDeadline { get; set; }

        public long[] Leads { get; set; } = [];

        public long[] CoUnits { get; set; } = [];

        public bool Untouched { get; set; }

        public DemoMilestone ToMilestone() => new(
            Id, TaskId, TaskPosition, Kind, Title, DateOnly.FromDateTime(Due), TaskDeadline is { } d ? DateOnly.FromDateTime(d) : null, Leads, CoUnits, Untouched);
    }
}
