using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Milestones;

namespace Supervisor.Core.Tests.Milestones;

public sealed class MilestonePlannerTests
{
    private static readonly WorkingCalendar Calendar = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));

    private static DateOnly Date(string iso) => DateOnly.Parse(iso, CultureInfo.InvariantCulture);

    private static MilestonePlan Plan(string text, string? deadlineText = null, MilestoneOptions? options = null) =>
        MilestonePlanner.Plan(text, deadlineText, 2023, Calendar, options ?? new MilestoneOptions { ReportSchedule = ReportSchedule.None });

    private static IEnumerable<PlannedMilestone> Completions(MilestonePlan plan) => plan.Milestones.Where(m => m.Kind == MilestoneKind.Completion);

    [Fact]
    public void Plan_MakesTheLatestPhraseTheDeadline_AndEarlierOnesStepsInOrder()
    {
        var plan = Plan("推进项目建设。时间节点：①2月上旬前完成方案制定；②3月底前完成招标；③5月底前完成验收。");

        Assert.Equal(Date("2023-05-31"), plan.Deadline);
        Assert.Equal(
            [
                new PlannedMilestone("completion-1", MilestoneKind.Completion, Date("2023-02-10"), "完成方案制定"),
                new PlannedMilestone("completion-2", MilestoneKind.Completion, Date("2023-03-31"), "完成招标"),
                new PlannedMilestone("completion", MilestoneKind.Completion, Date("2023-05-31"), "完成验收"),
            ],
            plan.Milestones);
    }

    [Fact]
    public void Plan_CollapsesPhrasesNamingTheSameDate()
    {
        var plan = Plan("6月底前完成选址，6月30日前开工建设，年底前建成");
        Assert.Equal(["completion-1", "completion"], Completions(plan).Select(m => m.Key));
        Assert.Equal("完成选址", Completions(plan).First().Title);
    }

    [Fact]
    public void Plan_TitlesTheFinalMilestoneWithCompletion_WhenTheClauseUsesAnotherVerb()
    {
        var plan = Plan("加快建设工业园，项目一期8月实现开园，力争在三年内再造一个工业园区");

        Assert.Equal(Date("2025-12-31"), plan.Deadline);
        Assert.Equal(
            [("completion-1", "实现开园"), ("completion", "完成：再造一个工业园区")],
            Completions(plan).Select(m => (m.Key, m.Title)));
    }

    [Fact]
    public void Plan_TrimsLongTitlesTo40Characters()
    {
        var plan = Plan("6月底前完成" + new string('甲', 60));
        var title = Assert.Single(plan.Milestones).Title;
        Assert.Equal(40, title.Length);
        Assert.EndsWith("…", title, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_LetsTheDeadlineColumnWin_AndKeepsEarlierTextPhrasesAsSteps()
    {
        var plan = Plan("3月底前完成方案，10月底前完成建设，三年内全面达产", "2023年9月底前");

        Assert.Equal(Date("2023-09-30"), plan.Deadline);
        Assert.Equal(
            [("completion-1", Date("2023-03-31"), "完成方案"), ("completion", Date("2023-09-28"), "完成")],
            Completions(plan).Select(m => (m.Key, m.Due, m.Title)));
    }

    [Fact]
    public void Plan_TakesTheTitleFromTheText_WhenTheColumnAndTheTextNameTheSameDate()
    {
        var plan = Plan("6月底前完成主体工程", "6月底前");
        Assert.Equal("完成主体工程", Assert.Single(plan.Milestones).Title);
    }

    [Fact]
    public void Plan_ReadsTheTextForTheDeadline_WhenTheColumnIsBlank()
    {
        Assert.Equal(Date("2023-06-30"), Plan("上半年完成", "  ").Deadline);
    }

    [Fact]
    public void Plan_HasNoCompletionMilestone_WhenTheWorkIsOngoing()
    {
        var plan = Plan("常态化开展执法检查，严查环境风险");

        Assert.Null(plan.Deadline);
        Assert.True(plan.Ongoing);
        Assert.Empty(plan.Milestones);
    }

    [Fact]
    public void Plan_ChecksAtYearEnd_WhenTheColumnSaysOngoing_KeepsTheTextSteps_AndNamesTheConvention()
    {
        var plan = Plan("6月底前完成方案制定，此后持续推进", "长期坚持");

        Assert.Equal(Date("2023-12-31"), plan.Deadline);
        Assert.False(plan.Ongoing);
        Assert.Equal("长期坚持", plan.Convention);
        Assert.Equal([("completion-1", "完成方案制定"), ("completion", "完成")], plan.Milestones.Select(m => (m.Key, m.Title)));
        Assert.Equal(Date("2023-12-29"), plan.Milestones[^1].Due);
    }

    [Fact]
    public void Plan_MakesEachCircledStepOfAProgressColumnAMilestone_TheLastTheDeadline()
    {
        var plan = Plan("建设县城智慧停车场", "①4月底前，完成选址。②8月底前，主体完工。③11月底前，投入运营。");

        Assert.Equal(Date("2023-11-30"), plan.Deadline);
        Assert.Null(plan.Convention);
        Assert.Equal(
            [("completion-1", "2023-04-28", "完成选址"), ("completion-2", "2023-08-31", "主体完工"), ("completion", "2023-11-30", "完成：投入运营")],
            plan.Milestones.Select(m => (m.Key, m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Title)));
    }

    [Fact]
    public void Plan_ReadsNumberedAndQuarterSteps_InAProgressColumn()
    {
        var numbered = Plan("建设智慧停车场", "1.3月底前完成方案设计；2.9月底前建成投用");
        var quarters = Plan("建设智慧停车场", "一季度完成招标，三季度完成建设");

        Assert.Equal([("2023-03-31", "完成方案设计"), ("2023-09-28", "完成：建成投用")],
            numbered.Milestones.Select(m => (m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Title)));
        Assert.Equal([("2023-03-31", "完成招标"), ("2023-09-28", "完成建设")],
            quarters.Milestones.Select(m => (m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Title)));
    }

    [Theory]
    [InlineData("全年", "全年")]
    [InlineData("持续推进", "持续推进")]
    [InlineData("长期", "长期")]
    public void Plan_GivesAYearEndDeadlineByConvention_ForWholeYearAndOngoingColumns(string column, string convention)
    {
        var plan = Plan("做好安全生产工作", column);

        Assert.Equal(Date("2023-12-31"), plan.Deadline);
        Assert.Equal(convention, plan.Convention);
    }

    [Fact]
    public void Plan_NamesNoConvention_WhenTheColumnWritesTheYearEnd()
    {
        Assert.Null(Plan("做好安全生产工作", "年底前").Convention);
        Assert.Null(Plan("做好安全生产工作", "2023年12月").Convention);
    }

    [Fact]
    public void Plan_UsesTheExplicitDate_WhenOngoingWorkAlsoNamesOne()
    {
        var plan = Plan("持续推进扩区强园，6月底前完成扩区报批");

        Assert.Equal(Date("2023-06-30"), plan.Deadline);
        Assert.False(plan.Ongoing);
    }

    [Fact]
    public void Plan_HasNoDeadline_WhenTheTextNamesNone()
    {
        var plan = Plan("加快推进乡村振兴，比2022年增长10%");

        Assert.Null(plan.Deadline);
        Assert.False(plan.Ongoing);
        Assert.Empty(plan.Milestones);
    }

    [Fact]
    public void Plan_ShiftsASundayDeadline_ToTheLastWorkingDayBefore()
    {
        var plan = Plan("年底前完成"); // 2023-12-31 is a Sunday (and 元旦)

        Assert.Equal(Date("2023-12-31"), plan.Deadline);
        Assert.Equal(Date("2023-12-29"), Assert.Single(plan.Milestones).Due);
    }

    [Fact]
    public void Plan_ShiftsToTheNextWorkingDay_WhenConfigured()
    {
        var plan = Plan("年底前完成", options: new MilestoneOptions { ReportSchedule = ReportSchedule.None, NonWorkingDueDate = DueDateShift.NextWorkingDay });
        Assert.Equal(Date("2024-01-02"), Assert.Single(plan.Milestones).Due);
    }

    [Fact]
    public void Plan_KeepsANonWorkingDueDate_WhenShiftIsNone()
    {
        var plan = Plan("年底前完成", options: new MilestoneOptions { ReportSchedule = ReportSchedule.None, NonWorkingDueDate = DueDateShift.None });
        Assert.Equal(Date("2023-12-31"), Assert.Single(plan.Milestones).Due);
    }

    [Fact]
    public void Plan_KeepsADueDateOnAMakeUpSunday()
    {
        var plan = Plan("4月23日前完成"); // 2023-04-23 is a Sunday worked for 劳动节
        Assert.Equal(Date("2023-04-23"), Assert.Single(plan.Milestones).Due);
    }

    [Fact]
    public void Plan_OwesQuarterlyReportsUpToTheDeadlineQuarter_ForATaskDueJune30()
    {
        var plan = MilestonePlanner.Plan("6月底前完成", null, 2023, Calendar, new MilestoneOptions());

        Assert.Equal(
            [
                new PlannedMilestone("report-2023Q1", MilestoneKind.Report, Date("2023-03-24"), "第一季度进展报送"), // 03-25 is a Saturday
                new PlannedMilestone("report-2023Q2", MilestoneKind.Report, Date("2023-06-25"), "第二季度进展报送"), // a Sunday worked for 端午
                new PlannedMilestone("completion", MilestoneKind.Completion, Date("2023-06-30"), "完成"),
            ],
            plan.Milestones);
    }

    [Fact]
    public void Plan_OwesAllFourQuarterlyReports_WhenThereIsNoDeadline()
    {
        var plan = MilestonePlanner.Plan("常态化开展执法检查", null, 2023, Calendar, new MilestoneOptions());

        Assert.Equal(["report-2023Q1", "report-2023Q2", "report-2023Q3", "report-2023Q4"], plan.Milestones.Select(m => m.Key));
        Assert.Equal("第四季度进展报送", plan.Milestones[^1].Title);
    }

    [Fact]
    public void Plan_OwesMonthlyReportsUpToTheDeadlineMonth()
    {
        var options = new MilestoneOptions { ReportSchedule = ReportSchedule.Monthly, ReportDayOfMonth = 31, NonWorkingDueDate = DueDateShift.None };
        var plan = MilestonePlanner.Plan("3月15日前完成", null, 2023, Calendar, options);

        Assert.Equal(
            [
                ("report-2023-01", Date("2023-01-31"), "1月进展报送"),
                ("report-2023-02", Date("2023-02-28"), "2月进展报送"),
                ("completion", Date("2023-03-15"), "完成"),
                ("report-2023-03", Date("2023-03-31"), "3月进展报送"),
            ],
            plan.Milestones.Select(m => (m.Key, m.Due, m.Title)));
    }

    [Fact]
    public void Plan_OwesAllPlanYearReports_WhenTheDeadlineIsInALaterYear()
    {
        var plan = MilestonePlanner.Plan("2024年10月底前完成", null, 2023, Calendar, new MilestoneOptions());
        Assert.Equal(4, plan.Milestones.Count(m => m.Kind == MilestoneKind.Report));
        Assert.Equal(Date("2024-10-31"), plan.Deadline);
    }
}
