using Supervisor.Core.Demo;
using Supervisor.Core.Tests.Engine;

namespace Supervisor.Core.Tests.Demo;

public sealed class DemoScenarioTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Four lead units with a quarterly-report task and a two-deadline task each, one co unit on every task.</summary>
    private static List<DemoMilestone> Plan()
    {
        var milestones = new List<DemoMilestone>();
        var id = 0L;
        for (var unit = 1L; unit <= 4; unit++)
        {
            var reportTask = unit * 10;
            foreach (var due in new[] { "2026-03-25", "2026-06-25", "2026-09-24", "2026-12-25" })
            {
                milestones.Add(new DemoMilestone(++id, reportTask, (int)reportTask, "report", "进展报送", EngineCalendar.D(due), null, [unit], [9], Untouched: true));
            }

            var workTask = (unit * 10) + 1;
            var deadline = EngineCalendar.D("2026-12-31");
            foreach (var (due, title) in new[] { ("2026-05-29", "完成项目建设"), ("2026-11-30", "完成竣工验收"), ("2026-12-31", "完成：建成通车") })
            {
                milestones.Add(new DemoMilestone(++id, workTask, (int)workTask, "completion", title, EngineCalendar.D(due), deadline, [unit], [9], Untouched: true));
            }
        }

        return milestones;
    }

    [Fact]
    public void Plan_DatesEveryStepBeforeNow_AndLeavesOneApplicationPendingWithThePhoto_AndReturnsOneWithAReason()
    {
        var steps = DemoScenario.Plan(Plan(), 2026, Now, Shanghai, EngineCalendar.Official);

        Assert.All(steps, s => Assert.True(s.At < Now, $"{s} is not before now"));
        var finishes = steps.OfType<DemoFinish>().ToList();
        var approved = steps.OfType<DemoApprove>().Select(a => a.MilestoneId).ToHashSet();
        var returned = Assert.Single(steps.OfType<DemoReturn>());
        var pending = Assert.Single(finishes, f => !approved.Contains(f.MilestoneId) && f.MilestoneId != returned.MilestoneId);
        Assert.True(pending.WithPhoto);
        Assert.Single(finishes, f => f.WithPhoto);
        Assert.False(string.IsNullOrWhiteSpace(returned.Reason));

        // Each decision comes after its application.
        foreach (var decision in steps.Where(s => s is DemoApprove or DemoReturn))
        {
            Assert.True(decision.At > finishes.Single(f => f.MilestoneId == decision.MilestoneId).At);
        }
    }

    [Fact]
    public void Plan_CompletesSomeMilestonesOnTimeAndSomeLate_AndLeavesSomeOverdue()
    {
        var plan = Plan();
        var steps = DemoScenario.Plan(plan, 2026, Now, Shanghai, EngineCalendar.Official);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Shanghai).DateTime);
        DateOnly Local(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Shanghai).DateTime);

        // When each past-due milestone got done: a report on a 进展报送 milestone, or a 办结 the office approved.
        var approved = steps.OfType<DemoApprove>().Select(a => a.MilestoneId).ToHashSet();
        var doneOn = steps.OfType<DemoReport>().Where(r => plan.Single(m => m.Id == r.MilestoneId).Kind == "report").Select(r => (r.MilestoneId, r.At))
            .Concat(steps.OfType<DemoFinish>().Where(f => approved.Contains(f.MilestoneId)).Select(f => (f.MilestoneId, f.At)))
            .ToDictionary(x => x.MilestoneId, x => Local(x.At));
        var pastDue = plan.Where(m => m.Due < today).ToList();
        Assert.Contains(pastDue, m => doneOn.TryGetValue(m.Id, out var d) && d <= m.Due);
        Assert.Contains(pastDue, m => doneOn.TryGetValue(m.Id, out var d) && d > m.Due);
        Assert.Contains(pastDue, m => !doneOn.ContainsKey(m.Id));
        Assert.All(steps.OfType<DemoReport>(), r => Assert.InRange(r.Percent, 5, 100));
    }

    [Fact]
    public void Plan_NeverActsOnAMilestoneSomeoneTouched_NorSignsItsTask()
    {
        var plan = Plan();
        var touched = plan.Where(m => m.TaskId == 21).Select(m => m with { Untouched = false }).ToList();
        var milestones = plan.Where(m => m.TaskId != 21).Concat(touched).ToList();

        var steps = DemoScenario.Plan(milestones, 2026, Now, Shanghai, EngineCalendar.Official);

        Assert.DoesNotContain(steps, s => touched.Any(m => m.Id == s.MilestoneId));
        Assert.NotEmpty(steps);
    }

    [Fact]
    public void Plan_WithADemoApplicationAlreadyPendingAndReturned_AddsNeither()
    {
        var steps = DemoScenario.Plan(Plan(), 2026, Now, Shanghai, EngineCalendar.Official, hasPending: true, hasReturned: true);

        Assert.Empty(steps.OfType<DemoReturn>());
        Assert.DoesNotContain(steps.OfType<DemoFinish>(), f => f.WithPhoto);
        var approved = steps.OfType<DemoApprove>().Select(a => a.MilestoneId).ToHashSet();
        Assert.All(steps.OfType<DemoFinish>(), f => Assert.Contains(f.MilestoneId, approved));
    }
}
