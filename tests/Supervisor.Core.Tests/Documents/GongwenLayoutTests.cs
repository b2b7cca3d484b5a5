using Supervisor.Core.Documents;

namespace Supervisor.Core.Tests.Documents;

public sealed class GongwenLayoutTests
{
    [Fact]
    public void HeadingNumbers_AreChineseNumerals()
    {
        Assert.Equal(["一", "九", "十", "十一", "二十", "二十三"], new[] { 1, 9, 10, 11, 20, 23 }.Select(GongwenLayout.ChineseNumber));
        Assert.Throws<ArgumentOutOfRangeException>(() => GongwenLayout.ChineseNumber(0));
    }

    [Fact]
    public void NumbersAndDates_ReadAsAGongwenWritesThem()
    {
        Assert.Equal("督办〔2026〕12号", GongwenLayout.DocumentNumber("督办", 2026, 12));
        Assert.Equal("2026年第3期", GongwenLayout.IssueNumber(2026, 3));
        Assert.Equal("2026年7月9日", GongwenLayout.Date(new DateOnly(2026, 7, 9)));
        Assert.Equal("— 12 —", GongwenLayout.PageNumber(12));
    }

    [Fact]
    public void Page_IsA4WithTheStandardMarginsAndA156MillimetreTypeArea()
    {
        Assert.Equal((11906, 16838), (GongwenLayout.PageWidth, GongwenLayout.PageHeight));
        Assert.Equal((2098, 1984, 1587, 1474), (GongwenLayout.MarginTop, GongwenLayout.MarginBottom, GongwenLayout.MarginLeft, GongwenLayout.MarginRight));
        Assert.InRange(GongwenLayout.TextWidth - GongwenLayout.Twips(156), -1, 1);
    }
}
