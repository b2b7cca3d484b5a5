using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class SeedDocumentTests
{
    private static ParsedTask Task(ParsedDocument doc, string code) => doc.Tasks.Single(task => task.Code == code);

    [Fact]
    public void Parse_Seed003_ReadsTwentyOneNumberedItemsWithRunningCodes()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("003"));

        Assert.Equal(21, doc.Tasks.Count);
        Assert.Equal(Enumerable.Range(1, 21).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), doc.Tasks.Select(task => task.Code));
        Assert.Equal("2023年区《政府工作报告》确定的重点工作任务责任分解方案", doc.Title);
        Assert.Equal(2023, doc.Year);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void Parse_Seed003_Item12HasLeaderLeadCoUnitsAndGroup()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("003")), "12");

        Assert.Equal(["洪声耀"], item.Leaders);
        Assert.Equal(["区交通运输局"], item.LeadUnits);
        Assert.Equal(["区发改局", "区自然资源和规划局", "区林业局", "区经发集团"], item.CoUnits);
        Assert.Equal(["相关乡镇办"], item.UnitGroups);
        Assert.Equal(["二、2023年七个方面主要工作安排", "（一）坚定不移做强增长引擎", "加强基础设施建设"], item.SectionPath);
        Assert.Equal("加强基础设施建设", item.SectionPath[^1]);
        Assert.Equal("启动南外环高速公路、全域公交项目建设", item.Title);
        Assert.StartsWith("启动南外环高速公路、全域公交项目建设,推进s356", item.Text, StringComparison.Ordinal);
        Assert.EndsWith("公路建成通车。", item.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("责任领导", item.Text, StringComparison.Ordinal);
        Assert.Equal(33, item.Line);
    }

    [Fact]
    public void Parse_Seed003_Item7HasTwoLeadersAndTwoLeadUnits()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("003")), "7");

        Assert.Equal(["杜新国", "丁玲"], item.Leaders);
        Assert.Equal(["区发改局", "区农业农村局"], item.LeadUnits);
        Assert.Empty(item.CoUnits);
        Assert.Equal("城乡居民收入增长与经济增长基本同步", item.Title);
        Assert.Equal(["一、2023年全区经济社会发展主要预期目标"], item.SectionPath);
    }

    [Fact]
    public void Parse_Seed003_ReadsTargetsOfTheExpectedGoals()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("003"));

        Assert.Equal(["地区生产总值增长8%以上"], Task(doc, "1").Targets);
        Assert.Equal(["城镇登记失业率控制在4.5%以内"], Task(doc, "8").Targets);
        Assert.Equal(["粮食产量稳定在23万吨"], Task(doc, "9").Targets);
        Assert.Equal(["力争全年新签约项目不少于100个", "其中投资10亿元以上项目不少于4个"], Task(doc, "18").Targets);
        Assert.Empty(Task(doc, "12").Targets);
    }

    [Fact]
    public void Parse_Seed003_SplitsUnitsBeforeDengFromTheGroupAfterIt()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("003"));

        var item13 = Task(doc, "13");
        Assert.Equal(["区发改局", "区水利和湖泊局"], item13.LeadUnits);
        Assert.Equal(["汀泗桥镇", "向阳湖镇"], item13.CoUnits);
        Assert.Equal(["相关乡镇办场"], item13.UnitGroups);

        var item18 = Task(doc, "18");
        Assert.Equal(["区委人才办(区委组织部)", "区发改局", "区科经局", "咸安经济开发区", "咸安商贸物流区"], item18.CoUnits);
        Assert.Equal(["区直相关部门", "各乡镇办场"], item18.UnitGroups);
    }

    [Fact]
    public void Parse_Seed003_ReadsHexagonBracketClausesAndLeaderGroups()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("003"));

        var item16 = Task(doc, "16");
        Assert.Equal(["程文敏", "洪声耀"], item16.Leaders);
        Assert.Equal(["区招商和投资促进中心", "区林业局"], item16.LeadUnits);
        Assert.Empty(item16.CoUnits);
        Assert.Equal(["区竹产业发展领导小组成员单位", "区桂花产业发展领导小组成员单位"], item16.UnitGroups);

        var item20 = Task(doc, "20");
        Assert.Equal(["区项目办(区发改局)"], item20.LeadUnits);
        Assert.DoesNotContain("〔", item20.Text, StringComparison.Ordinal);
        Assert.EndsWith("再生资源示范基地。", item20.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Seed003_LastItemDoesNotTakeTheWebPageFooter()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("003")), "21");

        Assert.Equal("擦亮向阳湖兴兴奶业、贺胜鸡汤、向阳湖莲子等特色农业品牌。", item.Text);
        Assert.Equal(["区市场监管局", "向阳湖奶牛场", "贺胜桥镇", "向阳湖镇"], item.CoUnits);
        Assert.Equal(["二、2023年七个方面主要工作安排", "（二）坚定不移壮大产业支撑", "加快推进农业产业化"], item.SectionPath);
    }

    [Fact]
    public void Parse_Seed001_ReadsThirtyTasksInSixSectionsUnderWorkTasks()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("001"));

        Assert.Equal(30, doc.Tasks.Count);
        Assert.All(doc.Tasks, task => Assert.Equal("二、工作任务", task.SectionPath[0]));
        Assert.Equal(
            ["（一）激发释放消费潜力", "（二）着力扩大有效投资", "（三）推进高水平对外开放", "（四）培育壮大产业动能", "（五）增强区域发展动能", "（六）强化发展要素保障"],
            doc.Tasks.Select(task => task.SectionPath[1]).Distinct());
        Assert.Equal([7, 5, 2, 7, 4, 5], doc.Tasks.GroupBy(task => task.SectionPath[1]).Select(group => group.Count()));
        Assert.All(doc.Tasks, task => Assert.NotEmpty(task.LeadUnits));
        Assert.Empty(doc.Warnings);
        Assert.Equal("打好经济增长主动仗工作方案", doc.Title);
    }

    [Fact]
    public void Parse_Seed001_QualifiesRestartingItemNumbersBySection()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("001"));

        Assert.Equal(30, doc.Tasks.Select(task => task.Code).Distinct().Count());
        Assert.Equal(["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1"], doc.Tasks.Take(8).Select(task => task.Code));
        Assert.Equal("6.5", doc.Tasks[^1].Code);
    }

    [Fact]
    public void Parse_Seed001_JoinsTheClauseSplitAcrossAPageBreak()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("001")), "3.1");

        Assert.Equal("推动外贸扩规提质", item.Title);
        Assert.Equal(["商务粮食局"], item.LeadUnits);
        Assert.Equal(["发改局"], item.CoUnits);
        Assert.EndsWith("实现跨境电商交易额800万美元。", item.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("牵", item.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Seed001_ReadsTwoLeadUnitsBeforeQianTou()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("001")), "3.2");

        Assert.Equal(["贸促会", "商务粮食局"], item.LeadUnits);
        Assert.Equal(["发改局"], item.CoUnits);
        Assert.Equal("实现利用外资新突破", item.Title);
    }

    [Fact]
    public void Parse_Seed001_KeepsTheSecondParagraphAndTheClauseOfItemFourSix()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("001")), "4.6");

        var paragraphs = item.Text.Split('\n');
        Assert.Equal(2, paragraphs.Length);
        Assert.StartsWith("推动现代农业发展。确保粮食播种面积稳定在102万亩以上", paragraphs[0], StringComparison.Ordinal);
        Assert.Equal("抓好“一特二辅”产业绿色发展，用好用活财政整合资金，完善联农带农机制，持续推进巩固脱贫攻坚成果同乡村振兴有效衔接工作。", paragraphs[1]);
        Assert.Equal(["农业农村局"], item.LeadUnits);
        Assert.Equal(["乡村振兴局"], item.CoUnits);
    }

    [Fact]
    public void Parse_Seed001_KeepsZhongGuoPingJiangAndJoinsTheLineCutAfterIt()
    {
        var item = Task(PlanTextParser.Parse(SeedFiles.Seed("001")), "1.1");

        Assert.Contains("争取举办第三届中国（平江）休闲食品文化节、中国平江福寿山锦鲤池扬节。", item.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", item.Text, StringComparison.Ordinal);
        Assert.Equal(["科工信局", "市场监督管理局", "高新区", "文旅广体局", "商务粮食局"], item.LeadUnits);
        Assert.Empty(item.CoUnits);
    }

    [Fact]
    public void Parse_Seed001_TakesTheBoldLeadSentenceAsTitle()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("001"));

        Assert.Equal("支持刚性和改善性住房消费", Task(doc, "1.2").Title);
        Assert.Equal("引进培育商贸企业", Task(doc, "1.6").Title);
        Assert.StartsWith("引进培育商贸企业。大力吸引", Task(doc, "1.6").Text, StringComparison.Ordinal);
        Assert.Equal("纵深推进财源建设工程", Task(doc, "4.7").Title);
    }

    [Fact]
    public void Parse_Seed001_KeepsParenthesesThatAreNotClauses()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("001"));

        Assert.Contains("若干措施(试行)", Task(doc, "1.2").Text, StringComparison.Ordinal);
        Assert.Contains("G536丁家垅至天岳公路（平益高速城关连接线）", Task(doc, "2.3").Text, StringComparison.Ordinal);
        Assert.Contains("确保园区（含华电平江电厂）完成税收7.5亿元以上。", Task(doc, "4.4").Text, StringComparison.Ordinal);
        Assert.Equal(["发改局"], Task(doc, "4.4").LeadUnits);
        Assert.Equal(["高新区"], Task(doc, "4.4").CoUnits);
    }

    [Fact]
    public void Parse_Seed001_JoinsOtherSentencesCutByPageBreaks()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("001"));

        Assert.Contains("落实“电子商务强主体”工程，大力发展直播电商。", Task(doc, "1.5").Text, StringComparison.Ordinal);
        Assert.Contains("华电平江电厂二期项目拿到煤电指标", Task(doc, "2.1").Text, StringComparison.Ordinal);
        Assert.Contains("建设35KV冬塔变", Task(doc, "6.4").Text, StringComparison.Ordinal);
        Assert.Equal(["发改局"], Task(doc, "6.4").LeadUnits);
        Assert.Equal(["国网公司"], Task(doc, "6.4").CoUnits);
    }

    [Fact]
    public void Parse_Seed000_ReadsSixTasksWithoutInventingUnits()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("000"));

        Assert.Equal(6, doc.Tasks.Count);
        Assert.All(doc.Tasks, AssertNoUnits);
        Assert.Equal(6, doc.Warnings.Count);
        Assert.All(doc.Warnings, warning => Assert.Contains("未找到责任单位", warning.Message, StringComparison.Ordinal));
        Assert.Equal("平江县发改局2023年国民经济和社会发展的主要目标和任务", doc.Title);
        Assert.Equal(2023, doc.Year);
        Assert.Equal("聚焦项目建设,不断激活投资动力", doc.Tasks[0].Title);
        Assert.Contains("力争引进产业项目100个以上", doc.Tasks[1].Targets);
    }

    [Fact]
    public void Parse_Seed002_ReadsOneTaskWithItsParagraphsButNotTheFooter()
    {
        var doc = PlanTextParser.Parse(SeedFiles.Seed("002"));

        var task = Assert.Single(doc.Tasks);
        AssertNoUnits(task);
        Assert.Single(doc.Warnings);
        Assert.Equal("坚定不移壮大实体经济", task.Title);
        Assert.Equal(["二、2023年工作安排"], task.SectionPath);
        Assert.Contains("攻坚“五好”园区建设。", task.Text, StringComparison.Ordinal);
        Assert.Contains("坚持科技创新引领。", task.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("本文", task.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("围绕上述要求和目标", task.Text, StringComparison.Ordinal);
        Assert.Contains("规模工业增加值增长10%以上", task.Targets);
        Assert.Equal(2023, doc.Year);
    }

    [Fact]
    public void Parse_Seed004_TakesTheSixBracketedTasks_AndNotLastYearsAchievements()
    {
        // The article numbers its 2023 points 【大事一】…【大事六】 (each with 思路/任务 labels) after a review of 2022 in
        // 【动能一】…【动能七】 (achievements, no 任务 label). Only the first group is this year's task list.
        var doc = PlanTextParser.Parse(SeedFiles.Seed("004"));

        Assert.Equal(6, doc.Tasks.Count);
        Assert.Equal("以制造业兴县带动产业发展实现新突破", doc.Tasks[0].Title);
        Assert.Contains("8月实现开园", doc.Tasks[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(doc.Tasks, t => t.Text.Contains("项目建设“进”的力度在加大", StringComparison.Ordinal));
        Assert.All(doc.Tasks, AssertNoUnits);
        Assert.Equal(6, doc.Warnings.Count);
        Assert.Equal("迎难而上,加快建设“五兴六强”现代化新衡山", doc.Title);
        Assert.Equal(2023, doc.Year);
    }

    private static void AssertNoUnits(ParsedTask task)
    {
        Assert.True(task.NoResponsibleUnit);
        Assert.Empty(task.LeadUnits);
        Assert.Empty(task.CoUnits);
        Assert.Empty(task.UnitGroups);
        Assert.Empty(task.Leaders);
    }
}
