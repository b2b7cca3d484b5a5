using System.Globalization;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;

namespace Supervisor.Web.Components;

/// <summary>Numbers, dates and instants as the console writes them: plain text, encoded by whatever renders it.</summary>
public static class Format
{
    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : Labels.None;

    public static string Percent(int? percent) => percent is { } p ? p.ToString(CultureInfo.InvariantCulture) + "%" : Labels.None;

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? Labels.None;

    public static string Date(DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? Labels.None;

    public static string Time(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } i ? TimeZoneInfo.ConvertTime(i, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : Labels.None;

    /// <summary>The office's local date of a timestamptz read by Dapper as a UTC DateTime.</summary>
    public static string LocalDate(DateTime? utc, TimeZoneInfo zone) =>
        utc is { } u ? Date(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(u, DateTimeKind.Utc), zone)) : Labels.None;

    /// <summary>A timestamptz read by Dapper as a UTC DateTime.</summary>
    public static string Time(DateTime? utc, TimeZoneInfo zone) =>
        utc is { } u ? Time(new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)), zone) : Labels.None;

    /// <summary>
    /// Where a milestone stands, as every page says it: 已办结, 待审核 (a 办结 application waits for the office), or for an
    /// open one <see cref="OverdueText.Standing(DateOnly, DateOnly, WorkingCalendar)"/> — never a bare 进行中 for an item years late.
    /// </summary>
    public static string Standing(Supervisor.Infrastructure.Postgres.MilestoneInfo m, DateOnly today, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(m);
        return m.Status == "done" ? Labels.MilestoneStatus("done")
            : m.ReviewState == "pending" ? "待审核"
            : OverdueText.Standing(DateOnly.FromDateTime(m.DueDate), today, calendar);
    }

    /// <summary>A due date, with the original beside it once an extension moved it (the original stays the assessment date).</summary>
    public static string Due(DateTime due, DateTime original) => due == original ? Date(due) : $"{Date(due)}（原 {Date(original)}）";
}
