using System.Globalization;
using System.Text;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>日历: a month of working days (holidays and 调休 marked); an admin adds a year's official CSV.</summary>
public static class CalendarPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/calendar", RenderAsync);
        pages.MapPost("/calendar", UploadAsync).RequireAuthorization(ConsolePolicies.Admin);
    }

    private static async Task<IResult> RenderAsync(HttpContext http, CalendarStore calendars, SupervisionEngine engine, TimeProvider time, string? month, CancellationToken ct) =>
        Html.Page(http, "日历", await BodyAsync(http, calendars, engine, time, month, null, ct));

    private static async Task<string> BodyAsync(HttpContext http, CalendarStore calendars, SupervisionEngine engine, TimeProvider time, string? month, string? message, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var first = DateOnly.TryParseExact((month ?? "") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) ? m : new DateOnly(today.Year, today.Month, 1);
        var calendar = await calendars.LoadAsync(ct);
        var body = new StringBuilder();
        if (message is not null)
        {
            body.Append("<p class=\"notice\">").Append(message).Append("</p>");
        }

        body.Append("<p>已有数据的年份：").Append(Html.E(string.Join("、", calendar.YearsCovered.Order()))).Append("</p>");
        body.Append("<p><a href=\"/calendar?month=").Append(first.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture)).Append("\">◀ 上月</a> <strong>")
            .Append(first.ToString("yyyy 年 M 月", CultureInfo.InvariantCulture)).Append("</strong> <a href=\"/calendar?month=")
            .Append(first.AddMonths(1).ToString("yyyy-MM", CultureInfo.InvariantCulture)).Append("\">下月 ▶</a></p>");
        body.Append("<table class=\"calendar\"><thead><tr><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th><th>六</th><th>日</th></tr></thead><tbody><tr>");
        var offset = ((int)first.DayOfWeek + 6) % 7;
        body.Append(string.Concat(Enumerable.Repeat("<td></td>", offset)));
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            if (day != first && ((int)day.DayOfWeek + 6) % 7 == 0)
            {
                body.Append("</tr><tr>");
            }

            var entry = calendar.Find(day);
            var working = calendar.IsWorkingDay(day);
            var css = working ? "work" : "rest";
            var label = entry switch
            {
                { Kind: DayKind.Holiday } => Html.E(entry.Name ?? "节假日"),
                { Kind: DayKind.Workday } => Html.E((entry.Name ?? "") + " 调休上班"),
                _ => working ? "" : "休息",
            };
            body.Append("<td class=\"").Append(css).Append(day == today ? " today" : "").Append("\"><div>").Append(day.Day).Append("</div><small>").Append(label).Append("</small></td>");
        }

        body.Append("</tr></tbody></table>");
        if (PageContext.IsAdmin(http))
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <section><h2>添加年度数据</h2><form method="post" action="/calendar" enctype="multipart/form-data" class="filters">{Html.Token(http)}
                <label>CSV（{CalendarCsv.Header}；kind = holiday | workday） <input type="file" name="file" required></label>
                <button type="submit">导入</button></form></section>
                """);
        }

        return body.ToString();
    }

    private static async Task<IResult> UploadAsync(HttpContext http, CalendarStore calendars, SupervisionEngine engine, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        string message;
        var status = StatusCodes.Status200OK;
        try
        {
            using var reader = new StreamReader(file?.OpenReadStream() ?? Stream.Null, Encoding.UTF8);
            var days = CalendarCsv.Parse(await reader.ReadToEndAsync(ct));
            var written = await calendars.SaveAsync(days, ct);
            await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "calendar.import", null, new { written }, ct);
            message = $"已写入 {written} 天的日历数据。";
        }
        catch (Exception ex) when (ex is BadInputException or FormatException)
        {
            // CalendarCsv names the line and what is wrong with it.
            message = Html.E("日历文件有误：" + (ex is BadInputException bad ? bad.Chinese : ex.Message));
            status = StatusCodes.Status400BadRequest;
        }

        return Html.Page(http, "日历", await BodyAsync(http, calendars, engine, time, null, message, ct), status);
    }
}
