using System.Globalization;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Web.Pages;

/// <summary>What every page needs: the office's zone, today in it, who is acting.</summary>
public static class PageContext
{
    public static string Actor(HttpContext http) => http.User.Identity?.Name ?? "anonymous";

    public static DateOnly Today(SupervisionEngine engine, TimeProvider time) => engine.LocalDate(time.GetUtcNow());

    public static bool CanAct(HttpContext http) => http.User.IsInRole("admin") || http.User.IsInRole("supervisor");

    public static bool IsAdmin(HttpContext http) => http.User.IsInRole("admin");

    public static string D(DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string T(DateTime? utc, TimeZoneInfo zone) =>
        utc is { } u ? Html.Time(new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)), zone) : "—";

    public static long? Id(string? text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The posted form; anything that is not a form (no body, text/plain, JSON) is a 415 with a message, not a 500.</summary>
    public static Task<IFormCollection> FormAsync(HttpContext http, CancellationToken ct) =>
        http.Request.HasFormContentType
            ? http.Request.ReadFormAsync(ct)
            : throw new BadHttpRequestException("expected a form", StatusCodes.Status415UnsupportedMediaType);

    public static string Options(IEnumerable<(string Value, string Label)> options, string? selected, string emptyLabel = "全部")
    {
        var html = new System.Text.StringBuilder($"<option value=\"\">{Html.E(emptyLabel)}</option>");
        foreach (var (value, label) in options)
        {
            html.Append("<option value=\"").Append(Html.E(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(Html.E(label)).Append("</option>");
        }

        return html.ToString();
    }

    public static string Status(string status) => status switch
    {
        "open" => "进行中",
        "done" => "已办结",
        "pending" => "待发送",
        "held" => "静默时段暂缓",
        "sending" => "发送中",
        "sent" => "已发送",
        "failed" => "失败待重试",
        "dead" => "已放弃",
        "cancelled" => "已取消",
        "approved" => "已批准",
        "rejected" => "已驳回",
        "succeeded" => "成功",
        "running" => "运行中",
        "skipped" => "跳过",
        "paused" => "已暂停",
        "completion" => "完成节点",
        "report" => "进展报送",
        _ => status,
    };
}
