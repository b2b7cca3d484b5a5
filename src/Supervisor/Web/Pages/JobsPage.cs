using System.Text;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web.Auth;
using Supervisor.Web.Dashboard;

namespace Supervisor.Web.Pages;

/// <summary>
/// 作业: what the Hangfire Dashboard does not know — each job's working-day rule and the next fire it lets work, pause
/// and resume (admin; ours, kept in job_pauses), and our job_runs history (slot, node, outcome, summary). Schedules,
/// "trigger now", queues, retries and servers are on the dashboard, linked from here.
/// </summary>
public static class JobsPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/jobs", RenderAsync);
        pages.MapPost("/jobs/{name}/pause", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.PauseAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        pages.MapPost("/jobs/{name}/resume", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.ResumeAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
    }

    public static string StateLabel(string state) => state switch
    {
        "Normal" => "正常",
        "Paused" => "已暂停",
        "NotScheduled" => "未排程（待 serve 启动）",
        _ when state.StartsWith("Disabled", StringComparison.Ordinal) => "已停用",
        _ when state.StartsWith("Error: ", StringComparison.Ordinal) => "错误：" + state["Error: ".Length..],
        _ => state,
    };

    public static string RuleLabel(Core.Calendar.WorkingDayRule rule) => rule switch
    {
        Core.Calendar.WorkingDayRule.Always => "每天",
        Core.Calendar.WorkingDayRule.WorkingDay => "工作日",
        Core.Calendar.WorkingDayRule.FirstWorkingDayOfWeek => "每周首个工作日",
        Core.Calendar.WorkingDayRule.FirstWorkingDayOfMonth => "每月首个工作日",
        Core.Calendar.WorkingDayRule.FirstWorkingDayOfWeekOrMonth => "每周或每月首个工作日",
        _ => rule.ToString(),
    };

    private static string KindLabel(string kind) => kind switch
    {
        "manual" => "手动",
        "immediate" => "即时",
        _ => "计划",
    };

    private static async Task<IResult> ActAsync(Func<string, string, CancellationToken, Task> action, string name, HttpContext http, CancellationToken ct)
    {
        await action(name, PageContext.Actor(http), ct);
        return Results.Redirect("/jobs#" + Uri.EscapeDataString(name));
    }

    private static async Task<IResult> RenderAsync(HttpContext http, JobControl jobs, JobRunStore runs, TimeZoneInfo zone, CancellationToken ct)
    {
        var body = new StringBuilder();
        var list = await jobs.ListAsync(ct);
        var admin = PageContext.IsAdmin(http);
        if (http.User.IsInRole("admin") || http.User.IsInRole("supervisor"))
        {
            body.Append("<p class=\"muted\">").Append(Html.E("计划（Cron）、立即执行、队列、失败重试与服务器见"))
                .Append(" <a href=\"").Append(HangfireDashboard.Path).Append("/recurring\">").Append(Html.E("调度面板")).Append("</a>。")
                .Append(Html.E("暂停的作业到点只记录“已暂停”，不做任何事；手动执行不受暂停影响。")).Append("</p>");
        }

        Html.Table(body, ["作业", "工作日规则", "下次执行（已按规则）", "状态", "最近运行", "操作"], list.Select(j => (IReadOnlyList<string>)
        [
            $"<span id=\"{Html.E(j.Name)}\">{Html.E(j.DisplayName)}</span> <code>{Html.E(j.Name)}</code>",
            Html.E(RuleLabel(j.Rule)),
            Html.Time(j.NextEffectiveFire, zone),
            $"<span class=\"state\" data-job=\"{Html.E(j.Name)}\">{Html.E(StateLabel(j.State))}</span>"
                + (j.Pause is { } p ? $" <span class=\"muted\">{Html.E(p.PausedBy)} {Html.Time(p.PausedAt, zone)}</span>" : ""),
            j.LastRun is { } r ? $"{Html.E(PageContext.Status(r.Outcome))} {Html.Time(r.StartedAt, zone)}" : "—",
            admin
                ? j.Pause is not null
                    ? Html.Button(http, $"/jobs/{j.Name}/resume", "恢复")
                    : Html.Button(http, $"/jobs/{j.Name}/pause", "暂停", css: "secondary")
                : "—",
        ]));

        foreach (var job in list)
        {
            body.Append("<section id=\"runs-").Append(Html.E(job.Name)).Append("\"><h2>").Append(Html.E(job.DisplayName)).Append(" · 最近运行</h2>");
            Html.Table(body, ["开始", "时段", "触发", "节点", "耗时", "结果", "错误", "摘要"], (await runs.RecentAsync(job.Name, 10, ct)).Select(r => (IReadOnlyList<string>)
            [
                Html.Time(r.StartedAt, zone), Html.Time(r.ScheduledAt, zone), Html.E(KindLabel(r.TriggerKind)), Html.E(r.InstanceId),
                r.FinishedAt is { } f ? $"{(f - r.StartedAt).TotalMilliseconds:0} ms" : "—",
                $"<span class=\"run {(r.Outcome == "failed" ? "red" : "green")}\">{Html.E(PageContext.Status(r.Outcome))}</span>",
                Html.E(r.Error), $"<code>{Html.E(r.Summary)}</code>",
            ]), "暂无运行记录");
            body.Append("</section>");
        }

        return Html.Page(http, "作业", body.ToString());
    }
}
