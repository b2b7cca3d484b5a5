using System.Globalization;
using System.Text;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>日历: a month of working days (holidays and 调休 marked); an admin adds a year's official CSV.</summary>
public sealed partial class CalendarPage
{
    /// <param name="Notice">What an upload did, or why it was refused (<paramref name="Refused"/>).</param>
    public sealed record View(WorkingCalendar Calendar, DateOnly FirstOfMonth, DateOnly Today, string? Notice, bool Refused) : IPageModel<CalendarPage>;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/calendar", RenderAsync);
        pages.MapPost("/calendar", UploadAsync).RequireAuthorization(ConsolePolicies.Admin);
    }

    private static async Task<IResult> RenderAsync(CalendarStore calendars, SupervisionEngine engine, TimeProvider time, string? month, CancellationToken ct) =>
        Render.Page(await ViewAsync(calendars, engine, time, month, null, false, ct));

    private static async Task<View> ViewAsync(CalendarStore calendars, SupervisionEngine engine, TimeProvider time, string? month, string? notice, bool refused, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var first = DateOnly.TryParseExact((month ?? "") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) ? m : new DateOnly(today.Year, today.Month, 1);
        return new View(await calendars.LoadAsync(ct), first, today, notice, refused);
    }

    private static async Task<IResult> UploadAsync(HttpContext http, CalendarStore calendars, SupervisionEngine engine, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        try
        {
            using var reader = new StreamReader(file?.OpenReadStream() ?? Stream.Null, Encoding.UTF8);
            var days = CalendarCsv.Parse(await reader.ReadToEndAsync(ct));
            var written = await calendars.SaveAsync(days, ct);
            await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "calendar.import", null, new { written }, ct);
            return Render.Page(await ViewAsync(calendars, engine, time, null, $"已写入 {written} 天的日历数据。", false, ct));
        }
        catch (Exception ex) when (ex is BadInputException or FormatException)
        {
            // CalendarCsv names the line and what is wrong with it.
            return Render.Page(await ViewAsync(calendars, engine, time, null, "日历文件有误：" + (ex is BadInputException bad ? bad.Chinese : ex.Message), true, ct), StatusCodes.Status400BadRequest);
        }
    }
}
