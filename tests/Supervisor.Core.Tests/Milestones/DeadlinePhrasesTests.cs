using System.Globalization;
using Supervisor.Core.Milestones;

namespace Supervisor.Core.Tests.Milestones;

public sealed class DeadlinePhrasesTests
{
    private static DateOnly Date(string iso) => DateOnly.Parse(iso, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("6月底前完成项目验收", "2023-06-30", "6月底前")]
    [InlineData("确保6月底建成投产", "2023-06-30", "6月底")]
    [InlineData("6月前出台实施方案", "2023-06-30", "6月前")]
    [InlineData("6月份启动招标", "2023-06-30", "6月份")]
    [InlineData("项目一期8月实现开园", "2023-08-31", "8月")]
    [InlineData("6月中旬完成摸底", "2023-06-20", "6月中旬")]
    [InlineData("2月上旬前完成方案制定", "2023-02-10", "2月上旬前")]
    [InlineData("9月下旬完成", "2023-09-30", "9月下旬")]
    [InlineData("2月下旬完成", "2023-02-28", "2月下旬")]
    [InlineData("6月15日前报送材料", "2023-06-15", "6月15日前")]
    [InlineData("六月十五日前报送材料", "2023-06-15", "六月十五日前")]
    [InlineData("6月30日完成", "2023-06-30", "6月30日")]
    [InlineData("年底前全面完成", "2023-12-31", "年底前")]
    [InlineData("年内完成改造", "2023-12-31", "年内")]
    [InlineData("全年引进产业项目100个以上", "2023-12-31", "全年")]
    [InlineData("年底建成", "2023-12-31", "年底")]
    [InlineData("一季度完成备案", "2023-03-31", "一季度")]
    [InlineData("第一季度完成备案", "2023-03-31", "第一季度")]
    [InlineData("二季度末完成", "2023-06-30", "二季度末")]
    [InlineData("力争三季度开工", "2023-09-30", "三季度")]
    [InlineData("四季度完成验收", "2023-12-31", "四季度")]
    [InlineData("上半年完成", "2023-06-30", "上半年")]
    [InlineData("下半年启动", "2023-12-31", "下半年")]
    [InlineData("明年7月份建成", "2024-07-31", "明年7月份")]
    [InlineData("2024年10月底前完成", "2024-10-31", "2024年10月底前")]
    [InlineData("2024年底前建成", "2024-12-31", "2024年底前")]
    [InlineData("2024年完成全部改造", "2024-12-31", "2024年")]
    [InlineData("力争在三年内再造一个工业园区", "2025-12-31", "三年内")]
    [InlineData("5年内全覆盖", "2027-12-31", "5年内")]
    [InlineData("两年内建成", "2024-12-31", "两年内")]
    [InlineData("十二月底前完成", "2023-12-31", "十二月底前")]
    [InlineData("12月完成", "2023-12-31", "12月")]
    [InlineData("１２月底前完成", "2023-12-31", "１２月底前")]
    [InlineData("２０２４年３月底前完成", "2024-03-31", "２０２４年３月底前")]
    [InlineData("今年底前完成", "2023-12-31", "今年底前")]
    [InlineData("3月底至6月底开展专项行动", "2023-06-30", "6月底")] // a span ends on its deadline
    public void Scan_RecognisesThePhrase(string text, string expected, string phrase)
    {
        var scan = DeadlinePhrases.Scan(text, 2023);
        var hit = Assert.Single(scan.Hits);
        Assert.Equal(Date(expected), hit.Date);
        Assert.Equal(phrase, hit.Phrase);
        Assert.Equal(text.IndexOf(phrase, StringComparison.Ordinal), hit.Index);
    }

    [Theory]
    [InlineData("2023年全县经济社会发展的主要目标")]
    [InlineData("地区生产总值比2022年增长6.5%")]
    [InlineData("协同推进2022-2023年度27项工作要点")]
    [InlineData("确保2023年确定的重点任务全面完成")]
    [InlineData("截至去年底已建成")]
    [InlineData("2022年底前已完成改造")]
    [InlineData("1-5月份全县规模工业增加值")]
    [InlineData("自6月以来持续走高")]
    [InlineData("3个月内完成")]
    [InlineData("6月份以来")]
    [InlineData("3月起实施")]
    [InlineData("1月9日，县委经济工作会议召开")]
    public void Scan_FindsNoDeadline_InDatesThatAreNotDeadlines(string text)
    {
        Assert.Empty(DeadlinePhrases.Scan(text, 2023).Hits);
    }

    [Fact]
    public void Scan_ReturnsEveryPhraseInTextOrder()
    {
        var scan = DeadlinePhrases.Scan("①2月上旬前完成方案制定；②3月底前完成招标；③5月底前完成验收", 2023);
        Assert.Equal([Date("2023-02-10"), Date("2023-03-31"), Date("2023-05-31")], scan.Hits.Select(h => h.Date));
        Assert.False(scan.Ongoing);
    }

    [Theory]
    [InlineData("长期坚持绿色发展")]
    [InlineData("持续推进市场主体倍增工程")]
    [InlineData("常态化开展执法检查")]
    [InlineData("建立长期稳定的合作机制")]
    public void Scan_FlagsOngoingWork(string text)
    {
        var scan = DeadlinePhrases.Scan(text, 2023);
        Assert.True(scan.Ongoing);
        Assert.Empty(scan.Hits);
    }

    [Theory]
    [InlineData("力争长九铁路进入国家中长期铁路网规划")]
    [InlineData("长期以来制约发展的瓶颈")]
    public void Scan_DoesNotFlagOngoing_ForLongTermPlansOrHistory(string text)
    {
        Assert.False(DeadlinePhrases.Scan(text, 2023).Ongoing);
    }
}
