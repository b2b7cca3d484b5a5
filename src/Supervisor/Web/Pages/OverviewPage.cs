using System.Globalization;
using System.Text;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;

namespace Supervisor.Web.Pages;

/// <summary>总览: totals, lights, the on-time trend and the jobs' health.</summary>
public static class OverviewPage
{
    public static void Map(RouteGroupBuilder pages) => pages.MapGet("/", RenderAsync);

    private static async Task<IResult> RenderAsync(
        HttpContext http, TaskQueries tasks, JobRunStore runs, SupervisionEngine engine, JobControl jobs, TimeProvider time, TimeZoneInfo zone,
        Infrastructure.Delivery.ReachabilityStore reachability, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var totals = await tasks.TotalsAsync(ct);
        var rates = await engine.RatesAsync(today, ct);
        var lights = await engine.TaskLightsAsync(today, null, ct);
        var body = new StringBuilder();
        body.Append("<section class=\"cards\">");
        Card(body, "工作方案", totals.Plans);
        Card(body, "重点任务", totals.Tasks);
        Card(body, "时间节点", totals.Milestones);
        Card(body, "已办结", totals.Done);
        Card(body, "责任单位", totals.Units);
        Card(body, "待审延期", totals.PendingExtensions);
        body.Append("</section>");

        body.Append("<section><h2>红黄绿灯（截至 ").Append(Html.Date(today)).Append("）</h2><section class=\"cards\">");
        Card(body, "任务 · 红灯", lights.Count(l => l.Light == Light.Red), "red");
        Card(body, "任务 · 黄灯", lights.Count(l => l.Light == Light.Yellow), "yellow");
        Card(body, "任务 · 绿灯", lights.Count(l => l.Light == Light.Green), "green");
        Card(body, "单位 · 红灯", rates.Count(r => r.Light == Light.Red), "red");
        Card(body, "单位 · 黄灯", rates.Count(r => r.Light == Light.Yellow), "yellow");
        Card(body, "单位 · 绿灯", rates.Count(r => r.Light == Light.Green), "green");
        body.Append("</section></section>");

        // Units no channel reaches: their reminders would only show up as gaps in the 通报; the office fixes the directory.
        var unreachable = await reachability.UnreachableUnitsAsync(ct);
        if (unreachable.Count > 0)
        {
            body.Append("<section><h2>无法送达的单位（").Append(unreachable.Count).Append("）</h2><p>以下单位没有联络员或负责人的邮箱、手机号，也没有企业微信或钉钉群机器人，提醒无法送达。请在通讯录中补充后重新导入。</p><ul>");
            foreach (var u in unreachable)
            {
                body.Append("<li><a href=\"/units/").Append(u.Id).Append("\">").Append(Html.E(u.Name)).Append("</a>（").Append(u.Tasks).Append(" 项任务）</li>");
            }

            body.Append("</ul></section>");
        }

        body.Append("<section><h2>按时完成率走势</h2>");
        body.Append(TrendSvg(await tasks.TrendAsync(90, ct)));
        body.Append("</section>");

        body.Append("<section><h2>作业运行状况</h2>");
        var rows = new List<IReadOnlyList<string>>();
        var since = time.GetUtcNow().AddDays(-7);
        foreach (var job in await jobs.ListAsync(ct))
        {
            var failures = await runs.JobFailuresSinceAsync(job.Name, since, ct);
            rows.Add(
            [
                $"<a href=\"/jobs#{Html.E(job.Name)}\">{Html.E(job.DisplayName)}</a>",
                Html.E(JobsPage.StateLabel(job.State)),
                job.LastRun is { } run ? $"<span class=\"{(run.Outcome == "failed" ? "red" : "green")}\">{Html.E(PageContext.Status(run.Outcome))}</span> {Html.Time(run.StartedAt, zone)}" : "—",
                failures == 0 ? "0" : $"<span class=\"red\">{failures}</span>",
                Html.Time(job.NextEffectiveFire, zone),
            ]);
        }

        Html.Table(body, ["作业", "状态", "最近一次运行", "近7天失败", "下次执行"], rows);
        body.Append("</section>");
        return Html.Page(http, "总览", body.ToString());
    }

    private static void Card(StringBuilder body, string label, int value, string css = "") =>
        body.Append("<div class=\"card ").Append(css).Append("\"><div class=\"label\">").Append(Html.E(label)).Append("</div><div class=\"value\">")
            .Append(value.ToString(CultureInfo.InvariantCulture)).Append("</div></div>");

    /// <summary>An inline SVG line of the daily on-time rate; no script, no external file.</summary>
    public static string TrendSvg(IReadOnlyList<TrendPoint> points)
    {
        var usable = points.Where(p => p.Due > 0).ToList();
        if (usable.Count == 0)
        {
            return "<p class=\"muted\">暂无快照数据（rates-snapshot 作业每日 00:30 生成）。</p>";
        }

        const int width = 640, height = 180, left = 40, bottom = 24, top = 10;
        var plotWidth = width - left - 10;
        var plotHeight = height - top - bottom;
        string X(int i) => (left + (usable.Count == 1 ? plotWidth / 2.0 : i * plotWidth / (double)(usable.Count - 1))).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double rate) => (top + (1 - rate) * plotHeight).ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"trend\" role=\"img\" aria-label=\"按时完成率走势\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        foreach (var tick in new[] { 0.0, 0.5, 1.0 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{width - 10}\" y1=\"{Y(tick)}\" y2=\"{Y(tick)}\" stroke=\"#d0d7de\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Y(tick)}\" font-size=\"11\" dominant-baseline=\"middle\">{tick * 100:0}%</text>");
        }

        svg.Append("<polyline fill=\"none\" stroke=\"#8b1a1a\" stroke-width=\"2\" points=\"");
        for (var i = 0; i < usable.Count; i++)
        {
            svg.Append(X(i)).Append(',').Append(Y((double)usable[i].OnTime / usable[i].Due)).Append(' ');
        }

        svg.Append("\"/>");
        for (var i = 0; i < usable.Count; i++)
        {
            var rate = (double)usable[i].OnTime / usable[i].Due;
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(i)}\" cy=\"{Y(rate)}\" r=\"3\" fill=\"#8b1a1a\"><title>{PageContext.D(usable[i].Date)} {rate * 100:0.0}%</title></circle>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 6}\" font-size=\"11\">{PageContext.D(usable[0].Date)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 10}\" y=\"{height - 6}\" font-size=\"11\" text-anchor=\"end\">{PageContext.D(usable[^1].Date)}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
