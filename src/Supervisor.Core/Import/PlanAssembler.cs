using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Milestones;
using Supervisor.Core.Units;

namespace Supervisor.Core.Import;

/// <summary>A task ready to store: units normalised against the directory, milestones derived.</summary>
public sealed record AssembledTask(
    ParsedTask Source,
    IReadOnlyList<string> LeadUnits,
    IReadOnlyList<string> CoUnits,
    DateOnly? Deadline,
    IReadOnlyList<PlannedMilestone> Milestones)
{
    /// <summary>The collective references still unresolved: a "各乡镇" the directory expanded into its townships is not one.</summary>
    public IReadOnlyList<string> UnitGroups { get; init; } = Source.UnitGroups;
}

/// <summary>A canonical unit the plan names, with the other spellings seen for it.</summary>
public sealed record AssembledUnit(string Name, IReadOnlyList<string> Aliases);

public sealed record AssembledPlan(
    string Title,
    int Year,
    IReadOnlyList<AssembledTask> Tasks,
    IReadOnlyList<AssembledUnit> Units,
    IReadOnlyList<ParseWarning> Warnings);

/// <summary>Turns what a document says into what Supervisor stores: pure, so the CLI, console and tests share it.</summary>
public static class PlanAssembler
{
    public static AssembledPlan Assemble(
        ParsedDocument document,
        string title,
        int year,
        IReadOnlyCollection<DirectoryUnit> directory,
        WorkingCalendar calendar,
        MilestoneOptions options)
    {
        if (document.Tasks.Count == 0)
        {
            var reason = document.Warnings.Count > 0 ? document.Warnings[0].Message : null;
            throw reason is null
                ? new BadInputException(
                    "no task found: the file has no numbered items (1. …) or table rows with a task column",
                    "没有找到任务：文件中既没有编号的条目（1. …），也没有带“工作任务”列的表格。")
                : new BadInputException($"no task found: {reason}", $"没有找到任务：{reason}");
        }

        var warnings = document.Warnings.ToList();
        var rawNames = document.Tasks.SelectMany(t => t.LeadUnits.Concat(t.CoUnits)).Distinct(StringComparer.Ordinal).ToList();
        var resolution = UnitNameResolver.Resolve(rawNames, directory);
        string Canonical(string raw) => resolution.CanonicalByRaw.TryGetValue(raw, out var name) ? name : raw;

        var tasks = new List<AssembledTask>(document.Tasks.Count);
        var conventions = new Dictionary<string, List<ParsedTask>>(StringComparer.Ordinal);
        var collective = new CollectiveReferences(directory);
        foreach (var task in document.Tasks)
        {
            var lead = task.LeadUnits.Select(Canonical).Distinct(StringComparer.Ordinal).ToList();
            // A unit named both lead and co (after normalisation) is accountable: lead wins.
            var co = task.CoUnits.Select(Canonical).Distinct(StringComparer.Ordinal).Where(u => !lead.Contains(u, StringComparer.Ordinal)).ToList();
            var groups = collective.Expand(task, lead, co);
            var plan = MilestonePlanner.Plan(task.Text, task.DeadlineText, year, calendar, options);
            if (plan.Deadline is null && !plan.Ongoing && !plan.Milestones.Any(m => m.Kind == MilestoneKind.Completion))
            {
                warnings.Add(new ParseWarning(task.Line, $"第{task.Code}项未写明完成时限，只生成进展报送节点"));
            }

            if (plan.Convention is { } convention)
            {
                (conventions.TryGetValue(convention, out var list) ? list : conventions[convention] = []).Add(task);
            }

            tasks.Add(new AssembledTask(task, lead, co, plan.Deadline, plan.Milestones) { UnitGroups = groups });
        }

        warnings.AddRange(collective.Warnings());
        foreach (var (convention, conventionTasks) in conventions)
        {
            warnings.Add(new ParseWarning(conventionTasks[0].Line, string.Create(CultureInfo.InvariantCulture,
                $"完成时限写作“{convention}”的{conventionTasks.Count}项任务（{CodeList(conventionTasks)}）按年底（{year}年12月31日）跟踪：该日期是约定而非文件所写，请核对")));
        }

        var units = tasks.SelectMany(t => t.LeadUnits.Concat(t.CoUnits))
            .Distinct(StringComparer.Ordinal)
            .Select(name => new AssembledUnit(name, resolution.Aliases.TryGetValue(name, out var aliases) ? aliases : []))
            .ToList();
        return new AssembledPlan(title, year, tasks, units, warnings.OrderBy(w => w.Line).ToList());
    }

    /// <summary>"第1、4、7项", at most ten codes named.</summary>
    internal static string CodeList(IReadOnlyCollection<ParsedTask> tasks) =>
        "第" + string.Join("、", tasks.Take(10).Select(t => t.Code)) + "项" + (tasks.Count > 10 ? "等" : "");
}
