using System.Globalization;

namespace Supervisor.Core.Import;

/// <summary>
/// A heading a task sits under. <see cref="Rank"/> orders levels (一、 = 1, （一） = 2, unnumbered sub-heading = 3);
/// <see cref="Value"/> is the number in digits for numbered headings, null for unnumbered ones.
/// </summary>
internal sealed record SectionEntry(int Rank, string Title, string? Value, IReadOnlyList<string>? LeadUnits = null)
{
    public const int UnnumberedRank = 3;

    public static int RankOf(NumberingLevel level) => level switch
    {
        NumberingLevel.Part => 1,
        NumberingLevel.Chapter => 2,
        NumberingLevel.Item => 4,
        _ => 5,
    };

    /// <summary>Pops the headings at <paramref name="entry"/>'s level or below and pushes it.</summary>
    public static void Push(List<SectionEntry> stack, SectionEntry entry)
    {
        while (stack.Count > 0 && stack[^1].Rank >= entry.Rank)
        {
            stack.RemoveAt(stack.Count - 1);
        }

        stack.Add(entry);
    }
}

/// <summary>A task as read, before its code is chosen (codes depend on the whole document).</summary>
internal sealed class TaskDraft
{
    /// <summary>The item number in digits ("12"), or the 序号 cell as written; null when the row has none.</summary>
    public required string? Number { get; init; }

    public required IReadOnlyList<SectionEntry> Sections { get; init; }

    public required string Title { get; init; }

    public required string Text { get; init; }

    public required Responsibility Responsibility { get; init; }

    public string? DeadlineText { get; init; }

    /// <summary>A table's 目标 column, read for targets beside the task text.</summary>
    public string? TargetText { get; init; }

    public int Line { get; init; }
}

/// <summary>Turns drafts into tasks: unique codes, resolved roles, targets, a warning for every task without a unit.</summary>
internal static class DraftAssembler
{
    /// <summary><paramref name="firstListedLeadLine"/>: the line declaring "排在第一位的为牵头单位", applied to the items after it.</summary>
    public static List<ParsedTask> Build(IReadOnlyList<TaskDraft> drafts, List<ParseWarning> warnings, int? firstListedLeadLine = null)
    {
        var codes = AssignCodes(drafts);
        var tasks = new List<ParsedTask>(drafts.Count);
        var byConvention = new List<ParsedTask>();
        var openEnded = new List<ParsedTask>();
        var inherited = new Dictionary<SectionEntry, List<ParsedTask>>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var roles = draft.Responsibility.Resolve(firstListedLeads: firstListedLeadLine < draft.Line);
            // An item that names no unit: the lead its section heading names answers for it.
            var leadSection = roles.LeadUnits.Count == 0 && roles.CoUnits.Count == 0 && roles.UnitGroups.Count == 0
                ? draft.Sections.LastOrDefault(section => section.LeadUnits is not null)
                : null;
            var leadUnits = leadSection?.LeadUnits ?? roles.LeadUnits;

            var targets = TargetExtractor.Extract(draft.Text);
            if (!string.IsNullOrWhiteSpace(draft.TargetText))
            {
                targets = [.. targets, .. TargetExtractor.Extract(draft.TargetText).Except(targets, StringComparer.Ordinal)];
            }

            var task = new ParsedTask
            {
                Code = codes[i],
                Title = draft.Title,
                Text = draft.Text,
                SectionPath = [.. draft.Sections.Select(section => section.Title)],
                Leaders = roles.Leaders,
                LeadUnits = leadUnits,
                CoUnits = roles.CoUnits,
                UnitGroups = roles.UnitGroups,
                DeadlineText = draft.DeadlineText ?? draft.Responsibility.DeadlineText,
                Targets = targets,
                Line = draft.Line,
            };
            tasks.Add(task);
            if (task.NoResponsibleUnit)
            {
                warnings.Add(new ParseWarning(task.Line, $"第{task.Code}项“{Shorten(task.Title)}”未找到责任单位，请手工指定"));
            }

            if (roles.FirstListedLead)
            {
                byConvention.Add(task);
            }

            if (roles.OpenEnded)
            {
                openEnded.Add(task);
            }

            if (leadSection is not null)
            {
                (inherited.TryGetValue(leadSection, out var list) ? list : inherited[leadSection] = []).Add(task);
            }
        }

        if (byConvention.Count > 0)
        {
            warnings.Add(new ParseWarning(firstListedLeadLine!.Value, string.Create(CultureInfo.InvariantCulture,
                $"按文件约定“排在第一位的为牵头单位”，{byConvention.Count}项任务（{PlanAssembler.CodeList(byConvention)}）所列的第一个单位定为牵头单位，其余为配合单位")));
        }

        foreach (var (section, sectionTasks) in inherited)
        {
            warnings.Add(new ParseWarning(sectionTasks[0].Line, string.Create(CultureInfo.InvariantCulture,
                $"“{Shorten(section.Title)}”下的{sectionTasks.Count}项任务（{PlanAssembler.CodeList(sectionTasks)}）未写责任单位，按标题定为{string.Join("、", section.LeadUnits!)}牵头")));
        }

        if (openEnded.Count > 0)
        {
            warnings.Add(new ParseWarning(openEnded[0].Line, string.Create(CultureInfo.InvariantCulture,
                $"{openEnded.Count}项任务（{PlanAssembler.CodeList(openEnded)}）的单位名单以“等有关部门”“等相关单位”之类结尾：名单未列全，只导入了写明的单位，请核对是否需要补充")));
        }

        return tasks;
    }

    /// <summary>
    /// The item number when numbers run through the document; when any number repeats, every code is qualified by its
    /// nearest numbered section ("2.3"), then by the whole numbered path ("2.1.3"), then by a suffix ("3-2") as a last resort.
    /// </summary>
    internal static string[] AssignCodes(IReadOnlyList<TaskDraft> drafts)
    {
        var numbers = new string[drafts.Count];
        for (var i = 0; i < drafts.Count; i++)
        {
            numbers[i] = drafts[i].Number ?? (i + 1).ToString(CultureInfo.InvariantCulture);
        }

        if (AllDistinct(numbers))
        {
            return numbers;
        }

        var nearest = new string[drafts.Count];
        var full = new string[drafts.Count];
        for (var i = 0; i < drafts.Count; i++)
        {
            var values = drafts[i].Sections.Where(section => section.Value is not null).Select(section => section.Value!).ToArray();
            nearest[i] = values.Length == 0 ? numbers[i] : values[^1] + "." + numbers[i];
            full[i] = values.Length == 0 ? numbers[i] : string.Join('.', values) + "." + numbers[i];
        }

        if (AllDistinct(nearest))
        {
            return nearest;
        }

        var codes = AllDistinct(full) ? full : nearest;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Length; i++)
        {
            var code = codes[i];
            while (!seen.Add(code))
            {
                var n = repeats.GetValueOrDefault(codes[i], 1) + 1;
                repeats[codes[i]] = n;
                code = codes[i] + "-" + n.ToString(CultureInfo.InvariantCulture);
            }

            codes[i] = code;
        }

        return codes;
    }

    private static bool AllDistinct(string[] codes) => codes.Distinct(StringComparer.Ordinal).Count() == codes.Length;

    private static string Shorten(string title) => title.Length <= 20 ? title : string.Concat(title.AsSpan(0, 20), "…");
}
