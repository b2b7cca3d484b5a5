using System.Globalization;
using Supervisor.Core.Calendar;

namespace Supervisor.Core.Tests.Calendar;

public sealed class WorkingDayRuleTests
{
    private static readonly WorkingCalendar Official = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));

    private static DateOnly D(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    private static List<string> AllowedBetween(WorkingDayRule rule, string first, string last)
    {
        var allowed = new List<string>();
        for (var day = D(first); day <= D(last); day = day.AddDays(1))
        {
            if (rule.Allows(Official, day))
            {
                allowed.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }

        return allowed;
    }

    [Theory]
    [InlineData("2026-02-14", true)] // make-up Saturday before 春节
    [InlineData("2026-02-16", false)] // holiday Monday in 春节
    [InlineData("2023-10-07", true)] // make-up Saturday after 国庆节
    [InlineData("2023-10-08", true)] // make-up Sunday after 国庆节
    [InlineData("2023-10-02", false)] // holiday Monday
    [InlineData("2026-03-07", false)] // ordinary Saturday
    [InlineData("2026-03-09", true)] // ordinary Monday
    public void WorkingDay_FiresOnMakeUpDays_AndSkipsHolidays(string date, bool fires) =>
        Assert.Equal(fires, WorkingDayRule.WorkingDay.Allows(Official, D(date)));

    [Fact]
    public void Always_FiresOnHolidaysToo() =>
        Assert.True(WorkingDayRule.Always.Allows(Official, D("2026-02-16")));

    [Fact]
    public void FirstWorkingDayOfWeek_SkipsTheWholeSpringFestivalWeek_AndPicksTheTuesdayAfterIt()
    {
        // 2026-02-15..23 are holidays: the week of Monday 02-16 has no working day at all, the next week starts on a
        // holiday Monday, so its first working day is Tuesday 02-24; make-up Saturday 02-28 is not a first.
        Assert.Equal(["2026-02-09", "2026-02-24", "2026-03-02"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeek, "2026-02-09", "2026-03-08"));
    }

    [Fact]
    public void FirstWorkingDayOfWeek_IsTheMakeUpSaturday_WhenNationalDayTakesTheWeekdays()
    {
        // 2023-10-02..06 are holidays, 10-07 (Saturday) and 10-08 (Sunday) are make-up working days.
        Assert.Equal(["2023-10-07"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeek, "2023-10-02", "2023-10-08"));
    }

    [Fact]
    public void FirstWorkingDayOfMonth_IsTheMakeUpSundayOfJanuary2026()
    {
        // 01-01..03 are 元旦 holidays, Sunday 01-04 is a make-up working day.
        Assert.Equal(["2026-01-04"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfMonth, "2026-01-01", "2026-01-31"));
        Assert.Equal(["2023-10-07"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfMonth, "2023-10-01", "2023-10-31"));
    }

    [Fact]
    public void FirstWorkingDayOfWeekOrMonth_AddsTheFirstOfTheMonth_ToTheWeeklyFirsts()
    {
        // The week of 2025-12-29 starts on a working Monday, so Sunday 01-04 is only the month's first working day.
        Assert.Equal(["2025-12-29", "2026-01-04", "2026-01-05", "2026-01-12"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeekOrMonth, "2025-12-29", "2026-01-18"));

        // A month that begins mid-week: Wednesday 2026-07-01 is the month's first, Mondays 06-29 and 07-06 the weeks'.
        Assert.Equal(["2026-06-29", "2026-07-01", "2026-07-06"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeekOrMonth, "2026-06-29", "2026-07-12"));

        // And when that week's Monday is a holiday (清明, 2026-04-04..06), its Tuesday.
        Assert.Equal(["2026-03-30", "2026-04-01", "2026-04-07"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeekOrMonth, "2026-03-30", "2026-04-12"));
    }

    [Fact]
    public void FirstWorkingDayOfWeek_IsMonday_InAnOrdinaryWeek()
    {
        Assert.Equal(["2026-03-09"], AllowedBetween(WorkingDayRule.FirstWorkingDayOfWeek, "2026-03-09", "2026-03-15"));
    }

    [Fact]
    public void EveryWeekOf2023To2026_HasAtMostOneFirstWorkingDay_AndOneWhenItHasAnyWorkingDay()
    {
        for (var monday = D("2023-01-02"); monday.Year <= 2026; monday = monday.AddDays(7))
        {
            var week = Enumerable.Range(0, 7).Select(monday.AddDays).ToList();
            var firsts = week.Count(d => WorkingDayRule.FirstWorkingDayOfWeek.Allows(Official, d));
            Assert.True(firsts == (week.Any(Official.IsWorkingDay) ? 1 : 0), $"week of {monday:yyyy-MM-dd}: {firsts}");
        }
    }

    [Fact]
    public void Explain_SaysWhyADayIsSkipped()
    {
        Assert.Equal("2026-02-16 (Monday) is a holiday (春节), not a working day", WorkingDayRule.WorkingDay.Explain(Official, D("2026-02-16")));
        Assert.Equal("2026-03-07 (Saturday) is not a working day", WorkingDayRule.WorkingDay.Explain(Official, D("2026-03-07")));
        Assert.Equal("2026-03-10 (Tuesday) is not the first working day of its week", WorkingDayRule.FirstWorkingDayOfWeek.Explain(Official, D("2026-03-10")));
        Assert.Null(WorkingDayRule.WorkingDay.Explain(Official, D("2026-02-14")));
    }

    [Fact]
    public void StartOfWeek_IsTheMonday_ForEveryDayOfTheWeek()
    {
        for (var day = D("2026-02-16"); day <= D("2026-02-22"); day = day.AddDays(1))
        {
            Assert.Equal(D("2026-02-16"), WorkingDayRules.StartOfWeek(day));
        }
    }
}
