using System.Text;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Core.Delivery;

namespace Supervisor.Web.Pages;

/// <summary>消息: the outbox by state, one message with its attempts; retry a dead one, cancel a pending one.</summary>
public static class MessagesPage
{
    private static readonly string[] States = ["pending", "held", "sending", "sent", "failed", "dead", "cancelled"];

    private static readonly string[] Kinds = ["unit_digest", "escalation", "supervision_digest", "notice"];

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/messages", ListAsync);
        pages.MapGet("/messages/{id:long}", DetailAsync);
        pages.MapPost("/messages/{id:long}/retry", async (long id, HttpContext http, Infrastructure.Delivery.OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        {
            await outbox.RetryMessageAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct);
            return Results.Redirect($"/messages/{id}");
        }).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/messages/{id:long}/cancel", async (long id, HttpContext http, Infrastructure.Delivery.OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        {
            await outbox.CancelMessageAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct);
            return Results.Redirect($"/messages/{id}");
        }).RequireAuthorization(ConsolePolicies.Act);
    }

    public static void Table(StringBuilder body, IReadOnlyList<MessageInfo> messages, TimeZoneInfo zone) =>
        Html.Table(body, ["编号", "日期", "渠道", "类型", "收件人", "单位", "主题", "状态", "尝试次数", "最近错误"], messages.Select(m => (IReadOnlyList<string>)
        [
            $"<a href=\"/messages/{m.Id}\">{m.Id}</a>", PageContext.D(m.LocalDate), Channels.Label(m.Channel), Html.E(Kind(m.Kind)),
            Html.E($"{m.RecipientName} {Infrastructure.Delivery.SecretMask.Address(m.Channel, m.RecipientAddress)}"), m.UnitId is { } u ? $"<a href=\"/units/{u}\">{Html.E(m.Unit)}</a>" : "—", Html.E(m.Subject),
            Html.E(PageContext.Status(m.State)), Html.N(m.Attempts), Html.E(m.LastError),
        ]), "暂无消息");

    private static string Kind(string kind) => kind switch
    {
        "unit_digest" => "单位提醒",
        "escalation" => "督办",
        "supervision_digest" => "督查通报",
        "notice" => "通知",
        _ => kind,
    };

    private static async Task<IResult> ListAsync(HttpContext http, MessageQueries messages, UnitQueries units, TimeZoneInfo zone, string? state, string? channel, string? kind, string? unit, CancellationToken ct)
    {
        var counts = await messages.MessageCountsAsync(ct);
        var body = new StringBuilder("<p>");
        foreach (var s in States)
        {
            body.Append("<a href=\"/messages?state=").Append(s).Append("\">").Append(Html.E(PageContext.Status(s))).Append(' ').Append(counts.GetValueOrDefault(s)).Append("</a> · ");
        }

        body.Append("<a href=\"/messages\">全部</a></p>")
            .Append("<form method=\"get\" action=\"/messages\" class=\"filters\">")
            .Append("<label>状态 <select name=\"state\">").Append(PageContext.Options(States.Select(s => (s, PageContext.Status(s))), state)).Append("</select></label>")
            .Append("<label>渠道 <select name=\"channel\">").Append(PageContext.Options(Channels.All.Select(c => (c, Channels.Label(c))), channel)).Append("</select></label>")
            .Append("<label>类型 <select name=\"kind\">").Append(PageContext.Options(Kinds.Select(k => (k, Kind(k))), kind)).Append("</select></label>")
            .Append("<label>单位 <select name=\"unit\">").Append(PageContext.Options((await units.UnitsAsync(ct)).Select(u => (Html.N(u.Id), u.Name)), unit)).Append("</select></label>")
            .Append("<button type=\"submit\">筛选</button></form>");
        Table(body, await messages.MessagesAsync(PageContext.Text(state), PageContext.Text(channel), PageContext.Text(kind), PageContext.Id(unit), null, 500, ct), zone);

        // The next batch: reminders the scan recorded as owed that no message carries yet.
        var owed = await messages.OwedRemindersAsync(200, ct);
        body.Append("<section><h2>下一批待发（已记录、尚未生成消息的提醒：").Append(owed.Count).Append(" 条）</h2>");
        Html.Table(body, ["日期", "级别", "任务", "节点", "完成时限", "牵头单位"], owed.Select(r => (IReadOnlyList<string>)
        [
            PageContext.D(r.LocalDate), r.Level switch { 1 => "提醒", 2 => "催办", _ => "督办" }, $"<a href=\"/tasks/{r.TaskId}\">{Html.E(r.TaskCode)}</a>",
            Html.E(r.MilestoneTitle), PageContext.D(r.DueDate), Html.E(r.LeadUnits),
        ]), "没有待发的提醒");
        body.Append("</section>");
        return Html.Page(http, "消息", body.ToString());
    }

    private static async Task<IResult> DetailAsync(long id, HttpContext http, MessageQueries messages, TimeZoneInfo zone, CancellationToken ct)
    {
        var found = await messages.MessageAsync(id, ct);
        if (found is not { } detail)
        {
            return Html.Page(http, "消息不存在", "<p>没有这条消息。</p>", StatusCodes.Status404NotFound);
        }

        var m = detail.Message;
        var body = new StringBuilder();
        Table(body, [m], zone);
        if (PageContext.CanAct(http))
        {
            if (m.State == "dead")
            {
                body.Append(Html.Button(http, $"/messages/{id}/retry", "重新发送"));
            }

            if (m.State is "pending" or "held" or "failed")
            {
                body.Append(Html.Button(http, $"/messages/{id}/cancel", "取消发送", css: "secondary"));
            }
        }

        // The HTML body is shown as text: it is ours, but a console must never render stored markup.
        body.Append("<section><h2>正文</h2><pre class=\"message\">").Append(Html.E(detail.BodyText)).Append("</pre></section>");
        body.Append("<section><h2>投递记录</h2>");
        Html.Table(body, ["次序", "节点", "开始", "结束", "结果", "错误", "服务商编号"], detail.Attempts.Select(a => (IReadOnlyList<string>)
            [Html.N(a.Attempt), Html.E(a.Worker), PageContext.T(a.StartedAt, zone), PageContext.T(a.FinishedAt, zone), Html.E(a.Outcome), Html.E(a.Error), Html.E(a.ProviderMessageId)]), "尚未投递");
        body.Append("</section>");
        return Html.Page(http, $"消息 {id}", body.ToString());
    }
}
