using System.Globalization;
using System.Text;
using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class PlanTextParserTests
{
    [Fact]
    public void Parse_ReadsItemNumberBeforeAMonth_NotAsADecimal()
    {
        var doc = PlanTextParser.Parse("4.粮食稳产。(牵头单位:区农业农村局)\n\n5.3月底前完成项目清单编制。(牵头单位:区发改局)\n\n6.增长5.3%以上。(牵头单位:区统计局)\n");

        Assert.Equal(["4", "5", "6"], doc.Tasks.Select(t => t.Code));
        Assert.StartsWith("3月底前", doc.Tasks[1].Text, StringComparison.Ordinal);
        Assert.Contains("增长5.3%以上", doc.Tasks[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TaskThatIsOnlyDatedSteps_IsTitledByWhatItsFirstStepDoes_NotByTheStepWithItsMarkerAndDate()
    {
        // demo/plan-2026.txt, item 17, as the office wrote it: no title before the steps.
        var doc = PlanTextParser.Parse("17.①2月上旬前完成冬春农田水利建设方案；②5月底前完成项目建设；③11月25日前完成竣工验收。(责任领导:李明华;牵头单位:县农业农村局;责任单位:县财政局)\n\n18.①4月底前，完成选址。(牵头单位:县城管局)\n\n19.推进城区道路改造，年底前完成。(牵头单位:县住建局)\n");

        Assert.Equal("完成冬春农田水利建设方案等3项工作", doc.Tasks[0].Title);
        Assert.StartsWith("①2月上旬前完成冬春农田水利建设方案；②", doc.Tasks[0].Text, StringComparison.Ordinal);
        Assert.Equal("完成选址", doc.Tasks[1].Title);
        Assert.Equal("推进城区道路改造，年底前完成", doc.Tasks[2].Title);
    }

    [Theory]
    [InlineData("①一季度完成实施方案制定；②年底前全面推开。", "完成实施方案制定等2项工作")]
    [InlineData("①完成选址；②开工建设。", "完成选址等2项工作")]
    [InlineData("①2026年6月30日前建成投用。", "建成投用")]
    [InlineData("①力争3月底前，完成招标；②9月底前完工；③年底前验收。", "完成招标等3项工作")]
    public void TaskTitle_OfAStepList_IsTheFirstStepsActionAndTheStepCount(string text, string title)
    {
        Assert.Equal(title, TaskTitle.Of(text));
    }

    [Fact]
    public void Parse_BuildsSectionPathsFromAllHeadingLevels()
    {
        var doc = PlanTextParser.Parse("""
            2024年重点工作任务分解方案
            一、稳增长
            （一）扩大有效投资
            加快重大项目建设
            1.推进产业园建设。（区发改局牵头）
            (二)促进消费
            2、办好消费节。（区商务局牵头）
            二、优化营商环境
            3．深化放管服改革。（区政务办牵头）
            """);

        Assert.Equal(["1", "2", "3"], doc.Tasks.Select(task => task.Code));
        Assert.Equal(["一、稳增长", "（一）扩大有效投资", "加快重大项目建设"], doc.Tasks[0].SectionPath);
        Assert.Equal(["一、稳增长", "（二）促进消费"], doc.Tasks[1].SectionPath);
        Assert.Equal(["二、优化营商环境"], doc.Tasks[2].SectionPath);
        Assert.Equal("2024年重点工作任务分解方案", doc.Title);
        Assert.Equal(2024, doc.Year);
    }

    [Fact]
    public void Parse_QualifiesCodesByNearestNumberedSection_WhenNumbersRestart()
    {
        var doc = PlanTextParser.Parse("""
            一、稳增长
            加快项目建设
            1.推进产业园建设。（区发改局牵头）
            2.推进物流园建设。（区商务局牵头）
            二、惠民生
            1.新建学校3所。（区教育局牵头）
            """);

        Assert.Equal(["1.1", "1.2", "2.1"], doc.Tasks.Select(task => task.Code));
    }

    [Fact]
    public void Parse_QualifiesByTheWholeNumberedPath_WhenSectionNumbersAlsoRepeat()
    {
        var doc = PlanTextParser.Parse("""
            一、稳增长
            （一）投资
            1.推进产业园建设。（区发改局牵头）
            二、惠民生
            （一）教育
            1.新建学校3所。（区教育局牵头）
            """);

        Assert.Equal(["1.1.1", "2.1.1"], doc.Tasks.Select(task => task.Code));
    }

    [Fact]
    public void Parse_KeepsCodesUnique_WhenNumbersRepeatWithoutSections()
    {
        var doc = PlanTextParser.Parse("1.甲。（A局负责）\n2.乙。（B局负责）\n1.丙。（C局负责）");

        Assert.Equal(["1", "2", "1-2"], doc.Tasks.Select(task => task.Code));
    }

    [Fact]
    public void Parse_KeepsSubItemsInTheTaskText()
    {
        var doc = PlanTextParser.Parse("""
            1.推进城市更新。
            （1）改造老旧小区20个；
            （2）新建停车位1000个。
            （区住建局牵头，区城管局负责）
            2.推进乡村振兴。（区农业农村局牵头）
            """);

        Assert.Equal(2, doc.Tasks.Count);
        var task = doc.Tasks[0];
        Assert.Equal("推进城市更新。\n（1）改造老旧小区20个；\n（2）新建停车位1000个。", task.Text);
        Assert.Equal(["区住建局"], task.LeadUnits);
        Assert.Equal(["区城管局"], task.CoUnits);
        Assert.Equal(["（1）改造老旧小区20个", "（2）新建停车位1000个"], task.Targets);
    }

    [Fact]
    public void Parse_KeepsSubItemsThatFollowTheClause()
    {
        var task = Assert.Single(PlanTextParser.Parse("1.推进城市更新。（区住建局牵头）\n（1）改造老旧小区20个；\n（2）新建停车位1000个。").Tasks);

        Assert.Equal("推进城市更新。\n（1）改造老旧小区20个；\n（2）新建停车位1000个。", task.Text);
        Assert.Equal(["区住建局"], task.LeadUnits);
    }

    [Fact]
    public void Parse_TakesSubItemsAsTasks_WhenTheDocumentHasNoNumberedItems()
    {
        var doc = PlanTextParser.Parse("""
            一、重点任务
            （1）改造老旧小区20个。（区住建局牵头）
            （2）新建停车位1000个。（区城管局牵头）
            """);

        Assert.Equal(["1", "2"], doc.Tasks.Select(task => task.Code));
        Assert.Equal(["区城管局"], doc.Tasks[1].LeadUnits);
        Assert.Equal(["一、重点任务"], doc.Tasks[1].SectionPath);
    }

    [Fact]
    public void Parse_TakesChapterHeadingsAsTasks_WhenOnlyTheyCarryClauses()
    {
        var doc = PlanTextParser.Parse("""
            一、稳增长
            （一）扩大有效投资。完成投资100亿元。（区发改局牵头，区财政局负责）
            （二）促进消费。
            （1）办好消费节；
            （2）发放消费券。
            牵头单位：区商务局
            二、惠民生
            （一）新建学校3所。（区教育局牵头）
            """);

        Assert.Equal(["1.1", "1.2", "2.1"], doc.Tasks.Select(task => task.Code));
        Assert.Equal(["一、稳增长"], doc.Tasks[0].SectionPath);
        Assert.Equal("扩大有效投资", doc.Tasks[0].Title);
        Assert.Equal(["区商务局"], doc.Tasks[1].LeadUnits);
        Assert.Equal("促进消费。\n（1）办好消费节；\n（2）发放消费券。", doc.Tasks[1].Text);
    }

    [Fact]
    public void Parse_StartsAnItemFromANumberAloneOnItsLine()
    {
        var task = Assert.Single(PlanTextParser.Parse("3.\n推进产业园建设。（区发改局牵头）").Tasks);

        Assert.Equal("3", task.Code);
        Assert.Equal("推进产业园建设。", task.Text);
    }

    [Fact]
    public void Parse_SkipsWebBoilerplateAndPhotoCaptions()
    {
        var doc = PlanTextParser.Parse("""
            当前位置: 首页 > 发改局 > 发展规划
            2023年主要目标和任务
            编稿时间: 2023-02-15 来源: 县发改局 作者:未知
            1.聚焦项目建设。全力推进前期项目。
            用美丽乡村路铺就美好生活路。 ■唐俊 摄
            - 2 -
            2.聚焦产业发展。新增企业10家。
            本文地址:/baogao/5549.html
            留言与评论(共有 条评论)
            """);

        Assert.Equal(2, doc.Tasks.Count);
        Assert.Equal("聚焦项目建设。全力推进前期项目。", doc.Tasks[0].Text);
        Assert.Equal("聚焦产业发展。新增企业10家。", doc.Tasks[1].Text);
        Assert.Equal("2023年主要目标和任务", doc.Title);
        Assert.Equal(2, doc.Warnings.Count);
    }

    [Fact]
    public void Parse_DoesNotAttachTextAfterAClosedItem()
    {
        var doc = PlanTextParser.Parse("""
            1.推进产业园建设。（区发改局牵头）
            各单位要高度重视，确保各项任务按期完成。
            """);

        Assert.Equal("推进产业园建设。", Assert.Single(doc.Tasks).Text);
    }

    [Fact]
    public void Parse_EndsAnItemAtAnUnnumberedSubHeading()
    {
        var doc = PlanTextParser.Parse("""
            （一）做强增长引擎
            1.推进产业园建设。
            加大招商引资力度
            2.精准招商。（区招商中心牵头）
            """);

        Assert.Equal("推进产业园建设。", doc.Tasks[0].Text);
        Assert.Equal(["（一）做强增长引擎"], doc.Tasks[0].SectionPath);
        Assert.Equal(["（一）做强增长引擎", "加大招商引资力度"], doc.Tasks[1].SectionPath);
    }

    [Fact]
    public void Parse_StripsMarkdownHeadingsAndBold()
    {
        var doc = PlanTextParser.Parse("""
            ## 经济增长工作方案
            ### **一、工作任务**
            **（一）扩大消费。**力争社零总额突破180亿元。
            1. **促进旅游消费。**力争旅游收入突破100亿元。（**文旅局牵头**）
            """);

        var task = Assert.Single(doc.Tasks);
        Assert.Equal("经济增长工作方案", doc.Title);
        Assert.Equal(["一、工作任务", "（一）扩大消费"], task.SectionPath);
        Assert.Equal("促进旅游消费", task.Title);
        Assert.Equal("促进旅游消费。力争旅游收入突破100亿元。", task.Text);
        Assert.Equal(["力争旅游收入突破100亿元"], task.Targets);
    }

    [Fact]
    public void Parse_TitleIsTheFirstSentence_CutAtACommaWhenLong()
    {
        var doc = PlanTextParser.Parse("""
            1.启动南外环高速公路、全域公交项目建设,推进s356横沟至黄沙铺改扩建二期、s319咸赵线陈家沟段达标提质改造工程。
            2.完善城乡公共服务体系；推进教育均衡发展。
            """);

        Assert.Equal("启动南外环高速公路、全域公交项目建设", doc.Tasks[0].Title);
        Assert.Equal("完善城乡公共服务体系", doc.Tasks[1].Title);
    }

    [Fact]
    public void Parse_ReadsAPipeTableInTheText()
    {
        var doc = PlanTextParser.Parse("""
            2023年重点任务清单
            一、稳增长
            | 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |
            |---|---|---|---|---|:---:|
            | 1 | **新增规上企业20家。** | 张三 | 区科经局 | 区统计局、各乡镇 | 12月底前 |
            | 2 | 完成投资100亿元 | 李四 | 区发改局 | | 年内 |
            """);

        Assert.Equal(2, doc.Tasks.Count);
        var first = doc.Tasks[0];
        Assert.Equal("1", first.Code);
        Assert.Equal("新增规上企业20家。", first.Text);
        Assert.Equal(["张三"], first.Leaders);
        Assert.Equal(["区科经局"], first.LeadUnits);
        Assert.Equal(["区统计局"], first.CoUnits);
        Assert.Equal(["各乡镇"], first.UnitGroups);
        Assert.Equal("12月底前", first.DeadlineText);
        Assert.Equal(["一、稳增长"], first.SectionPath);
        Assert.Equal(5, first.Line);
        Assert.Equal("年内", doc.Tasks[1].DeadlineText);
        Assert.Equal(2023, doc.Year);
    }

    [Fact]
    public void Parse_ReadsAPipeTableContinuedAfterABreakWithTheEarlierHeader()
    {
        var doc = PlanTextParser.Parse("""
            | 序号 | 工作任务 | 牵头单位 |
            | 1 | 推进产业园建设 | 区发改局 |

            - 2 -

            | 2 | 推进物流园建设 | 区商务局 |
            """);

        Assert.Equal(["1", "2"], doc.Tasks.Select(task => task.Code));
        Assert.Equal(["区商务局"], doc.Tasks[1].LeadUnits);
    }

    [Fact]
    public void Parse_IgnoresAPipeTableWithoutPlanHeader()
    {
        var doc = PlanTextParser.Parse("""
            1.推进工作。（区发改局牵头）
            | 指标 | 2022年 | 2023年 |
            | GDP | 100 | 108 |
            """);

        Assert.Single(doc.Tasks);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void Parse_TakesYearFromTheFirstLines_WhenTheTitleHasNone()
    {
        var doc = PlanTextParser.Parse("关于印发稳增长工作方案的通知\n为确保2025年经济目标实现，制定本方案。\n1.推进工作。（区发改局牵头）");

        Assert.Equal("关于印发稳增长工作方案的通知", doc.Title);
        Assert.Equal(2025, doc.Year);
    }

    [Fact]
    public void Parse_LeavesYearNull_WhenTheDocumentNamesNone()
    {
        var doc = PlanTextParser.Parse("工作方案\n1.推进工作。（区发改局牵头）");

        Assert.Null(doc.Year);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t")]
    [InlineData("本方案自印发之日起施行。")]
    [InlineData("一、总体要求\n（一）指导思想\n坚持稳中求进。")]
    public void Parse_ReturnsNoTask_ForTasklessDocuments(string text)
    {
        var doc = PlanTextParser.Parse(text);

        Assert.Empty(doc.Tasks);
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void Parse_ReadsFiveThousandGeneratedTasks()
    {
        var text = new StringBuilder("2024年重点工作任务清单\n");
        for (var part = 1; part <= 50; part++)
        {
            text.Append(CultureInfo.InvariantCulture, $"（{ChineseNumeral(part)}）第{part}方面工作\n");
            for (var item = 1; item <= 100; item++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{item}.推进第{part}-{item}项工作，完成投资{item}亿元。（区发改局牵头，区财政局、各乡镇等负责）\n\n");
            }
        }

        var doc = PlanTextParser.Parse(text.ToString());

        Assert.Equal(5000, doc.Tasks.Count);
        Assert.Equal(5000, doc.Tasks.Select(task => task.Code).Distinct().Count());
        Assert.Equal("50.100", doc.Tasks[^1].Code);
        Assert.All(doc.Tasks, task => Assert.Equal(["区发改局"], task.LeadUnits));
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void Parse_NeverThrows_OnRandomText()
    {
        var random = new Random(20230101);
        const string alphabet = "（(）)〔〕[]【】牵头负责单位领导：:、，,。；;\n\r 1.一二、**|#-等各相关区局x0９\u0000\uffff\ud800";
        for (var round = 0; round < 200; round++)
        {
            var chars = new char[random.Next(0, 2000)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var doc = PlanTextParser.Parse(new string(chars));

            Assert.NotNull(doc.Tasks);
            Assert.Equal(doc.Tasks.Count, doc.Tasks.Select(task => task.Code).Distinct().Count());
        }
    }

    [Fact]
    public void Parse_FindsNoTask_InTenMegabytesOfBinaryLookingText()
    {
        var random = new Random(7);
        var chars = new char[10_000_000];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next(0, 0x10000);
        }

        var doc = PlanTextParser.Parse(new string(chars));

        // Noise must not turn into tasks, titles or units: the importer then refuses it as "no task found".
        Assert.Empty(doc.Tasks);
    }

    [Fact]
    public void Parse_NeverThrows_OnALongUnclosedClause()
    {
        var doc = PlanTextParser.Parse("1.推进工作" + new string('（', 100_000) + "区发改局牵头" + new string('\n', 1000) + "2.完成");

        Assert.Equal(2, doc.Tasks.Count);
    }

    private static string ChineseNumeral(int n)
    {
        const string digits = "零一二三四五六七八九";
        var tens = n / 10;
        var ones = n % 10;
        var head = tens switch
        {
            0 => string.Empty,
            1 => "十",
            _ => digits[tens] + "十",
        };
        return ones == 0 ? head : head + digits[ones];
    }
}
