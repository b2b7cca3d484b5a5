using Supervisor.Core.Engine;

namespace Supervisor.Core.Tests.Engine;

public sealed class UnitRankingTests
{
    private static readonly SupervisionOptions Defaults = new();

    private static UnitRate Unit(string name, RoleCounts lead) => new(0, name, lead, RoleCounts.Zero, 0, false, Light.Green, 0);

    [Fact]
    public void Rates_AreNull_WhenNothingIsDue()
    {
        Assert.Null(RoleCounts.Zero.CompletionRate);
        Assert.Null(RoleCounts.Zero.OnTimeRate);
    }

    [Fact]
    public void Rates_CountLateCompletionsAsCompletedButNotOnTime()
    {
        var counts = new RoleCounts(Due: 4, OnTime: 2, Late: 1, OverdueOpen: 1);

        Assert.Equal(0.75, counts.CompletionRate);
        Assert.Equal(0.5, counts.OnTimeRate);
    }

    [Fact]
    public void LightOf_IsGreen_ForAUnitWithNothingDue()
    {
        Assert.Equal(Light.Green, UnitRanking.LightOf(RoleCounts.Zero, 0, hasDueSoon: false, Defaults));
    }

    [Fact]
    public void LightOf_IsYellow_WhenOverdueLessThanTheEscalationLine()
    {
        var lead = new RoleCounts(Due: 10, OnTime: 9, Late: 0, OverdueOpen: 1);

        Assert.Equal(Light.Yellow, UnitRanking.LightOf(lead, worstOverdueWorkingDays: 2, hasDueSoon: false, Defaults));
    }

    [Fact]
    public void LightOf_IsRed_WhenAnItemIsOverdueBeyondTheEscalationLine()
    {
        var lead = new RoleCounts(Due: 10, OnTime: 9, Late: 0, OverdueOpen: 1);

        Assert.Equal(Light.Red, UnitRanking.LightOf(lead, worstOverdueWorkingDays: 5, hasDueSoon: false, Defaults));
    }

    [Fact]
    public void LightOf_IsRed_WhenTheOnTimeRateIsBelowTheRedLine_EvenWithNothingOpen()
    {
        var lead = new RoleCounts(Due: 10, OnTime: 5, Late: 5, OverdueOpen: 0);

        Assert.Equal(Light.Red, UnitRanking.LightOf(lead, 0, hasDueSoon: false, Defaults));
    }

    [Fact]
    public void Rank_PutsUnitsWithoutARateLast_AndBreaksTiesByPinyin()
    {
        var ranked = UnitRanking.Rank(
        [
            Unit("教育局", new RoleCounts(2, 2, 0, 0)),
            Unit("财政局", RoleCounts.Zero),
            Unit("发改局", new RoleCounts(4, 4, 0, 0)),
            Unit("住建局", new RoleCounts(4, 2, 1, 1)),
        ]);

        // 100 % on time: 发改局 (fa) before 教育局 (jiao); then 住建局 at 50 %; 财政局 has nothing due.
        Assert.Equal(["发改局", "教育局", "住建局", "财政局"], ranked.Select(u => u.Unit));
        Assert.Equal([1, 2, 3, 4], ranked.Select(u => u.Rank));
    }
}
