using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class PlanTableParserTests
{
    // The contract takes IReadOnlyList<IReadOnlyList<string>>, which XLSX and CSV readers hand over.
    private static List<IReadOnlyList<string>> Rows(params string[][] rows) => [.. rows];

    [Fact]
    public void Parse_ReadsTasksUnderAChineseHeaderRow()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["2023年重点工作任务清单", "", "", "", "", ""],
            ["序号", "重点工作", "责任领导", "牵头单位", "责任单位", "完成时限"],
            ["1", "地区生产总值增长8%以上。", "杜新国", "区发改局", "区统计局、各乡镇", "2023年12月底"],
            ["2", "新建5G基站300个，实现城区全覆盖。", "洪声耀、陈浩", "区科经局、区数据局", "", "9月底前"]));

        Assert.Equal("2023年重点工作任务清单", doc.Title);
        Assert.Equal(2023, doc.Year);
        Assert.Equal(2, doc.Tasks.Count);
        var first = doc.Tasks[0];
        Assert.Equal("1", first.Code);
        Assert.Equal("地区生产总值增长8%以上", first.Title);
        Assert.Equal(["杜新国"], first.Leaders);
        Assert.Equal(["区发改局"], first.LeadUnits);
        Assert.Equal(["区统计局"], first.CoUnits);
        Assert.Equal(["各乡镇"], first.UnitGroups);
        Assert.Equal("2023年12月底", first.DeadlineText);
        Assert.Equal(["地区生产总值增长8%以上"], first.Targets);
        Assert.Equal(3, first.Line);
        var second = doc.Tasks[1];
        Assert.Equal(["洪声耀", "陈浩"], second.Leaders);
        Assert.Equal(["区科经局", "区数据局"], second.LeadUnits);
        Assert.Equal("9月底前", second.DeadlineText);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void Parse_IgnoresExtraColumns_AndReadsCoColumnsOfEveryName()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "任务来源", "任务内容", "牵头领导", "主办单位", "协办单位", "配合单位", "时间节点", "备注"],
            ["1", "政府工作报告", "办好旅游发展大会", "孙八", "区文旅局", "区商务局", "区公安局、各乡镇", "6月底前", "重点"]),
            firstLine: 10);

        var task = Assert.Single(doc.Tasks);
        Assert.Equal("办好旅游发展大会", task.Text);
        Assert.Equal(["孙八"], task.Leaders);
        Assert.Equal(["区文旅局"], task.LeadUnits);
        Assert.Equal(["区商务局", "区公安局"], task.CoUnits);
        Assert.Equal(["各乡镇"], task.UnitGroups);
        Assert.Equal("6月底前", task.DeadlineText);
        Assert.Equal(11, task.Line);
    }

    [Fact]
    public void Parse_MakesResponsibleUnitsLead_WhenTheTableHasNoLeadColumn()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "工作任务", "责任单位"],
            ["1", "做好防汛准备", "区水利局、区应急局"]));

        Assert.Equal(["区水利局", "区应急局"], Assert.Single(doc.Tasks).LeadUnits);
    }

    [Fact]
    public void Parse_ReadsAQianTouPatternInAUnitCell()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "工作任务", "责任单位"],
            ["1", "推进电网建设", "发改局牵头，国网公司配合"]));

        var task = Assert.Single(doc.Tasks);
        Assert.Equal(["发改局"], task.LeadUnits);
        Assert.Equal(["国网公司"], task.CoUnits);
    }

    [Fact]
    public void Parse_ReturnsNoTaskAndNamesTheColumn_WhenTheTaskColumnIsMissing()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "牵头单位", "完成时限"],
            ["1", "区发改局", "年底"]));

        Assert.Empty(doc.Tasks);
        var warning = Assert.Single(doc.Warnings);
        Assert.Contains("工作任务", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, warning.Line);
    }

    [Fact]
    public void Parse_ReturnsNoTaskAndAWarning_WhenNoRowIsAHeader()
    {
        var doc = PlanTableParser.Parse(Rows(["1", "推进工作", "区发改局"], ["2", "加强管理", "区财政局"]));

        Assert.Empty(doc.Tasks);
        Assert.Contains("工作任务", Assert.Single(doc.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsSectionRows_AndQualifiesRestartingNumbers()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "工作任务", "牵头单位"],
            ["一", "稳增长", ""],
            ["1", "扩大有效投资", "区发改局"],
            ["2", "促进消费", "区商务局"],
            ["二、优化营商环境", "", ""],
            ["1", "深化放管服改革", "区政务办"]));

        Assert.Equal(["1.1", "1.2", "2.1"], doc.Tasks.Select(task => task.Code));
        Assert.Equal(["一、稳增长"], doc.Tasks[0].SectionPath);
        Assert.Equal(["二、优化营商环境"], doc.Tasks[2].SectionPath);
    }

    [Fact]
    public void Parse_WarnsForRowsWithoutUnits()
    {
        var doc = PlanTableParser.Parse(Rows(["序号", "工作任务", "牵头单位"], ["1", "推进工作", ""]));

        Assert.True(Assert.Single(doc.Tasks).NoResponsibleUnit);
        Assert.Contains("未找到责任单位", Assert.Single(doc.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsMultiLineCellsAndSkipsEmptyRows()
    {
        var doc = PlanTableParser.Parse(Rows(
            ["序号", "工作任务", "牵头单位", "配合单位"],
            ["", "", "", ""],
            ["1", "**推进数字政府建设。**\r\n建成政务云平台。", "区数据局", "区财政局\n区发改局"]));

        var task = Assert.Single(doc.Tasks);
        Assert.Equal("推进数字政府建设。\n建成政务云平台。", task.Text);
        Assert.Equal("推进数字政府建设", task.Title);
        Assert.Equal(["区财政局", "区发改局"], task.CoUnits);
    }

    [Fact]
    public void Parse_NeverThrows_OnRaggedOrEmptyInput()
    {
        Assert.Empty(PlanTableParser.Parse([]).Tasks);

        var doc = PlanTableParser.Parse(Rows([], [""], ["序号", "工作任务", "牵头单位"], ["1"], ["2", "推进工作"]));

        Assert.Equal("推进工作", Assert.Single(doc.Tasks).Text);
        Assert.DoesNotContain(doc.Warnings, warning => warning.Message.Contains("表头", StringComparison.Ordinal));
    }
}
