using Supervisor.Core.Engine;
using static Supervisor.Core.Tests.Engine.EngineCalendar;

namespace Supervisor.Core.Tests.Engine;

public sealed class ScheduleProgressTests
{
    [Fact]
    public void ExpectedPercent_IsTheElapsedShareOfTheWindowFromFirstJanuaryToTheDeadline()
    {
        // 2026-01-01 .. 2026-12-31 is 364 days; 2026-07-02 is day 182: half.
        Assert.Equal(50.0, ScheduleProgress.ExpectedPercent(2026, D("2026-12-31"), D("2026-07-02")));
    }

    [Theory]
    [InlineData("2025-12-01", 0.0)]
    [InlineData("2027-03-01", 100.0)]
    public void ExpectedPercent_StaysWithinNoughtAndAHundred_BeforeAndAfterTheWindow(string asOf, double expected)
    {
        Assert.Equal(expected, ScheduleProgress.ExpectedPercent(2026, D("2026-06-30"), D(asOf)));
    }

    [Fact]
    public void ExpectedPercent_IsUnknown_WithoutADeadlineOrWithADeadlineOnFirstJanuary()
    {
        Assert.Null(ScheduleProgress.ExpectedPercent(2026, null, D("2026-07-01")));
        Assert.Null(ScheduleProgress.ExpectedPercent(2026, D("2026-01-01"), D("2026-07-01")));
    }

    [Theory]
    [InlineData(29, true)]
    [InlineData(30, false)]
    [InlineData(null, false)]
    public void IsBehind_WhenTheReportTrailsByMoreThanTheLimit_AndNeverWithoutAReport(int? reported, bool behind)
    {
        Assert.Equal(behind, ScheduleProgress.IsBehind(reported, 50.0, 20));
    }
}
