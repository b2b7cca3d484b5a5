using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

/// <summary>Issue 15: what the office is told before it confirms an import.</summary>
public class ImportPreviewTests
{
    private static readonly WorkingCalendar Calendar = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));

    private static readonly AssembledPlan Plan = TableColumnTests.Assemble(PlanTextParser.Parse("""
        2023年重点工作
        1.完成城区供水管网改造，3月底前完成。（县住建局牵头）
        2.建成城市书房三处，5月底前完成。（县文旅局牵头）
        3.开展安全生产检查，7月5日前完成。（县应急局牵头）
        4.完成高标准农田建设，10月底前完成。（县农业农村局牵头）
        """));

    [Fact]
    public void PlanImportedAfterSomeDeadlines_CountsOverdueMilestones_AndTheRemindersTheNextScanRecords()
    {
        var preview = ImportPreview.Of(Plan, new DateOnly(2023, 7, 3), Calendar, new SupervisionOptions(), reachable: null);

        Assert.Equal(2, preview.Overdue);
        Assert.Equal(new DateOnly(2023, 3, 31), preview.EarliestOverdue);
        Assert.Equal(1, preview.DueSoon);
        Assert.Equal((1, 2, 2), (preview.Level1, preview.Level2, preview.Level3));
        Assert.Empty(preview.UnreachableUnits);
        Assert.Equal(
            [
                "导入时已有2个时间节点逾期（最早 2023-03-31）：催办从今天开始，逾期天数仍从原定日期算起，下次扫描将一次记录2条催办、2条督办（督办同时发给责任领导）。如这些节点已完成，请导入后办结，或核对年度是否正确",
                "1个时间节点即将到期，下次扫描将记录1条提醒",
            ],
            preview.Warnings().Select(w => w.Message));
    }

    [Fact]
    public void PlanImportedBeforeAnyDeadline_SaysNothingAboutOverdue()
    {
        var preview = ImportPreview.Of(Plan, new DateOnly(2023, 1, 9), Calendar, new SupervisionOptions(), reachable: null);

        Assert.Equal(0, preview.Overdue);
        Assert.Empty(preview.Warnings());
    }

    [Fact]
    public void UnitsWithoutAContactOrRobot_AreNamedAsUnreachable()
    {
        var preview = ImportPreview.Of(Plan, new DateOnly(2023, 1, 9), Calendar, new SupervisionOptions(), new HashSet<string> { "县住建局", "县文旅局" });

        Assert.Equal(["县农业农村局", "县应急局"], preview.UnreachableUnits);
        Assert.Equal("2个单位在通讯录中没有联系人手机、邮箱或工作群机器人，提醒和催办无法送达：县农业农村局、县应急局。请先导入单位通讯录", Assert.Single(preview.Warnings()).Message);
    }
}
