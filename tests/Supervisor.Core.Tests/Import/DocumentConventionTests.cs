using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

/// <summary>Issue 15: what a document declares once — first-listed lead, leads in headings, open-ended lists, collective references.</summary>
public class DocumentConventionTests
{
    [Fact]
    public void FirstListedUnitLeads_OnceDeclared_ForEveryLaterClause_WithAWarningTheOfficeSees()
    {
        var doc = PlanTextParser.Parse("""
            2024年优化营商环境重点任务分工方案
            各项任务中排在第一位的部门为牵头部门，其他部门按职责分工负责，下同。
            1.压缩企业开办时间至1个工作日以内。（县市场监管局、县政务服务中心、县税务局负责）
            2.推行工程建设项目审批“一网通办”。（县住建局负责）
            3.清理拖欠企业账款。（县财政局牵头，县工信局负责）
            """);

        Assert.Equal(["县市场监管局"], doc.Tasks[0].LeadUnits);
        Assert.Equal(["县政务服务中心", "县税务局"], doc.Tasks[0].CoUnits);
        Assert.Equal(["县住建局"], doc.Tasks[1].LeadUnits);
        Assert.Equal(["县财政局"], doc.Tasks[2].LeadUnits);
        Assert.Equal(["县工信局"], doc.Tasks[2].CoUnits);
        var warning = Assert.Single(doc.Warnings);
        Assert.Equal(2, warning.Line);
        Assert.Equal("按文件约定“排在第一位的为牵头单位”，1项任务（第1项）所列的第一个单位定为牵头单位，其余为配合单位", warning.Message);
    }

    [Fact]
    public void WithoutTheDeclaration_EveryUnitOfAPlainListLeads()
    {
        var doc = PlanTextParser.Parse("""
            2024年重点任务
            1.压缩企业开办时间。（县市场监管局、县政务服务中心、县税务局负责）
            """);

        Assert.Equal(["县市场监管局", "县政务服务中心", "县税务局"], doc.Tasks[0].LeadUnits);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void LeadNamedInASectionHeading_IsInheritedByItemsWithoutUnits_NotByItemsNamingTheirOwn()
    {
        var doc = PlanTextParser.Parse("""
            2024年县政府重点工作分工
            三、县住建局牵头工作（3项）
            1.完成老旧小区改造12个。
            2.新建城市公园2处。
            3.推进海绵城市建设。（县水利局负责）
            （一）县发改局牵头
            4.争取中央预算内投资5亿元。
            """);

        Assert.Equal(["县住建局"], doc.Tasks[0].LeadUnits);
        Assert.Equal(["县住建局"], doc.Tasks[1].LeadUnits);
        Assert.Equal(["县水利局"], doc.Tasks[2].LeadUnits);
        Assert.Equal(["县发改局"], doc.Tasks[3].LeadUnits);
        Assert.Equal(["三、县住建局牵头工作（3项）", "（一）县发改局牵头"], doc.Tasks[3].SectionPath);
        Assert.Equal(
            [
                "“三、县住建局牵头工作（3项）”下的2项任务（第1、2项）未写责任单位，按标题定为县住建局牵头",
                "“（一）县发改局牵头”下的1项任务（第4项）未写责任单位，按标题定为县发改局牵头",
            ],
            doc.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void LeadInAHeadingClause_IsInherited()
    {
        var doc = PlanTextParser.Parse("""
            2024年工作方案
            （一）激发消费潜力（县商务局牵头）
            1.举办汽车消费节两场。
            """);

        Assert.Equal(["县商务局"], doc.Tasks[0].LeadUnits);
    }

    [Theory]
    [InlineData("（县发改局、县财政局等有关部门负责）")]
    [InlineData("（县发改局、县财政局等相关单位负责）")]
    [InlineData("（县发改局、县财政局等单位负责）")]
    public void OpenEndedList_KeepsTheNamedUnits_NoUnitNamedForTheRest_AndWarns(string clause)
    {
        var doc = PlanTextParser.Parse("2024年重点任务\n1.推进项目建设。" + clause + "\n");

        var task = doc.Tasks.Single();
        Assert.Equal(["县发改局", "县财政局"], task.LeadUnits);
        Assert.Empty(task.UnitGroups);
        Assert.Equal("1项任务（第1项）的单位名单以“等有关部门”“等相关单位”之类结尾：名单未列全，只导入了写明的单位，请核对是否需要补充", Assert.Single(doc.Warnings).Message);
    }

    [Theory]
    [InlineData("各市、县级市", "各市、县级市")]
    [InlineData("各县、自治县", "各县、自治县")]
    [InlineData("各开发区、园区", "各开发区、园区")]
    [InlineData("各县市区、管委会", "各县市区、管委会")]
    [InlineData("各街道、社区居委会", "各街道、社区居委会")]
    [InlineData("各旗、县（市、区）", "各旗、县（市、区）")]
    [InlineData("各县（市、区）人民政府", "各县（市、区）人民政府")]
    [InlineData("区直各部门", "区直各部门")]
    [InlineData("各有关单位", "各有关单位")]
    [InlineData("各县、市、区政府", "各县、市、区政府")]
    public void CollectiveReference_IsOneGroup_AndNoUnit(string phrase, string group)
    {
        var list = UnitListParser.Parse("县发改局、" + phrase);

        Assert.Equal(["县发改局"], list.Units);
        Assert.Equal([group], list.Groups);
    }

    [Theory]
    [InlineData("县级市")]
    [InlineData("自治县")]
    [InlineData("民族乡")]
    [InlineData("园区")]
    [InlineData("管委会")]
    [InlineData("社区居委会")]
    public void DivisionTypeWordAlone_IsNeverAUnit(string word)
    {
        var list = UnitListParser.Parse("县发改局、" + word);

        Assert.Equal(["县发改局"], list.Units);
    }

    [Fact]
    public void CollectiveReferenceInAClause_OnEveryTask_GivesTheGroupAndTheLead()
    {
        var doc = PlanTextParser.Parse("""
            2024年重点任务
            1.推进农村人居环境整治。（州农业农村局牵头，各县、自治县负责）
            2.开展园区安全检查。（州应急局牵头，各开发区、园区负责）
            """);

        Assert.Equal(["州农业农村局"], doc.Tasks[0].LeadUnits);
        Assert.Empty(doc.Tasks[0].CoUnits);
        Assert.Equal(["各县、自治县"], doc.Tasks[0].UnitGroups);
        Assert.Equal(["各开发区、园区"], doc.Tasks[1].UnitGroups);
        Assert.Empty(doc.Tasks[1].CoUnits);
    }
}
