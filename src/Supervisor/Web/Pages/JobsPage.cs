using System.Text;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>作业: every Quartz job with its schedule and state, the cluster's nodes, recent runs; trigger, pause, resume (admin).</summary>
public static class JobsPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/jobs", RenderAsync);
        pages.MapPost("/jobs/{name}/trigger", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.TriggerAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        pages.MapPost("/jobs/{name}/pause", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.PauseAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        pages.MapPost("/jobs/{name}/resume", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.ResumeAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
    }

    public static string StateLabel(string state) => state switch
    {
        "Normal" => "正常",
        "Paused" => "已暂停",
        "Blocked" => "运行中",
        "Error" => "错误",
        "Complete" => "已结束",
        _ => state,
    };

    private static async Task<IResult> ActAsync(Func<string, string, CancellationToken, Task> action, string name, HttpContext http, CancellationToken ct)
    {
        await action(name, PageContext.Actor(http), ct);
        return Results.Redirect("/jobs#" + Uri.EscapeDataString(name));
    }

    private static async Task<IResult> RenderAsync(HttpContext http, JobControl jobs, JobRunStore runs, ConsoleStore store, TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var body = new StringBuilder();
        var list = await jobs.ListAsync(ct);
        var admin = PageContext.IsAdmin(http);
        Html.Table(body, ["作业", "Cron", "工作日规则", "时区", "下次执行", "上次触发", "状态", "最近运行", "操作"], list.Select(j => (IReadOnlyList<string>)
        [
            $"<span id=\"{Html.E(j.Name)}\">{Html.E(j.Name)}</span>", $"<code>{Html.E(j.Cron)}</code>", Html.E(j.Rule.ToString()), Html.E(j.TimeZone),
            Html.Time(j.NextEffectiveFire, zone), Html.Time(j.PreviousFire, zone), $"<span class=\"state\" data-job=\"{Html.E(j.Name)}\">{Html.E(StateLabel(j.State))}</span>",
            j.LastRun is { } r ? $"{Html.E(PageContext.Status(r.Outcome))} {Html.Time(r.StartedAt, zone)}" : "—",
            admin
                ? Html.Button(http, $"/jobs/{j.Name}/trigger", "立即执行") + " " + (j.State == "Paused"
                    ? Html.Button(http, $"/jobs/{j.Name}/resume", "恢复")
                    : Html.Button(http, $"/jobs/{j.Name}/pause", "暂停", css: "secondary"))
                : "—",
        ]));

        body.Append("<section><h2>集群节点</h2>");
        var now = time.GetUtcNow();
        Html.Table(body, ["节点", "最近签到", "签到间隔", "状态"], (await store.ClusterNodesAsync(JobsServiceCollectionExtensions.SchedulerName, ct)).Select(n => (IReadOnlyList<string>)
        [
            Html.E(n.InstanceName), Html.Time(n.LastCheckin, zone), $"{n.CheckinInterval.TotalSeconds:0} 秒",
            now - n.LastCheckin <= n.CheckinInterval * 2 ? "<span class=\"green\">在线</span>" : "<span class=\"red\">签到超时</span>",
        ]));
        body.Append("</section>");

        foreach (var job in list)
        {
            body.Append("<section id=\"runs-").Append(Html.E(job.Name)).Append("\"><h2>").Append(Html.E(job.Name)).Append(" · 最近运行</h2>");
            Html.Table(body, ["开始", "触发", "节点", "耗时", "结果", "错误", "摘要"], (await runs.RecentAsync(job.Name, 10, ct)).Select(r => (IReadOnlyList<string>)
            [
                Html.Time(r.StartedAt, zone), r.TriggerKind == "manual" ? "手动" : "计划", Html.E(r.InstanceId),
                r.FinishedAt is { } f ? $"{(f - r.StartedAt).TotalMilliseconds:0} ms" : "—",
                $"<span class=\"run {(r.Outcome == "failed" ? "red" : "green")}\">{Html.E(PageContext.Status(r.Outcome))}</span>",
                Html.E(r.Error), $"<code>{Html.E(r.Summary)}</code>",
            ]), "暂无运行记录");
            body.Append("</section>");
        }

        return Html.Page(http, "作业", body.ToString());
    }
}
