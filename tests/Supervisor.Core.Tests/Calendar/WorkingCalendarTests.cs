using Supervisor.Core.Calendar;

namespace Supervisor.Core.Tests.Calendar;

public sealed class WorkingCalendarTests
{
    private static readonly IReadOnlyList<CalendarDay> OfficialDays = CalendarCsv.Parse(SeedFiles.WorkdaysCsv);
    private static readonly WorkingCalendar Official = new(OfficialDays);

    private static readonly Dictionary<DateOnly, DayKind> KindByDate = OfficialDays.ToDictionary(d => d.Date, d => d.Kind);

    // The rule as the DOMAIN states it, written without any of the calendar's precomputation.
    private static bool NaiveIsWorkingDay(DateOnly date)
    {
        var weekday = date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        KindByDate.TryGetValue(date, out var kind);
        var listed = KindByDate.ContainsKey(date);
        return (weekday && !(listed && kind == DayKind.Holiday)) || (listed && kind == DayKind.Workday);
    }

    private static int NaiveWorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var (low, high, sign) = from <= to ? (from, to, 1) : (to, from, -1);
        var count = 0;
        for (var d = low.AddDays(1); d <= high; d = d.AddDays(1))
        {
            if (NaiveIsWorkingDay(d))
            {
                count++;
            }
        }

