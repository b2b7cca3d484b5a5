using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>总览: totals, lights, the on-time trend and the jobs' health.</summary>
public sealed partial class OverviewPage
{
    public sealed record JobHealth(JobListRow Job, int FailuresThisWeek);

    public sealed record View(
        DateOnly Today, (int Plans, int Tasks, int Milestones, int Done, int Units, int PendingExtensions) Totals,
        IReadOnlyList<TaskLight> TaskLights, IReadOnlyList<UnitRate> Rates, IReadOnlyList<UnreachableUnit> Unreachable,
        IReadOnlyList<TrendPoint> Trend, IReadOnlyList<JobHealth> Jobs, TimeZoneInfo Zone) : IPageModel<OverviewPage>
    {
        public IReadOnlyList<(long Id, int Year, string Title)> Plans { get; init; } = [];

        /// <summary>The plan the lights and units are filtered by; null = every plan.</summary>
        public long? PlanId { get; init; }

        /// <summary>未签收: task–unit pairs not signed for (a task counts once per unit that has not signed).</summary>
        public int ToSign { get; init; }

        public string PlanLabel => PlanFilter.Label(Plans, PlanId);

        /// <summary>办结 applications waiting for the office's review (待审核).</summary>
        public int PendingReviews { get; init; }
    }

    public static void Map(RouteGroupBuilder pages) => pages.MapGet("/", RenderAsync);

    private static async Task<IResult> RenderAsync(
        TaskQueries taskQueries, JobRunStore runs, SupervisionEngine engine, JobControl jobs, TimeProvider time, TimeZoneInfo zone, ReachabilityStore reachability,
        ReviewStore reviews, AcknowledgementQueries acknowledgements, string? plan, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var totals = await taskQueries.TotalsAsync(ct);
        var plans = await taskQueries.PlansAsync(ct);
        var planId = UnitsPage.PlanOf(plans, plan);
        var rates = await engine.RatesAsync(today, planId, ct);
        var lights = await engine.TaskLightsAsync(today, planId, ct);
        var toSign = (await acknowledgements.UnsignedAsync(planId, null, ct)).Count;

        // Units no channel reaches: their reminders would only show up as gaps in the 通报; the office fixes the directory.
        var unreachable = await reachability.UnreachableUnitsAsync(ct);
        var trend = await taskQueries.TrendAsync(90, ct);
        var since = time.GetUtcNow().AddDays(-7);
        var health = new List<JobHealth>();
        foreach (var job in await jobs.ListAsync(ct))
        {
            health.Add(new JobHealth(job, await runs.JobFailuresSinceAsync(job.Name, since, ct)));
        }

        return Render.Page(new View(today, totals, lights, rates, unreachable, trend, health, zone)
        {
            Plans = plans, PlanId = planId, ToSign = toSign, PendingReviews = await reviews.PendingCountAsync(ct),
        });
    }
}
