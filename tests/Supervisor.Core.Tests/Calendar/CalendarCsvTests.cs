using Supervisor.Core.Calendar;

namespace Supervisor.Core.Tests.Calendar;

public sealed class CalendarCsvTests
{
    [Fact]
    public void Parse_ReadsEveryRowOfTheOfficialFile()
    {
        var days = CalendarCsv.Parse(SeedFiles.WorkdaysCsv);
        var expectedRows = SeedFiles.WorkdaysCsv.Split('\n').Count(l => l.Trim().Length > 0) - 1;
        Assert.Equal(expectedRows, days.Count);
        Assert.Contains(new CalendarDay(new DateOnly(2023, 1, 28), DayKind.Workday, "春节"), days);
        Assert.Contains(new CalendarDay(new DateOnly(2023, 9, 29), DayKind.Holiday, "中秋节、国庆节"), days);
    }

    [Fact]
    public void Parse_ToleratesBomBlankLinesCrLfAndMissingName()
    {
        var days = CalendarCsv.Parse("\uFEFFdate,kind,name\r\n\r\n2030-01-01,holiday,元旦\r\n  \r\n2030-01-05,WORKDAY\r\n2030-01-06,workday,\"调休, 元旦\"\r\n");
        Assert.Equal(
            [
                new CalendarDay(new DateOnly(2030, 1, 1), DayKind.Holiday, "元旦"),
                new CalendarDay(new DateOnly(2030, 1, 5), DayKind.Workday, null),
                new CalendarDay(new DateOnly(2030, 1, 6), DayKind.Workday, "调休, 元旦"),
            ],
            days);
    }

    [Fact]
    public void Parse_ReturnsNothing_ForAHeaderOnly()
    {
        Assert.Empty(CalendarCsv.Parse("date,kind,name\n"));
    }

    [Theory]
    [InlineData("date,kind,name\n2030-01-01,holiday,元旦\n2030-13-01,holiday,元旦\n", "line 3", "bad date \"2030-13-01\"")]
    [InlineData("date,kind,name\n\n2030/01/01,holiday,元旦\n", "line 3", "bad date")]
    [InlineData("date,kind,name\n2030-01-01,vacation,元旦\n", "line 2", "unknown kind \"vacation\"")]
    [InlineData("date,kind,name\n2030-01-01,holiday,元旦\n2030-01-02,holiday,元旦\n2030-01-01,workday,元旦\n", "line 4", "duplicate date 2030-01-01 (already on line 2)")]
    [InlineData("2030-01-01,holiday,元旦\n", "line 1", "header")]
    [InlineData("\n\ndate,kind,name\n2030-01-01\n", "line 4", "expected date,kind,name")]
    public void Parse_NamesTheLineAndTheProblem_WhenARowIsWrong(string csv, string line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => CalendarCsv.Parse(csv));
        Assert.Contains(line + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