        return sign * count;
    }

    private static DateOnly NaiveAddWorkingDays(DateOnly from, int n)
    {
        var step = Math.Sign(n);
        var d = from;
        for (var left = Math.Abs(n); left > 0;)
        {
            d = d.AddDays(step);
            if (NaiveIsWorkingDay(d))
            {
                left--;
            }
        }

        return d;
    }

    private static DateOnly RandomDate(Random random, DateOnly first, DateOnly last) =>
        DateOnly.FromDayNumber(random.Next(first.DayNumber, last.DayNumber + 1));

    [Fact]
    public void IsWorkingDay_MatchesWeekdaysMinusHolidaysPlusMakeUpDays_OnEveryDayFrom2023To2026()
    {
        for (var d = new DateOnly(2023, 1, 1); d <= new DateOnly(2026, 12, 31); d = d.AddDays(1))
        {
            Assert.True(NaiveIsWorkingDay(d) == Official.IsWorkingDay(d), $"{d:yyyy-MM-dd ddd}");
        }
    }

    [Theory]
    [InlineData("2026-02-14", true)] // Saturday, make-up day for 春节
    [InlineData("2026-02-28", true)] // Saturday, make-up day for 春节
    [InlineData("2026-02-16", false)] // Monday in 春节
    [InlineData("2023-01-28", true)] // Saturday, make-up day for 春节
    [InlineData("2023-04-23", true)] // Sunday, make-up day for 劳动节
    [InlineData("2023-10-02", false)] // Monday in 国庆节
    [InlineData("2023-12-29", true)] // ordinary Friday
    [InlineData("2023-12-31", false)] // Sunday and 元旦
    [InlineData("2027-03-01", true)] // Monday outside the official data
    [InlineData("2027-03-06", false)] // Saturday outside the official data
    public void IsWorkingDay_FollowsTheOfficialCalendar(string date, bool expected) =>
        Assert.Equal(expected, Official.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void AddWorkingDays_SkipsNationalDayWeek_From2023September28()
    {
        // 09-29..10-06 are holidays, 10-07 (Saturday) and 10-08 (Sunday) are make-up days.
        Assert.Equal(new DateOnly(2023, 10, 7), Official.AddWorkingDays(new DateOnly(2023, 9, 28), 1));
        Assert.Equal(new DateOnly(2023, 10, 8), Official.AddWorkingDays(new DateOnly(2023, 9, 28), 2));
        Assert.Equal(new DateOnly(2023, 10, 9), Official.AddWorkingDays(new DateOnly(2023, 9, 28), 3));
        Assert.Equal(new DateOnly(2023, 9, 28), Official.AddWorkingDays(new DateOnly(2023, 10, 7), -1));
    }

    [Fact]
    public void AddWorkingDays_ReturnsTheSameDate_WhenCountIsZero()
    {
        var sunday = new DateOnly(2023, 12, 31);
        Assert.Equal(sunday, Official.AddWorkingDays(sunday, 0));
    }

    [Fact]
    public void AddWorkingDays_CrossesNewYear_FromLastWorkingDayOf2023()
    {
        // 12-30..01-01 are 元旦 holidays.
        Assert.Equal(new DateOnly(2024, 1, 2), Official.AddWorkingDays(new DateOnly(2023, 12, 29), 1));
        Assert.Equal(new DateOnly(2023, 12, 29), Official.AddWorkingDays(new DateOnly(2024, 1, 2), -1));
    }

    [Fact]
    public void AddWorkingDays_MatchesDayByDayCounting_ForRandomDatesInsideAndOutsideTheData()
    {
        var random = new Random(20230101);
        for (var i = 0; i < 3000; i++)
        {
            var from = RandomDate(random, new DateOnly(2021, 6, 1), new DateOnly(2028, 6, 30));
            var n = random.Next(-400, 401);
            Assert.True(NaiveAddWorkingDays(from, n) == Official.AddWorkingDays(from, n), $"{from:yyyy-MM-dd} {n:+#;-#;0}");
        }
    }

    [Fact]
    public void WorkingDaysBetween_MatchesDayByDayCounting_ForRandomPairsInsideAndOutsideTheData()
    {
        var random = new Random(20261231);
        for (var i = 0; i < 3000; i++)
        {
            var from = RandomDate(random, new DateOnly(2021, 6, 1), new DateOnly(2028, 6, 30));
            var to = RandomDate(random, new DateOnly(2021, 6, 1), new DateOnly(2028, 6, 30));
            Assert.True(NaiveWorkingDaysBetween(from, to) == Official.WorkingDaysBetween(from, to), $"{from:yyyy-MM-dd} → {to:yyyy-MM-dd}");
        }
    }

    [Fact]
    public void WorkingDaysBetween_CountsTheEndButNotTheStart()
    {
        var friday = new DateOnly(2023, 12, 29);
        var tuesday = new DateOnly(2024, 1, 2);
        Assert.Equal(1, Official.WorkingDaysBetween(friday, tuesday));
        Assert.Equal(-1, Official.WorkingDaysBetween(tuesday, friday));
        Assert.Equal(0, Official.WorkingDaysBetween(friday, friday));
        Assert.Equal(0, Official.WorkingDaysBetween(friday, new DateOnly(2024, 1, 1)));
    }

    [Fact]
    public void WorkingDaysBetween_CountsAWholeYear_For2023()
    {
        Assert.Equal(
            NaiveWorkingDaysBetween(new DateOnly(2022, 12, 31), new DateOnly(2023, 12, 31)),
            Official.WorkingDaysBetween(new DateOnly(2022, 12, 31), new DateOnly(2023, 12, 31)));
    }

    [Fact]
    public void AddWorkingDays_LandsOnLastWorkingDayOnOrBeforeTarget_WhenGivenWorkingDaysBetween()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var d = Official.PreviousWorkingDayOnOrBefore(RandomDate(random, new DateOnly(2022, 1, 1), new DateOnly(2027, 12, 31)));
            var e = RandomDate(random, new DateOnly(2022, 1, 1), new DateOnly(2027, 12, 31));
            var landed = Official.AddWorkingDays(d, Official.WorkingDaysBetween(d, e));
            Assert.True(Official.PreviousWorkingDayOnOrBefore(e) == landed, $"{d:yyyy-MM-dd} → {e:yyyy-MM-dd}");
        }
    }

    [Fact]
    public void WorkingDaysBetween_ReturnsTheCount_AfterAddWorkingDays()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var d = RandomDate(random, new DateOnly(2022, 1, 1), new DateOnly(2027, 12, 31));
            var n = random.Next(0, 300);
            Assert.Equal(n, Official.WorkingDaysBetween(d, Official.AddWorkingDays(d, n)));

            // Backwards the count is over (result, d], so it includes d only when d is itself a working day.
            var back = Official.AddWorkingDays(d, -n);
            Assert.Equal(n == 0 || Official.IsWorkingDay(d) ? -n : -n + 1, Official.WorkingDaysBetween(d, back));
        }
    }

    [Fact]
    public void AddWorkingDays_ResultIsAWorkingDay_WhenCountIsNotZero()
    {
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var d = RandomDate(random, new DateOnly(2022, 1, 1), new DateOnly(2027, 12, 31));
            var n = random.Next(1, 50) * (random.Next(2) == 0 ? 1 : -1);
            Assert.True(Official.IsWorkingDay(Official.AddWorkingDays(d, n)));
        }
    }

    [Theory]
    [InlineData("2023-12-31", "2023-12-29", "2024-01-02")] // 元旦 Sunday
    [InlineData("2023-10-01", "2023-09-28", "2023-10-07")] // National Day, next is a make-up Saturday
    [InlineData("2023-04-23", "2023-04-23", "2023-04-23")] // make-up Sunday stays
    [InlineData("2027-03-06", "2027-03-05", "2027-03-08")] // Saturday outside the data
    public void PreviousAndNextWorkingDay_StepOverNonWorkingDaysOnly(string date, string previous, string next)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateOnly.Parse(previous, System.Globalization.CultureInfo.InvariantCulture), Official.PreviousWorkingDayOnOrBefore(d));
        Assert.Equal(DateOnly.Parse(next, System.Globalization.CultureInfo.InvariantCulture), Official.NextWorkingDayOnOrAfter(d));
    }

    [Fact]
    public void Find_ReturnsTheHolidayName_ForAnOfficialDay()
    {
        Assert.Equal(new CalendarDay(new DateOnly(2026, 2, 16), DayKind.Holiday, "春节"), Official.Find(new DateOnly(2026, 2, 16)));
        Assert.Equal(DayKind.Workday, Official.Find(new DateOnly(2023, 4, 23))?.Kind);
        Assert.Null(Official.Find(new DateOnly(2023, 3, 1)));
    }

    [Fact]
    public void YearsCovered_ListsEveryYearWithAnEntry()
    {
        // The official data opens with 2022-12-31 (元旦 2023), so 2022 has an entry too.
        Assert.Equal([2022, 2023, 2024, 2025, 2026], Official.YearsCovered);
    }

    [Fact]
    public void EmptyCalendar_FollowsTheWeekdayRule()
    {
        var calendar = new WorkingCalendar([]);
        Assert.Empty(calendar.YearsCovered);
        Assert.False(calendar.IsWorkingDay(new DateOnly(2023, 10, 2).AddDays(-1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2023, 10, 2)));
        Assert.Equal(new DateOnly(2023, 10, 9), calendar.AddWorkingDays(new DateOnly(2023, 9, 29), 6));
        Assert.Equal(5, calendar.WorkingDaysBetween(new DateOnly(2023, 10, 1), new DateOnly(2023, 10, 8)));
    }

    [Fact]
    public void Constructor_Rejects_ADateListedBothAsHolidayAndAsWorkday()
    {
        var date = new DateOnly(2030, 1, 1);
        Assert.Throws<ArgumentException>(() => new WorkingCalendar([new(date, DayKind.Holiday, null), new(date, DayKind.Workday, null)]));
    }

    [Fact]
    public void AddWorkingDays_Throws_WhenTheResultWouldLeaveTheDateRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Official.AddWorkingDays(DateOnly.MinValue, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Official.AddWorkingDays(DateOnly.MaxValue.AddDays(-3), 10));
    }
}
