using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using Supervisor.Core.Calendar;
using Supervisor.Core.Import;

namespace Supervisor.Core.Milestones;

public enum MilestoneKind
{
    Report,
    Completion,
}

/// <summary>A milestone to store; <see cref="Key"/> identifies it within its task across re-imports.</summary>
public sealed record PlannedMilestone(string Key, MilestoneKind Kind, DateOnly Due, string Title);

/// <summary><see cref="Deadline"/> is the date the document names (before any working-day shift); null when ongoing or unstated.</summary>
public sealed record MilestonePlan(DateOnly? Deadline, IReadOnlyList<PlannedMilestone> Milestones)
{
    /// <summary>The task says it never ends (长期坚持, 常态化…) and names no date: no deadline, and nothing to warn about.</summary>
    public bool Ongoing { get; init; }

    /// <summary>
    /// The deadline column's words when the date is a convention rather than written ("全年", "长期", "持续推进": year
    /// end), so the office is told which dates it should check.
    /// </summary>
    public string? Convention { get; init; }
}

/// <summary>Turns a task's text and deadline column into its completion and progress-report milestones.</summary>
public static partial class MilestonePlanner
{
    public const string CompletionKey = "completion";
    public const int MaxTitleLength = 40;

    private static readonly string[] QuarterNames = ["第一季度", "第二季度", "第三季度", "第四季度"];

    // Clause boundaries, including the circled numbers that open each step of a 时间节点 list.
    private static readonly SearchValues<char> ClauseBreaks = SearchValues.Create("，,。；;！!？?：:（）()【】\n\r①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳");

    public static MilestonePlan Plan(string text, string? deadlineText, int planYear, WorkingCalendar calendar, MilestoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReportDayOfMonth, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ReportDayOfMonth, 31, nameof(options));

        var textScan = DeadlinePhrases.Scan(text, planYear);
        var columnScan = string.IsNullOrWhiteSpace(deadlineText) ? null : DeadlinePhrases.Scan(deadlineText, planYear);

        // The deadline column, when it says anything, decides the final deadline; the text adds the steps before it.
        DateOnly? deadline;
        bool ongoing;
        string? convention = null;
        if (columnScan is { Hits.Count: > 0 })
        {
            deadline = columnScan.Hits.Max(h => h.Date);
            ongoing = false;
            if (columnScan.Hits.Any(h => h.Date == deadline && h.Phrase.StartsWith("全年", StringComparison.Ordinal)))
            {
                convention = "全年";
            }
        }
        else if (columnScan is { Ongoing: true })
        {
            // A 完成时限 of "长期" or "持续推进" in a year's plan is checked at the year's end: the office follows it
            // like any other task, and is told the date is a convention.
            deadline = new DateOnly(planYear, 12, 31);
            ongoing = false;
            convention = ChineseText.TrimPunctuation(deadlineText!.Trim());
            if (convention.Length > 12)
            {
                convention = convention[..12] + "…";
            }
        }
        else
        {
            deadline = textScan.Hits.Count > 0 ? textScan.Hits.Max(h => h.Date) : null;
            ongoing = deadline is null && textScan.Ongoing;
        }

        // Titles come from the text around a phrase; the column has none, so a text hit on the same date is preferred.
        var steps = (columnScan?.Hits ?? []).Select(h => (Hit: h, Action: ActionAround(deadlineText!, h)))
            .Concat(textScan.Hits.Select(h => (Hit: h, Action: ActionAround(text, h))))
            .Where(s => deadline is null || s.Hit.Date <= deadline)
            .GroupBy(s => s.Hit.Date)
            .Select(g => (Date: g.Key, Step: g.FirstOrDefault(s => s.Action.Length > 0, g.First())))
            .OrderBy(s => s.Date)
            .ToList();

        if (convention is not null && !steps.Exists(s => s.Date == deadline))
        {
            steps.Add((deadline!.Value, (new DeadlineHit(deadline.Value, convention, 0), "")));
        }

        var milestones = new List<PlannedMilestone>();
        var intermediate = 0;
        foreach (var (date, step) in steps)
        {
            var isFinal = date == deadline;
            milestones.Add(new PlannedMilestone(
                isFinal ? CompletionKey : CompletionKey + "-" + (++intermediate).ToString(CultureInfo.InvariantCulture),
                MilestoneKind.Completion,
                Shift(date, calendar, options.NonWorkingDueDate),
                isFinal ? FinalTitle(step.Action) : StepTitle(step.Action, step.Hit.Phrase)));
        }

