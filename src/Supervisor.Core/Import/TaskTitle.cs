using System.Text.RegularExpressions;
using Supervisor.Core.Milestones;

namespace Supervisor.Core.Import;

/// <summary>
/// A task's title when the document gives none apart from its text: the first sentence — except for a task that is only
/// a list of dated steps ("①2月上旬前完成冬春农田水利建设方案；②5月底前完成项目建设；③11月25日前完成竣工验收。"),
/// whose first sentence is its first step with the marker and the deadline (the steps become the milestones; the date
/// is the milestone's, not the task's name). Such a task is titled by what its first step does, and says how many steps
/// there are: "完成冬春农田水利建设方案等3项工作". A single step reads as its action alone.
/// </summary>
public static partial class TaskTitle
{
    /// <summary>Any year that has every date a phrase can name (2月29日): the phrase is removed, its date not used.</summary>
    private const int AnyLeapYear = 2024;

    public static string Of(string text, int maxLength = 40)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0 || !IsStepMarker(trimmed[0]))
        {
            return ChineseText.FirstSentence(text, maxLength);
        }

        var steps = trimmed.Count(IsStepMarker);
        var next = trimmed.AsSpan(1).IndexOfAnyInRange('①', '⑳');
        var first = trimmed[1..(next < 0 ? trimmed.Length : next + 1)];
        var action = WithoutLeadingDeadline(ChineseText.FirstSentence(first, maxLength));
        if (action.Length == 0)
        {
            return ChineseText.FirstSentence(text, maxLength);
        }

        var suffix = steps > 1 ? $"等{steps}项工作" : "";
        return action.Length + suffix.Length <= maxLength ? action + suffix : ChineseText.FirstSentence(action, maxLength - suffix.Length) + suffix;
    }

    private static bool IsStepMarker(char c) => c is >= '①' and <= '⑳';

    /// <summary>"2月上旬前完成方案" → "完成方案"; "4月底前，完成选址" → "完成选址"; a step not opening with a date stays as it is.</summary>
    private static string WithoutLeadingDeadline(string step)
    {
        var hit = DeadlinePhrases.Scan(step, AnyLeapYear).Hits.OrderBy(h => h.Index).FirstOrDefault();
        if (hit is null || LeadingFiller().Replace(step[..hit.Index], "").Length > 0)
        {
            return step;
        }

        return LeadingFiller().Replace(step[hit.End..], "");
    }

    [GeneratedRegex(@"^(?:\s|[，,：:、]|力争|确保|争取|计划|预计|要|在|于|到|截至|截止|前|之前|以前)+")]
    private static partial Regex LeadingFiller();
}
