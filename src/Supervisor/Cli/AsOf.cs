using System.Globalization;
using Supervisor.Core;

namespace Supervisor.Cli;

/// <summary>Parses <c>--as-of</c>/<c>--at</c>: ISO 8601 with an offset, a local date-time, or a date (09:00 local).</summary>
public static class AsOf
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    public static DateTimeOffset Parse(string text, TimeZoneInfo zone, string option = "--as-of")
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Local(date.ToDateTime(new TimeOnly(9, 0)), zone);
        }

        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return Local(local, zone);
        }

        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        throw new BadInputException($"{option} '{text}' is not a date or time (examples: 2023-06-26, 2023-06-26T09:00, 2023-06-26T09:00+08:00)");
    }

    public static DateOnly ParseDate(string text, TimeZoneInfo zone, string option = "--as-of") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Parse(text, zone, option), zone).DateTime);

    private static DateTimeOffset Local(DateTime local, TimeZoneInfo zone) => new(local, zone.GetUtcOffset(local));
}