        milestones.AddRange(Reports(planYear, deadline, calendar, options));
        milestones.Sort((a, b) => a.Due != b.Due ? a.Due.CompareTo(b.Due) : string.CompareOrdinal(a.Key, b.Key));
        return new MilestonePlan(deadline, milestones) { Ongoing = ongoing, Convention = convention };
    }

    private static IEnumerable<PlannedMilestone> Reports(int planYear, DateOnly? deadline, WorkingCalendar calendar, MilestoneOptions options)
    {
        // A report is owed for every period of the plan year up to the one in which the task is due.
        var lastMonth = deadline is { } d && d.Year == planYear ? d.Month : 12;
        switch (options.ReportSchedule)
        {
            case ReportSchedule.Quarterly:
                for (var quarter = 1; quarter <= 4 && (quarter * 3) - 2 <= lastMonth; quarter++)
                {
                    yield return new PlannedMilestone(
                        string.Create(CultureInfo.InvariantCulture, $"report-{planYear}Q{quarter}"),
                        MilestoneKind.Report,
                        Shift(ReportDay(planYear, quarter * 3, options.ReportDayOfMonth), calendar, options.NonWorkingDueDate),
                        QuarterNames[quarter - 1] + "进展报送");
                }

                break;
            case ReportSchedule.Monthly:
                for (var month = 1; month <= lastMonth; month++)
                {
                    yield return new PlannedMilestone(
                        string.Create(CultureInfo.InvariantCulture, $"report-{planYear}-{month:00}"),
                        MilestoneKind.Report,
                        Shift(ReportDay(planYear, month, options.ReportDayOfMonth), calendar, options.NonWorkingDueDate),
                        string.Create(CultureInfo.InvariantCulture, $"{month}月进展报送"));
                }

                break;
            case ReportSchedule.None:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.ReportSchedule, "Unknown report schedule.");
        }
    }

    private static DateOnly ReportDay(int year, int month, int dayOfMonth) =>
        new(year, month, Math.Min(dayOfMonth, DateTime.DaysInMonth(year, month)));

    private static DateOnly Shift(DateOnly due, WorkingCalendar calendar, DueDateShift shift) => shift switch
    {
        DueDateShift.None => due,
        DueDateShift.PreviousWorkingDay => calendar.PreviousWorkingDayOnOrBefore(due),
        DueDateShift.NextWorkingDay => calendar.NextWorkingDayOnOrAfter(due),
        _ => throw new ArgumentOutOfRangeException(nameof(shift), shift, "Unknown due-date shift."),
    };

    private static string FinalTitle(string action) =>
        action.Length == 0 ? "完成"
        : action.StartsWith("完成", StringComparison.Ordinal) ? Trim(action)
        : Trim("完成：" + action);

    private static string StepTitle(string action, string phrase) => Trim(action.Length > 0 ? action : "阶段完成（" + phrase + "）");

    private static string Trim(string title) => title.Length <= MaxTitleLength ? title : title[..(MaxTitleLength - 1)] + "…";

    /// <summary>What the clause of a phrase says is due: the words after it ("①2月上旬前完成方案制定" → "完成方案制定"), else those before it.</summary>
    private static string ActionAround(string text, DeadlineHit hit)
    {
        var start = text.AsSpan(0, hit.Index).LastIndexOfAny(ClauseBreaks) + 1;
        var afterEnd = text.AsSpan(hit.End).IndexOfAny(ClauseBreaks);
        var end = afterEnd < 0 ? text.Length : hit.End + afterEnd;

        var after = Clean(text[hit.End..end]);
        if (after.Length > 0)
        {
            return after;
        }

        var before = Clean(text[start..hit.Index]);
        if (before.Length > 0 || end >= text.Length || text[end] is not ('，' or ',' or '：' or ':'))
        {
            return before;
        }

        // "①4月底前，完成选址。": the step is the clause after the comma.
        var nextEnd = text.AsSpan(end + 1).IndexOfAny(ClauseBreaks);
        return Clean(text[(end + 1)..(nextEnd < 0 ? text.Length : end + 1 + nextEnd)]);
    }

    private static string Clean(string words)
    {
        var cleaned = WhitespaceRegex().Replace(words, "");
        cleaned = LeadingFillerRegex().Replace(cleaned, "");
        return TrailingFillerRegex().Replace(cleaned, "");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();

    [GeneratedRegex(@"^(?:[0-9０-９]+[.、．]|[一二三四五六七八九十]+是|[-—*#、]|力争|确保|争取|计划|预计|要|在|于|到|截至|截止|并|前|之前|以前)+")]
    private static partial Regex LeadingFillerRegex();

    [GeneratedRegex(@"(?:在|于|到|截至|截止|力争|确保|争取|[-—*#、])+$")]
    private static partial Regex TrailingFillerRegex();
}
