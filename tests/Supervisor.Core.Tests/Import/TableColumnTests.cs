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

/// <summary>Issue 15: collective references against the unit directory.</summary>
public class CollectiveReferenceTests
{
    private static readonly Supervisor.Core.Units.DirectoryUnit[] Directory =
    [
        new("县农业农村局", []),
        new("城关镇", [], Supervisor.Core.Units.DirectoryUnit.Township),
        new("河口乡", [], Supervisor.Core.Units.DirectoryUnit.Township),
        new("东城街道", [], Supervisor.Core.Units.DirectoryUnit.Township),
    ];

    private const string Plan = """
        2024年乡村振兴重点任务
        1.推进农村人居环境整治。（县农业农村局牵头，各乡镇（街道）负责）
        2.开展高标准农田建设。（各乡镇负责）
        3.推进园区安全检查。（县应急局牵头，各开发区、园区负责）
        """;

    [Fact]
    public void TownshipGroup_ExpandsToTheDirectorysTownships_AsCoUnitsBesideALead_OrAsLeads()
    {
        var plan = TableColumnTests.Assemble(PlanTextParser.Parse(Plan), Directory);

        Assert.Equal(["县农业农村局"], plan.Tasks[0].LeadUnits);
        Assert.Equal(["东城街道", "城关镇", "河口乡"], plan.Tasks[0].CoUnits);
        Assert.Empty(plan.Tasks[0].UnitGroups);
        Assert.Equal(["东城街道", "城关镇", "河口乡"], plan.Tasks[1].LeadUnits);
        Assert.Contains("“各乡镇（街道）”按单位通讯录展开为3个乡镇（街道）单位（第1项）", plan.Warnings.Select(w => w.Message));
        Assert.Contains("“各乡镇”按单位通讯录展开为3个乡镇（街道）单位（第2项）", plan.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void GroupOfKindsTheDirectoryLacks_StaysOneCollectiveUnit_WithAWarningNamingTheKinds()
    {
        var plan = TableColumnTests.Assemble(PlanTextParser.Parse(Plan), Directory);

        Assert.Equal(["各开发区、园区"], plan.Tasks[2].UnitGroups);
        Assert.Empty(plan.Tasks[2].CoUnits);
        Assert.DoesNotContain(plan.Units, u => u.Name.StartsWith('各') || u.Name is "园区" or "开发区");
        Assert.Contains("“各开发区、园区”未能展开为具体单位：单位通讯录中没有“开发区”“园区”这类单位，保留为一个集体单位（第3项），请在通讯录中补充或手工指定", plan.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void WithoutTownshipsInTheDirectory_TheTownshipGroupStays_AndTheWarningSaysSo()
    {
        var plan = TableColumnTests.Assemble(PlanTextParser.Parse(Plan));

        Assert.Equal(["各乡镇（街道）"], plan.Tasks[0].UnitGroups);
        Assert.Contains("“各乡镇（街道）”未能展开为具体单位：单位通讯录中没有“乡镇”“街道”这类单位，保留为一个集体单位（第1项），请在通讯录中补充或手工指定", plan.Warnings.Select(w => w.Message));
    }
}
