using Supervisor.Core.Engine;
using static Supervisor.Core.Tests.Engine.EngineCalendar;

namespace Supervisor.Core.Tests.Engine;

public sealed class AcknowledgementPolicyTests
{
    private static readonly SupervisionOptions TwoDays = new() { AcknowledgeWithinWorkingDays = 2 };

    private static bool Owed(string assigned, string today, bool acknowledged = false, bool reminded = false, SupervisionOptions? options = null) =>
        ReminderPolicy.AcknowledgementOwed(D(assigned), acknowledged, reminded, D(today), Official, options ?? TwoDays);

    [Fact]
    public void SignBy_SkipsTheDragonBoatHolidayAndCountsTheMakeUpSunday()
    {
        // Assigned Wednesday 21 June 2023: 22–24 June are holidays, Sunday 25 June is a make-up working day.
        Assert.Equal(D("2023-06-26"), ReminderPolicy.SignBy(D("2023-06-21"), Official, TwoDays));
    }

    [Fact]
    public void AcknowledgementOwed_OnlyAfterTheSignByDate()
    {
        Assert.False(Owed("2023-06-21", "2023-06-25"));
        Assert.False(Owed("2023-06-21", "2023-06-26"));
        Assert.True(Owed("2023-06-21", "2023-06-27"));
    }

    [Fact]
    public void AcknowledgementOwed_IsNothing_WhenSignedAlreadyRemindedOrOff()
    {
        Assert.False(Owed("2023-06-21", "2023-06-27", acknowledged: true));
        Assert.False(Owed("2023-06-21", "2023-06-27", reminded: true));
        Assert.False(Owed("2023-06-21", "2023-06-27", options: new SupervisionOptions { AcknowledgeWithinWorkingDays = 0 }));
        Assert.Null(ReminderPolicy.SignBy(D("2023-06-21"), Official, new SupervisionOptions { AcknowledgeWithinWorkingDays = 0 }));
    }

    [Fact]
    public void AcknowledgementOwed_IsNothing_OnAWeekendDay()
    {
        // Assigned Monday 3 July 2023, sign by Wednesday 5 July; Saturday 8 July is no working day.
        Assert.True(Owed("2023-07-03", "2023-07-07"));
        Assert.False(Owed("2023-07-03", "2023-07-08"));
    }

    [Fact]
    public void LatestAssignmentOwed_IsTheLastDateWhoseSignByHasPassed()
    {
        // On Tuesday 27 June: assignments up to Saturday 24 June (sign by Monday 26) are owed; Sunday 25 June's signs by the 27th.
        Assert.Equal(D("2023-06-24"), ReminderPolicy.LatestAssignmentOwed(D("2023-06-27"), Official, TwoDays));
        Assert.Null(ReminderPolicy.LatestAssignmentOwed(D("2023-06-27"), Official, new SupervisionOptions { AcknowledgeWithinWorkingDays = 0 }));
    }

    [Fact]
    public void Validate_NamesTheKey_WhenAcknowledgeWithinWorkingDaysIsOutOfRange()
    {
        var errors = new SupervisionOptions { AcknowledgeWithinWorkingDays = -1 }.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("Supervision:AcknowledgeWithinWorkingDays", StringComparison.Ordinal));
    }
}
