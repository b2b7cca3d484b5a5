using Supervisor.Core.Engine;
using static Supervisor.Core.Tests.Engine.EngineCalendar;

namespace Supervisor.Core.Tests.Engine;

public sealed class OverdueTextTests
{
    [Fact]
    public void Of_SaysWorkingDaysFirstAndCalendarDaysInBrackets()
    {
        Assert.Equal("已逾期172个工作日（252天）", OverdueText.Of(172, 252));
    }

    [Fact]
    public void Of_CountsWorkingDaysOnTheChineseCalendar_HolidaysOutAndMakeUpSundayIn()
    {
        // Due Wed 2023-06-21; 06-22..24 端午 holidays, Sunday 06-25 a make-up working day, Monday 06-26 working.
        Assert.Equal("已逾期2个工作日（5天）", OverdueText.Of(D("2023-06-21"), D("2023-06-26"), Official));
    }

    [Fact]
    public void Of_AMilestoneYearsLate_SaysHowLateInBothUnits()
    {
        // 2023-01-31 to 2025-12-31: 1065 calendar days; working days as the calendar counts them (holidays and 调休 in).
        var text = OverdueText.Of(D("2023-01-31"), D("2025-12-31"), Official);
        Assert.Equal($"已逾期{Official.WorkingDaysBetween(D("2023-01-31"), D("2025-12-31"))}个工作日（1065天）", text);
        Assert.InRange(Official.WorkingDaysBetween(D("2023-01-31"), D("2025-12-31")), 700, 740);
    }

    [Fact]
    public void Of_AFridayDeadlineOnSaturday_IsOneDayButNoWorkingDayLate()
    {
        Assert.Equal("已逾期0个工作日（1天）", OverdueText.Of(D("2023-06-16"), D("2023-06-17"), Official));
    }

    [Theory]
    [InlineData("2023-07-03", "2023-07-03", "今日到期")]
    [InlineData("2023-07-10", "2023-07-03", "7天后到期")]
    [InlineData("2023-06-21", "2023-06-26", "已逾期2个工作日（5天）")]
    public void Standing_SaysOverdueDueTodayOrDaysLeft(string due, string today, string expected)
    {
        Assert.Equal(expected, OverdueText.Standing(D(due), D(today), Official));
    }

    [Fact]
    public void Standing_FromCountsTheScanWrote_ReadsLikeTheOneFromTheCalendar()
    {
        Assert.Equal(OverdueText.Standing(D("2023-06-21"), D("2023-06-26"), Official), OverdueText.Standing(D("2023-06-21"), D("2023-06-26"), 2, 5));
    }
}
