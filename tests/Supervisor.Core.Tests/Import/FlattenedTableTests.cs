using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

/// <summary>Issue 15: tables that lost their grid — one cell per line or per paragraph — read as the table they were.</summary>
public class FlattenedTableTests
{
    private const string OneCellPerLine = """
        2024年城区重点工作任务分解表

        序号 |
        工作任务 |
        牵头领导 |
        责任单位 |
        时间节点 |
        1 |
        改造老旧小区十二个，完善水电气配套 |
        王建平 |
        县住建局 |
        10月底前 |
        2 |
        新建城市书房三处 |
        李红 |
        县文旅局 |
        6月底前 |
        3 |
        整治背街小巷二十条 |
        王建平 |
        县城管局 |
        年底前 |
        """;

    [Fact]
    public void OneCellPerLine_WithTrailingPipes_GivesOneTaskPerRow()
    {
        var doc = PlanTextParser.Parse(OneCellPerLine);

        Assert.Equal(["1", "2", "3"], doc.Tasks.Select(t => t.Code));
        Assert.Equal(["改造老旧小区十二个，完善水电气配套", "新建城市书房三处", "整治背街小巷二十条"], doc.Tasks.Select(t => t.Text));
        Assert.Equal(["王建平"], doc.Tasks[0].Leaders);
        Assert.Equal(["县住建局"], doc.Tasks[0].LeadUnits);
        Assert.Equal(["县文旅局"], doc.Tasks[1].LeadUnits);
        Assert.Equal(["10月底前", "6月底前", "年底前"], doc.Tasks.Select(t => t.DeadlineText));
        Assert.Equal(8, doc.Tasks[0].Line);
        Assert.Equal(2024, doc.Year);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void OneCellPerParagraph_WithBlankLinesBetween_GivesOneTaskPerRow()
    {
        var paragraphs = string.Join("\n\n", OneCellPerLine.Split('\n').Select(line => line.TrimEnd(' ', '|')));

        var doc = PlanTextParser.Parse(paragraphs);

        Assert.Equal(["1", "2", "3"], doc.Tasks.Select(t => t.Code));
        Assert.Equal(["县住建局", "县文旅局", "县城管局"], doc.Tasks.Select(t => t.LeadUnits.Single()));
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void RowWithAWrappedTaskCellAndARowMissingACell_ResynchroniseOnTheNextRowNumber()
    {
        var text = """
            序号
            工作任务
            牵头领导
            责任单位
            时间节点
            1
            改造老旧小区十二个，
            完善水电气配套
            王建平
            县住建局
            10月底前
            2
            新建城市书房三处
            县文旅局
            6月底前
            3
            整治背街小巷二十条
            王建平
            县城管局
            年底前
            """;

        var doc = PlanTextParser.Parse(text);

        Assert.Equal(["1", "2", "3"], doc.Tasks.Select(t => t.Code));
        Assert.Equal("改造老旧小区十二个，完善水电气配套", doc.Tasks[0].Text);
        Assert.Equal(["县住建局"], doc.Tasks[0].LeadUnits);
        Assert.Empty(doc.Tasks[1].Leaders);
        Assert.Equal(["县文旅局"], doc.Tasks[1].LeadUnits);
        Assert.Equal("6月底前", doc.Tasks[1].DeadlineText);
        Assert.Equal(["县城管局"], doc.Tasks[2].LeadUnits);
        Assert.Equal(2, doc.Warnings.Count);
        Assert.Contains(doc.Warnings, w => w.Line == 6 && w.Message == "表格第1行有6个单元格，表头有5列：已按序号重新对齐，请核对该行的单位和时限");
        Assert.Contains(doc.Warnings, w => w.Line == 12 && w.Message == "表格第2行有4个单元格，表头有5列：已按序号重新对齐，请核对该行的单位和时限");
    }

    [Fact]
    public void SectionRowsBetweenRows_BecomeSections_AndTextAfterTheTableIsNotARow()
    {
        var text = """
            序号
            重点工作
            责任单位
            完成时限
            一、城市建设
            1
            改造雨污管网八公里
            县住建局
            9月底前
            二、公共服务
            2
            新增普惠托位一百个
            县卫健局
            年底前
            各单位要高度重视，按时报送进展。
            """;

        var doc = PlanTextParser.Parse(text);

        Assert.Equal(2, doc.Tasks.Count);
        Assert.Equal(["一、城市建设"], doc.Tasks[0].SectionPath);
        Assert.Equal(["二、公共服务"], doc.Tasks[1].SectionPath);
        Assert.Equal("新增普惠托位一百个", doc.Tasks[1].Text);
        Assert.Equal("年底前", doc.Tasks[1].DeadlineText);
    }

    [Fact]
    public void TargetsTableWithoutNumbers_ReadsTwoColumnsAsTargetAndUnit()
    {
        var text = """
            2024年主要预期目标分解
            预期目标
            责任单位
            城镇新增就业1.2万人
            区人力社保局
            粮食产量稳定在23万吨
            区农业农村局
            """;

        var doc = PlanTextParser.Parse(text);

        Assert.Equal(2, doc.Tasks.Count);
        Assert.Equal("城镇新增就业1.2万人", doc.Tasks[0].Title);
        Assert.Equal(["区人力社保局"], doc.Tasks[0].LeadUnits);
        Assert.Equal(["区农业农村局"], doc.Tasks[1].LeadUnits);
        Assert.Equal(["城镇新增就业1.2万人"], doc.Tasks[0].Targets);
    }

    [Fact]
    public void ProseWithHeaderWordsOnTheirOwnLines_IsNotATable()
    {
        var text = """
            2024年工作方案
            1.推进重点项目建设。（县发改局牵头）
            工作任务
            2.优化营商环境。（县政务服务中心牵头）
            """;

        var doc = PlanTextParser.Parse(text);

        Assert.Equal(["县发改局", "县政务服务中心"], doc.Tasks.Select(t => t.LeadUnits.Single()));
    }
}
