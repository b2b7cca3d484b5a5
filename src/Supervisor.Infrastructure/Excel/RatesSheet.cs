using Supervisor.Core.Engine;

namespace Supervisor.Infrastructure.Excel;

/// <summary>The unit ranking as one sheet: what <c>rates --xlsx</c> writes and the console's 单位 page exports.</summary>
public static class RatesSheet
{
    public static readonly IReadOnlyList<string> Header =
        ["方案", "排名", "单位", "应完成", "按期完成", "逾期完成", "逾期未完成", "完成率", "按期完成率", "最长逾期(工作日)", "灯", "配合:应完成", "配合:按期", "配合:逾期完成", "配合:逾期未完成"];

    /// <summary><paramref name="plan"/>: the plan the ranking is over, named on every row (全部方案 for every plan).</summary>
    public static XlsxSheet Of(DateOnly date, IReadOnlyList<UnitRate> rates, string plan = "全部方案") => new(
        $"单位排名{date:yyyyMMdd}",
        Header,
        rates.Select(r => (IReadOnlyList<object?>)
        [
            plan, r.Rank, r.Unit, r.Lead.Due, r.Lead.OnTime, r.Lead.Late, r.Lead.OverdueOpen, RateText.Percent(r.Lead.CompletionRate), RateText.Percent(r.Lead.OnTimeRate),
            r.WorstOverdueWorkingDays, RateText.LightName(r.Light), r.Co.Due, r.Co.OnTime, r.Co.Late, r.Co.OverdueOpen,
        ]));
}
