using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Import;
using Supervisor.Core.Milestones;
using Supervisor.Core.Units;

namespace Supervisor.Core.Tests.Import;

/// <summary>Issue 15: what the office sees from 进度安排, 完成时限, 预期目标 and 配合单位 columns.</summary>
public class TableColumnTests
{
    private static readonly WorkingCalendar Calendar = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));

    internal static AssembledPlan Assemble(ParsedDocument document, IReadOnlyCollection<DirectoryUnit>? directory = null) =>
        PlanAssembler.Assemble(document, document.Title ?? "方案", document.Year ?? 2023, directory ?? [], Calendar, new MilestoneOptions { ReportSchedule = ReportSchedule.None });

    private static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    [Fact]
    public void ProgressColumnWithCircledSteps_GivesOneMilestonePerStep_AndCoUnitsFromTheCoColumn()
    {
        var plan = Assemble(PlanTableParser.Parse(
        [
            ["2023年民生实事项目推进表"],
            ["序号", "项目名称", "牵头单位", "配合单位", "进度安排"],
            ["1", "建设县城智慧停车场", "县城管局", "县住建局、县公安局", "①4月底前，完成选址。②8月底前，主体完工。③11月底前，投入运营。"],
        ]));

        var task = plan.Tasks.Single();
        Assert.Equal("建设县城智慧停车场", task.Source.Title);
        Assert.Equal(["县城管局"], task.LeadUnits);
        Assert.Equal(["县住建局", "县公安局"], task.CoUnits);
        Assert.Equal("2023-11-30", Iso(task.Deadline));
        Assert.Equal([("2023-04-28", "完成选址"), ("2023-08-31", "主体完工"), ("2023-11-30", "完成：投入运营")],
            task.Milestones.Select(m => (Iso(m.Due), m.Title)));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void DeadlineColumnOfWholeYearAndOngoing_GivesYearEnd_WithOneWarningPerWording()
    {
        var plan = Assemble(PlanTableParser.Parse(
        [
            ["序号", "工作任务", "责任单位", "完成时限"],
            ["1", "抓好安全生产", "县应急局", "全年"],
            ["2", "巩固文明城市创建成果", "县文明办", "长期"],
            ["3", "推进河湖长制", "县水利局", "持续推进"],
            ["4", "开展消防检查", "县消防大队", "全年"],
            ["5", "完成城区绿化", "县园林中心", "年底前"],
        ], firstLine: 1) with { Year = 2024 });

        Assert.All(plan.Tasks, t => Assert.Equal("2024-12-31", Iso(t.Deadline)));
        Assert.Equal(
            [
                "完成时限写作“全年”的2项任务（第1、4项）按年底（2024年12月31日）跟踪：该日期是约定而非文件所写，请核对",
                "完成时限写作“长期”的1项任务（第2项）按年底（2024年12月31日）跟踪：该日期是约定而非文件所写，请核对",
                "完成时限写作“持续推进”的1项任务（第3项）按年底（2024年12月31日）跟踪：该日期是约定而非文件所写，请核对",
            ],
            plan.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void TargetColumnBesideATaskColumn_IsTheTitle_AndTheTaskTheText()
    {
        var doc = PlanTableParser.Parse(
        [
            ["序号", "预期目标", "工作任务", "责任单位", "完成时限"],
            ["1", "城镇新增就业1.2万人", "实施就业优先政策，开展技能培训五千人次。", "县人社局", "年底前"],
        ]);

        var task = doc.Tasks.Single();
        Assert.Equal("城镇新增就业1.2万人", task.Title);
        Assert.Equal("实施就业优先政策，开展技能培训五千人次。", task.Text);
        Assert.Equal(["县人社局"], task.LeadUnits);
        Assert.Contains("城镇新增就业1.2万人", task.Targets);
    }

    [Fact]
    public void FlattenedProgressTable_InText_GivesStepsAsMilestones()
    {
        var plan = Assemble(PlanTextParser.Parse("""
            2023年重点项目推进计划
            序号 |
            项目名称 |
            牵头单位 |
            配合单位 |
            进度安排 |
            1 |
            建设县城智慧停车场 |
            县城管局 |
            县住建局 |
            ①4月底前，完成选址。②8月底前，主体完工。③11月底前，投入运营。 |
            """));

        var task = plan.Tasks.Single();
        Assert.Equal(["县住建局"], task.CoUnits);
        Assert.Equal(3, task.Milestones.Count);
        Assert.Equal("2023-11-30", Iso(task.Deadline));
    }
}
