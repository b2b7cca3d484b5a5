namespace Supervisor.Core.Import;

/// <summary>
/// Who answers for one task, collected from all its clauses, labelled lines and table cells.
/// 责任单位 is held back until the end: it is the lead when nothing names a lead, otherwise co-responsible.
/// </summary>
internal sealed class Responsibility
{
    private const int MaxNamesPerList = 200;

    private static readonly string[] LeadMarks = ["（牵头）", "(牵头)", "（牵头单位）", "(牵头单位)"];

    private readonly List<string> leaders = [];
    private readonly List<string> lead = [];
    private readonly List<string> responsible = [];
    private readonly List<string> co = [];
    private readonly List<string> groups = [];
    private readonly List<string> deadlines = [];

    public string? DeadlineText => deadlines.Count == 0 ? null : string.Join("；", deadlines);

    public void AddLeaders(string list)
    {
        foreach (var token in list.Replace("**", string.Empty, StringComparison.Ordinal).Split(['、', '，', ',', ';', '；', '/', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            // "张三 李四" names two leaders; "王　伟" is one two-character name padded to align with three-character ones.
            var parts = token.Split([' ', '\u3000', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var names = parts.Any(part => part.Length == 1) ? [string.Concat(parts)] : parts;
            foreach (var raw in names)
            {
                var name = ChineseText.TrimPunctuation(raw).TrimEnd('等');
                if (name.EndsWith("同志", StringComparison.Ordinal))
                {
                    name = name[..^2];
                }

                if (name.Length > 0)
                {
                    AddDistinct(leaders, name);
                }
            }
        }
    }

    /// <summary>Some list ended "等有关部门" / "等相关单位": the task names only part of who takes part.</summary>
    public bool OpenEnded { get; private set; }

    public void AddUnits(string list, UnitRole role)
    {
        var parsed = UnitListParser.Parse(list);
        OpenEnded |= parsed.OpenEnded;
        foreach (var unit in parsed.Units)
        {
            // "区发改局（牵头）、区财政局" marks the lead inside a plain list.
            var name = StripLeadMark(unit);
            AddDistinct(name.Length < unit.Length ? lead : ListOf(role), name);
        }

        foreach (var group in parsed.Groups)
        {
            AddDistinct(groups, group);
        }
    }

    public void AddDeadline(string text)
    {
        var value = text.Trim();
        if (value.Length > 0)
        {
            AddDistinct(deadlines, value);
        }
    }

    /// <summary>
    /// Roles as the task states them. <paramref name="firstListedLeads"/>: the document declared "排在第一位的为牵头单位",
    /// so of units listed without a lead, the first leads and the others are co-responsible.
    /// </summary>
    public ResolvedResponsibility Resolve(bool firstListedLeads = false)
    {
        var leadUnits = new List<string>(lead);
        var coUnits = new List<string>();
        var byConvention = firstListedLeads && lead.Count == 0 && responsible.Count > 1;
        var responsibleAsLead = lead.Count == 0 ? (byConvention ? responsible.Take(1) : responsible) : [];
        foreach (var unit in responsibleAsLead)
        {
            AddDistinct(leadUnits, unit);
        }

        foreach (var unit in (lead.Count == 0 ? (byConvention ? responsible.Skip(1) : []) : responsible).Concat(co))
        {
            if (!leadUnits.Contains(unit, StringComparer.Ordinal))
            {
                AddDistinct(coUnits, unit);
            }
        }

        return new ResolvedResponsibility(leaders.ToArray(), leadUnits, coUnits, groups.ToArray())
        {
            FirstListedLead = byConvention,
            OpenEnded = OpenEnded,
        };
    }

    private static string StripLeadMark(string unit)
    {
        foreach (var mark in LeadMarks)
        {
            if (unit.Length > mark.Length && unit.EndsWith(mark, StringComparison.Ordinal))
            {
                return unit[..^mark.Length].TrimEnd();
            }
        }

        return unit;
    }

    private List<string> ListOf(UnitRole role) => role switch
    {
        UnitRole.Lead => lead,
        UnitRole.Responsible => responsible,
        _ => co,
    };

    private static void AddDistinct(List<string> list, string item)
    {
        // A task names a few dozen units at most: a linear check is enough, and the cap keeps a pathological
        // list (megabytes of "、"-separated names) from turning quadratic.
        if (list.Count < MaxNamesPerList && !list.Contains(item, StringComparer.Ordinal))
        {
            list.Add(item);
        }
    }
}

internal enum UnitRole
{
    Lead,

    /// <summary>责任单位: lead when the task names no lead unit, co-responsible otherwise.</summary>
    Responsible,
    Co,
}

internal sealed record ResolvedResponsibility(
    IReadOnlyList<string> Leaders,
    IReadOnlyList<string> LeadUnits,
    IReadOnlyList<string> CoUnits,
    IReadOnlyList<string> UnitGroups)
{
    /// <summary>The lead was chosen by the document's "排在第一位的为牵头单位" rule.</summary>
    public bool FirstListedLead { get; init; }

    public bool OpenEnded { get; init; }
}
