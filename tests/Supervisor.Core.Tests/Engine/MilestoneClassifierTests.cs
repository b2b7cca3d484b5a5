using Supervisor.Core.Engine;
using static Supervisor.Core.Tests.Engine.EngineCalendar;

namespace Supervisor.Core.Tests.Engine;

public sealed class MilestoneClassifierTests
{
    [Fact]
    public void Classify_CountsTheMakeUpSundayButNotTheHolidays_WhenOverdueAcrossDragonBoat()
    {
        var standing = MilestoneClassifier.Classify(D("2023-06-21"), done: false, D("2023-06-25"), Official, dueSoonWorkingDays: 3);

        Assert.Equal(MilestoneState.Overdue, standing.State);
        Assert.Equal(1, standing.WorkingDaysOverdue);
        Assert.Equal(4, standing.CalendarDaysOverdue);
    }

    [Fact]
    public void Classify_IsOverdueWithZeroWorkingDays_OnTheSaturdayAfterAFridayDeadline()
    {
        var standing = MilestoneClassifier.Classify(D("2023-06-30"), done: false, D("2023-07-01"), Official, dueSoonWorkingDays: 3);

        Assert.Equal(MilestoneState.Overdue, standing.State);
        Assert.Equal(0, standing.WorkingDaysOverdue);
        Assert.Equal(1, standing.CalendarDaysOverdue);
    }

    [Fact]
    public void Classify_IsDueToday_OnTheDueDate()
    {
        var standing = MilestoneClassifier.Classify(D("2023-06-21"), done: false, D("2023-06-21"), Official, dueSoonWorkingDays: 3);

        Assert.Equal(MilestoneState.DueToday, standing.State);
    }

    [Theory]
    [InlineData("2023-06-26", MilestoneState.DueSoon, 2)]   // 06-25 (make-up Sunday) and 06-26
    [InlineData("2023-06-27", MilestoneState.DueSoon, 3)]
    [InlineData("2023-06-28", MilestoneState.Upcoming, 4)]
    public void Classify_CountsWorkingDaysLeftOnTheOfficialCalendar_BeforeTheDueDate(string due, MilestoneState expected, int left)
    {
        var standing = MilestoneClassifier.Classify(D(due), done: false, D("2023-06-21"), Official, dueSoonWorkingDays: 3);

        Assert.Equal(expected, standing.State);
        Assert.Equal(left, standing.WorkingDaysLeft);
    }

    [Fact]
    public void Classify_IsDone_WhateverTheDueDate()
    {
        var standing = MilestoneClassifier.Classify(D("2023-01-03"), done: true, D("2023-06-21"), Official, dueSoonWorkingDays: 3);

        Assert.Equal(MilestoneState.Done, standing.State);
        Assert.Equal(0, standing.WorkingDaysOverdue);
    }
}
