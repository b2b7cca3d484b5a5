using Supervisor.Web.Pages;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The 作业 page's run summaries: stored as JSON with English keys, read by the office as Chinese pairs.</summary>
public sealed class JobSummaryTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public void ScanSummary_ReadsAsChineseLabelsInReadingOrder()
    {
        var pairs = JobsPage.SummaryPairs("""{"done": 0, "dueSoon": 2, "overdue": 70, "localDate": "2026-12-03", "workingDay": true, "remindersOwed": 138}""", Shanghai);
        Assert.Equal([("日期", "2026-12-03"), ("工作日", "是"), ("临期", "2"), ("逾期", "70"), ("已办结", "0"), ("新记应发提醒", "138")], pairs);
    }

    [Fact]
    public void SkippedRun_SaysTheRuleInChinese_NotTheRunnersEnglishSentence()
    {
        var pairs = JobsPage.SummaryPairs("""{"rule": "FirstWorkingDayOfWeek", "skipped": "2026-12-08 (Tuesday) is not the first working day of its week", "localDate": "2026-12-08"}""", Shanghai);
        Assert.Contains(("跳过原因", "不符合“每周首个工作日”"), pairs);
        Assert.Contains(("工作日规则", "每周首个工作日"), pairs);
        Assert.DoesNotContain(pairs, p => p.Value.Contains("Tuesday", StringComparison.Ordinal));
    }

    [Fact]
    public void InstantsAndWords_AreWrittenTheConsolesWay()
    {
        var pairs = JobsPage.SummaryPairs("""{"outcome": "draft awaiting release", "pausedAt": "2026-12-02T22:43:03.33+00:00", "dispatchJob": null}""", Shanghai);
        Assert.Contains(("结果", "草稿待签发"), pairs);
        Assert.Contains(("暂停时间", "2026-12-03 06:43:03"), pairs);
        Assert.Contains(("即时发送作业编号", "—"), pairs);
    }

    [Fact]
    public void NotJson_IsShownAsStored() => Assert.Equal([("摘要", "not json")], JobsPage.SummaryPairs("not json", Shanghai));
}
