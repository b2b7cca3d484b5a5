using Supervisor.Core.Engine;
using static Supervisor.Core.Tests.Engine.EngineCalendar;

namespace Supervisor.Core.Tests.Engine;

public sealed class ReminderPolicyTests
{
    private static readonly SupervisionOptions Defaults = new();
    private static readonly ReminderHistory NoHistory = new(null, null);

    private static IReadOnlyList<int> Owed(string due, string today, bool acknowledged = false, ReminderHistory? history = null, SupervisionOptions? options = null)
    {
        var o = options ?? Defaults;
        var standing = MilestoneClassifier.Classify(D(due), done: false, D(today), Official, o.DueSoonWorkingDays);
        return ReminderPolicy.Owed(standing, acknowledged, history ?? NoHistory, D(today), Official, o);
    }

    [Fact]
    public void Owed_IsNothing_OnAnOfficialHoliday_EvenWhenOverdue()
    {
        Assert.Empty(Owed(due: "2023-06-01", today: "2023-06-22"));
    }

    [Fact]
    public void Owed_IsLevel2_OnTheMakeUpSunday_WhenOneWorkingDayOverdue()
    {
        Assert.Equal([2], Owed(due: "2023-06-21", today: "2023-06-25"));
    }

    [Fact]
    public void Owed_IsLevel1_WhenDueSoonAndNotSignedFor()
    {
        Assert.Equal([1], Owed(due: "2023-06-26", today: "2023-06-21"));
    }

    [Fact]
    public void Owed_IsNothing_WhenDueSoonButSignedFor()
    {
        Assert.Empty(Owed(due: "2023-06-26", today: "2023-06-21", acknowledged: true));
    }

    [Fact]
    public void Owed_IsNothing_WhenDueLaterThanTheDueSoonWindow()
    {
        Assert.Empty(Owed(due: "2023-06-28", today: "2023-06-21"));
    }

    [Theory]
    [InlineData("2023-06-27", false)]  // one working day after the last 催办
    [InlineData("2023-06-28", true)]   // OverdueRepeatWorkingDays = 2 later
    public void Owed_Repeats催办_EveryOverdueRepeatWorkingDays(string today, bool owesLevel2)
    {
        var owed = Owed(due: "2023-06-21", today: today, history: new ReminderHistory(LastLevel2: D("2023-06-26"), LastLevel3: null));

        Assert.Equal(owesLevel2, owed.Contains(2));
    }

    [Fact]
    public void Owed_AddsLevel3_OnceOverdueByEscalateAfterWorkingDays()
    {
        // Due Wed 06-21; working days overdue on Fri 06-30: 06-25, 26, 27, 28, 29, 30 = 6 ≥ 5.
        var owed = Owed(due: "2023-06-21", today: "2023-06-30", history: new ReminderHistory(LastLevel2: D("2023-06-29"), LastLevel3: null));

        Assert.Equal([3], owed);
    }

    [Fact]
    public void Owed_NeverRepeats督办_WhenEscalationRepeatIsZero()
    {
        var once = new SupervisionOptions { EscalationRepeatWorkingDays = 0 };

        var owed = Owed(due: "2023-06-01", today: "2023-07-20", options: once,
            history: new ReminderHistory(LastLevel2: D("2023-07-19"), LastLevel3: D("2023-06-09")));

        Assert.DoesNotContain(3, owed);
    }

    [Fact]
    public void Owed_CatchesUpA催办_AfterDaysTheScanMissed()
    {
        // The last 催办 was recorded ten working days ago: one is owed today, not ten.
        var owed = Owed(due: "2023-06-01", today: "2023-07-20", history: new ReminderHistory(LastLevel2: D("2023-07-06"), LastLevel3: D("2023-07-19")));

        Assert.Equal([2], owed);
    }
}
