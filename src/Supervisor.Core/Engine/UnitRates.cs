namespace Supervisor.Core.Engine;

/// <summary>Milestone counts of one role (lead or co) for a unit as of a date.</summary>
public sealed record RoleCounts(int Due, int OnTime, int Late, int OverdueOpen)
{
    public static readonly RoleCounts Zero = new(0, 0, 0, 0);

    /// <summary>(on time + late) / due; null when nothing is due — shown as "—", never 0% or 100%.</summary>
    public double? CompletionRate => Due == 0 ? null : (double)(OnTime + Late) / Due;

    public double? OnTimeRate => Due == 0 ? null : (double)OnTime / Due;
}

/// <summary>A unit's standing as of a date: lead counts (assessed), co counts (shown apart), worst overdue, light, rank.</summary>
public sealed record UnitRate(
    long UnitId,
    string Unit,
    RoleCounts Lead,
    RoleCounts Co,
    int WorstOverdueWorkingDays,
    bool HasDueSoon,
    Light Light,
    int Rank);

public static class UnitRanking
{
    // Names tie-break in the order Chinese readers expect (pinyin), not by code point.
    private static readonly StringComparer ChineseOrder = StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("zh-CN"), ignoreCase: false);

    /// <summary>
    /// Unit light: red when an item is overdue by ≥ <c>EscalateAfterWorkingDays</c> or the on-time rate is below
    /// <c>RedBelowOnTimeRate</c>; yellow when anything is overdue or due soon; else green.
    /// </summary>
    public static Light LightOf(RoleCounts lead, int worstOverdueWorkingDays, bool hasDueSoon, SupervisionOptions options)
    {
        if ((lead.OverdueOpen > 0 && worstOverdueWorkingDays >= options.EscalateAfterWorkingDays)
            || (lead.OnTimeRate is { } rate && rate < options.RedBelowOnTimeRate))
        {
            return Light.Red;
        }

        return lead.OverdueOpen > 0 || hasDueSoon ? Light.Yellow : Light.Green;
    }

    /// <summary>On-time rate, then completion rate (units with no rate after those with one), then fewer overdue, then name.</summary>
    public static IReadOnlyList<UnitRate> Rank(IEnumerable<UnitRate> units) =>
        units.OrderByDescending(u => u.Lead.OnTimeRate.HasValue)
            .ThenByDescending(u => u.Lead.OnTimeRate ?? 0)
            .ThenByDescending(u => u.Lead.CompletionRate ?? 0)
            .ThenBy(u => u.Lead.OverdueOpen)
            .ThenBy(u => u.Unit, ChineseOrder)
            .Select((u, i) => u with { Rank = i + 1 })
            .ToList();
}
