using System.Globalization;
using Supervisor.Core.Units;

namespace Supervisor.Core.Import;

/// <summary>
/// "各乡镇", "各乡镇（街道）": every township of the directory, so the directory's townships take the group's place on
/// the task (co-responsible beside a lead, else leads). Phrases of kinds the directory does not hold (各县、自治县,
/// 各开发区、园区, 各市、县级市…) stay one collective reference, and the office is told which could not be expanded —
/// never a bogus unit named "各县".
/// </summary>
internal sealed class CollectiveReferences(IReadOnlyCollection<DirectoryUnit> directory)
{
    private static readonly HashSet<string> TownshipWords = new(["乡镇", "街道办事处", "街道", "镇", "乡", "民族乡", "苏木", "办事处"], StringComparer.Ordinal);

    private readonly List<string> townships = [.. directory.Where(u => u.Kind == DirectoryUnit.Township).Select(u => u.Name).Order(StringComparer.Ordinal)];
    private readonly Dictionary<string, List<ParsedTask>> expanded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IReadOnlyList<string> Words, List<ParsedTask> Tasks)> kept = new(StringComparer.Ordinal);

    /// <summary>Adds the members of expandable groups to <paramref name="lead"/> or <paramref name="co"/>; returns the groups that remain.</summary>
    public IReadOnlyList<string> Expand(ParsedTask task, List<string> lead, List<string> co)
    {
        if (task.UnitGroups.Count == 0)
        {
            return task.UnitGroups;
        }

        var remaining = new List<string>(task.UnitGroups.Count);
        foreach (var group in task.UnitGroups)
        {
            var words = UnitListParser.DivisionWords(group);
            if (words is null)
            {
                remaining.Add(group);
                continue;
            }

            if (townships.Count > 0 && words.All(TownshipWords.Contains))
            {
                var into = lead.Count > 0 ? co : lead;
                foreach (var member in townships.Where(m => !lead.Contains(m, StringComparer.Ordinal) && !co.Contains(m, StringComparer.Ordinal)))
                {
                    into.Add(member);
                }

                (expanded.TryGetValue(group, out var tasks) ? tasks : expanded[group] = []).Add(task);
                continue;
            }

            remaining.Add(group);
            if (!kept.TryGetValue(group, out var entry))
            {
                kept[group] = entry = (words, []);
            }

            entry.Tasks.Add(task);
        }

        return remaining;
    }

    public IEnumerable<ParseWarning> Warnings()
    {
        foreach (var (group, tasks) in expanded)
        {
            yield return new ParseWarning(tasks[0].Line, string.Create(CultureInfo.InvariantCulture,
                $"“{group}”按单位通讯录展开为{townships.Count}个乡镇（街道）单位（{PlanAssembler.CodeList(tasks)}）"));
        }

        foreach (var (group, (words, tasks)) in kept)
        {
            var missing = townships.Count == 0 ? words : words.Where(w => !TownshipWords.Contains(w)).ToList();
            yield return new ParseWarning(tasks[0].Line, string.Create(CultureInfo.InvariantCulture,
                $"“{group}”未能展开为具体单位：单位通讯录中没有{string.Concat(missing.Select(w => "“" + w + "”"))}这类单位，保留为一个集体单位（{PlanAssembler.CodeList(tasks)}），请在通讯录中补充或手工指定"));
        }
    }
}
