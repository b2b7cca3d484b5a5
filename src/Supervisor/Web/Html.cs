using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;

namespace Supervisor.Web;

/// <summary>Server-rendered pages: one layout, text always encoded, Chinese left readable.</summary>
public static class Html
{
    // The default encoder escapes every non-ASCII character; the console is Chinese, so allow all ranges.
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly (string Href, string Label)[] Nav =
    [
        ("/", "总览"), ("/units", "单位"), ("/tasks", "任务"), ("/jobs", "作业"), ("/messages", "消息"),
        ("/import", "导入"), ("/extensions", "延期"), ("/calendar", "日历"),
    ];

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string Time(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } i ? TimeZoneInfo.ConvertTime(i, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Light(string? light) => light switch
    {
        "red" or "Red" => "<span class=\"light red\">● 红灯</span>",
        "yellow" or "Yellow" => "<span class=\"light yellow\">● 黄灯</span>",
        "green" or "Green" => "<span class=\"light green\">● 绿灯</span>",
        _ => "—",
    };

    /// <summary>The antiforgery field every form carries; a post without it gets 400.</summary>
    public static string Token(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>A one-button form posting to <paramref name="action"/>, with the antiforgery token and any extra fields.</summary>
    public static string Button(HttpContext http, string action, string label, string fields = "", string css = "") =>
        $"<form method=\"post\" action=\"{E(action)}\" class=\"inline\">{Token(http)}{fields}<button type=\"submit\" class=\"{css}\">{E(label)}</button></form>";

    public static IResult Page(HttpContext http, string title, string body, int status = StatusCodes.Status200OK, bool nav = true)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · 督查督办</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>")
            .Append("<header><a class=\"brand\" href=\"/\">督查督办 · Supervisor</a>");
        if (nav && http.User.Identity?.IsAuthenticated == true)
        {
            html.Append("<nav>");
            foreach (var (href, label) in Nav)
            {
                html.Append("<a href=\"").Append(href).Append("\">").Append(E(label)).Append("</a>");
            }

            // The Hangfire Dashboard answers admins and supervisors only (Web/Dashboard).
            if (http.User.IsInRole("admin") || http.User.IsInRole("supervisor"))
            {
                html.Append("<a href=\"/hangfire\">").Append(E("调度面板")).Append("</a>");
            }

            html.Append("</nav><span class=\"who\">").Append(E(http.User.Identity.Name)).Append('（')
                .Append(E(RoleLabel(http.User.FindFirstValue(ClaimTypes.Role)))).Append('）')
                .Append(Button(http, "/logout", "退出")).Append("</span>");
        }

        html.Append("</header><main>")
            .Append("<h1>").Append(E(title)).Append("</h1>")
            .Append(body)
            .Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static string RoleLabel(string? role) => role switch
    {
        "admin" => "管理员",
        "supervisor" => "督查室",
        "viewer" => "只读",
        _ => role ?? "",
    };

    public static void Table(StringBuilder body, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? emptyText = "暂无数据")
    {
        body.Append("<table><thead><tr>");
        foreach (var h in header)
        {
            body.Append("<th>").Append(h).Append("</th>");
        }

        body.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            body.Append("<tr>");
            foreach (var cell in row)
            {
                body.Append("<td>").Append(cell).Append("</td>");
            }

            body.Append("</tr>");
        }

        if (!any && emptyText is not null)
        {
            body.Append("<tr><td colspan=\"").Append(header.Count.ToString(CultureInfo.InvariantCulture)).Append("\" class=\"muted\">").Append(E(emptyText)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
    }
}
