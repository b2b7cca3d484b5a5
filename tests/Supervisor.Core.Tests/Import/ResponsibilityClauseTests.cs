using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class ResponsibilityClauseTests
{
    private static ParsedTask ParseOne(string text) => Assert.Single(PlanTextParser.Parse(text).Tasks);

    [Fact]
    public void Parse_ReadsLabelledClause_InFullWidthPunctuation()
    {
        var task = ParseOne("1．推进老旧小区改造。（责任领导：张三、李四；牵头单位：区住建局；责任单位：区财政局、区发改局，相关乡镇办）");

        Assert.Equal(["张三", "李四"], task.Leaders);
        Assert.Equal(["区住建局"], task.LeadUnits);
        Assert.Equal(["区财政局", "区发改局"], task.CoUnits);
        Assert.Equal(["相关乡镇办"], task.UnitGroups);
        Assert.Equal("推进老旧小区改造。", task.Text);
    }

    [Fact]
    public void Parse_ReadsLabelledClause_InHalfWidthPunctuation()
    {
        var task = ParseOne("1.推进老旧小区改造。(责任领导:张三;牵头单位:区住建局;责任单位:区财政局,区发改局)");

        Assert.Equal(["张三"], task.Leaders);
        Assert.Equal(["区住建局"], task.LeadUnits);
        Assert.Equal(["区财政局", "区发改局"], task.CoUnits);
        Assert.Equal("推进老旧小区改造。", task.Text);
    }

    [Fact]
    public void Parse_ReadsLabelledClause_InHexagonBrackets()
    {
        var task = ParseOne("1.优化招商政策。〔责任领导:王五;牵头单位:区招商中心;责任单位:区委人才办(区委组织部)、区财政局〕");

        Assert.Equal(["王五"], task.Leaders);
        Assert.Equal(["区招商中心"], task.LeadUnits);
        Assert.Equal(["区委人才办(区委组织部)", "区财政局"], task.CoUnits);
        Assert.Equal("优化招商政策。", task.Text);
    }

    [Fact]
    public void Parse_ReadsSquareBracketClause_AtLineEnd()
    {
        var task = ParseOne("1. 完善雨污分流管网体系。[责任单位:区住建局、区水务局]");

        Assert.Equal(["区住建局", "区水务局"], task.LeadUnits);
        Assert.Empty(task.CoUnits);
        Assert.Equal("完善雨污分流管网体系。", task.Text);
    }

    [Fact]
    public void Parse_SplitsLeadAndCoUnits_WhenClauseSaysQianTou()
    {
        var task = ParseOne("1. 发展夜间经济。（商务局牵头，发改局、市场监管局等负责）");

        Assert.Equal(["商务局"], task.LeadUnits);
        Assert.Equal(["发改局", "市场监管局"], task.CoUnits);
        Assert.Empty(task.Leaders);
        Assert.Equal("发展夜间经济。", task.Text);
    }

    [Fact]
    public void Parse_MakesEveryUnitLead_WhenClauseNamesNoLead()
    {
        var task = ParseOne("1. 发展夜间经济。(科工信局、市场监督管理局、高新区等负责)");

        Assert.Equal(["科工信局", "市场监督管理局", "高新区"], task.LeadUnits);
        Assert.Empty(task.CoUnits);
    }

    [Fact]
    public void Parse_ReadsQianTouAlone()
    {
        var task = ParseOne("1. 支持住房消费。（住建局牵头）");

        Assert.Equal(["住建局"], task.LeadUnits);
        Assert.Empty(task.CoUnits);
        Assert.Equal("支持住房消费。", task.Text);
    }

    [Fact]
    public void Parse_ReadsPeiHeAsCoUnits()
    {
        var task = ParseOne("1. 推进电网建设。（发改局牵头负责，国网公司配合）");

        Assert.Equal(["发改局"], task.LeadUnits);
        Assert.Equal(["国网公司"], task.CoUnits);
    }

    [Fact]
    public void Parse_RemovesMarkdownBoldFromTheClause()
    {
        var task = ParseOne("**7. 优化消费环境。**进一步优化网点布局。**(商务粮食局牵头，发改局、文明办等负责)**");

        Assert.Equal(["商务粮食局"], task.LeadUnits);
        Assert.Equal(["发改局", "文明办"], task.CoUnits);
        Assert.Equal("优化消费环境。进一步优化网点布局。", task.Text);
        Assert.Equal("优化消费环境", task.Title);
    }

    [Fact]
    public void Parse_ReadsLabelledLinesAfterTheItem()
    {
        var task = ParseOne("""
            1.推进数字经济发展，建成5G基站300个。
            牵头负责领导：赵六
            牵头单位：区科经局
            协同责任单位：区发改局、区数据局
            完成时限：2023年12月底
            """);

        Assert.Equal(["赵六"], task.Leaders);
        Assert.Equal(["区科经局"], task.LeadUnits);
        Assert.Equal(["区发改局", "区数据局"], task.CoUnits);
        Assert.Equal("2023年12月底", task.DeadlineText);
        Assert.Equal("推进数字经济发展，建成5G基站300个。", task.Text);
    }

    [Fact]
    public void Parse_ReadsALeadMarkInsideAUnitList()
    {
        var task = ParseOne("1.推进项目建设。（责任单位：区发改局（牵头）、区财政局、区住建局）");

        Assert.Equal(["区发改局"], task.LeadUnits);
        Assert.Equal(["区财政局", "区住建局"], task.CoUnits);
    }

    [Fact]
    public void Parse_MakesResponsibleUnitsLead_WhenNoLeadUnitIsNamed()
    {
        var task = ParseOne("""
            1.做好防汛准备。
            责任领导：钱七
            责任单位：区水利局、区应急局，各乡镇
            """);

        Assert.Equal(["钱七"], task.Leaders);
        Assert.Equal(["区水利局", "区应急局"], task.LeadUnits);
        Assert.Empty(task.CoUnits);
        Assert.Equal(["各乡镇"], task.UnitGroups);
    }

    [Fact]
    public void Parse_ReadsHostAndAssistingUnitLabels()
    {
        var task = ParseOne("""
            1.办好旅游发展大会。
            牵头领导：孙八  主办单位：区文旅局  协办单位：区商务局、区公安局
            """);

        Assert.Equal(["孙八"], task.Leaders);
        Assert.Equal(["区文旅局"], task.LeadUnits);
        Assert.Equal(["区商务局", "区公安局"], task.CoUnits);
    }

    [Fact]
    public void Parse_JoinsAClauseSplitAcrossBlankLines()
    {
        var task = ParseOne("1. 推动外贸扩规提质。实现跨境电商交易额800万美元。**(商务粮食局牵**\n\n头，发改局等负责)\n");

        Assert.Equal(["商务粮食局"], task.LeadUnits);
        Assert.Equal(["发改局"], task.CoUnits);
        Assert.Equal("推动外贸扩规提质。实现跨境电商交易额800万美元。", task.Text);
    }

    [Fact]
    public void Parse_JoinsALabelledClauseSplitAcrossLines()
    {
        var task = ParseOne("1.推进项目建设。（责任领导：张三；\n\n牵头单位：区发改局；责任单位：区财政局）");

        Assert.Equal(["张三"], task.Leaders);
        Assert.Equal(["区发改局"], task.LeadUnits);
        Assert.Equal(["区财政局"], task.CoUnits);
        Assert.Equal("推进项目建设。", task.Text);
    }

    [Fact]
    public void Parse_ReadsABareLabelledTailWithoutBrackets()
    {
        var task = ParseOne("1.推进项目建设。牵头单位：区发改局；责任单位：区财政局");

        Assert.Equal(["区发改局"], task.LeadUnits);
        Assert.Equal(["区财政局"], task.CoUnits);
        Assert.Equal("推进项目建设。", task.Text);
    }

    [Theory]
    [InlineData("1.稳步推进撤县设区（县级市）工作。", "稳步推进撤县设区（县级市）工作。")]
    [InlineData("1.印发《招商引资奖励办法（试行）》。", "印发《招商引资奖励办法（试行）》。")]
    [InlineData("1.规范因公出国（境）管理。", "规范因公出国（境）管理。")]
    [InlineData("1.办好中国（平江）休闲食品文化节。", "办好中国（平江）休闲食品文化节。")]
    [InlineData("1.强化水、电、气（汽）保障(含园区)。", "强化水、电、气（汽）保障(含园区)。")]
    public void Parse_KeepsParenthesesThatAreNotClauses(string line, string expectedText)
    {
        var task = ParseOne(line);

        Assert.Equal(expectedText, task.Text);
        Assert.True(task.NoResponsibleUnit);
    }

    [Fact]
    public void Parse_KeepsANonClauseParenthesisBeforeTheClause()
    {
        var task = ParseOne("1.办好中国（平江）休闲食品文化节。（文旅局牵头，商务局负责）");

        Assert.Equal("办好中国（平江）休闲食品文化节。", task.Text);
        Assert.Equal(["文旅局"], task.LeadUnits);
        Assert.Equal(["商务局"], task.CoUnits);
    }

    [Fact]
    public void Parse_KeepsAPatternParenthesisInsideASentence()
    {
        // "负责" at the end of a parenthesis in mid-sentence is an aside, not the task's clause.
        var task = ParseOne("1.落实河长制（各级河长负责）工作要求，完成整治任务。");

        Assert.Equal("落实河长制（各级河长负责）工作要求，完成整治任务。", task.Text);
        Assert.True(task.NoResponsibleUnit);
    }

    [Fact]
    public void Parse_ReportsTaskWithoutClause_AndInventsNoUnit()
    {
        var doc = PlanTextParser.Parse("1.加快发展旅游产业。\n2.推进乡村振兴。（农业农村局牵头）");

        Assert.Equal(2, doc.Tasks.Count);
        Assert.True(doc.Tasks[0].NoResponsibleUnit);
        Assert.False(doc.Tasks[1].NoResponsibleUnit);
        var warning = Assert.Single(doc.Warnings);
        Assert.Equal(1, warning.Line);
        Assert.Contains("第1项", warning.Message, StringComparison.Ordinal);
        Assert.Contains("未找到责任单位", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepsAPaddedTwoCharacterLeaderNameWhole()
    {
        var task = ParseOne("1.推进工作。（责任领导：王　伟、李四 赵六；牵头单位：区发改局）");

        Assert.Equal(["王伟", "李四", "赵六"], task.Leaders);
    }

    [Fact]
    public void Parse_NeverCountsLeadersAsUnits()
    {
        var task = ParseOne("1.推进工作。（责任领导：张三、李四）");

        Assert.Equal(["张三", "李四"], task.Leaders);
        Assert.True(task.NoResponsibleUnit);
    }
}
