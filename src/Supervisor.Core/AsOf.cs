using System.Globalization;
using System.Text.RegularExpressions;

namespace Supervisor.Core;

/// <summary>Reads an <c>--as-of</c> value: an ISO 8601 instant with its offset, or a date meaning 09:00 that day in the office's zone.</summary>
public static partial class AsOf
{
    /// <summary>The hour a bare date stands for: the start of the office's working morning, when the daily jobs have run.</summary>
    public static readonly TimeOnly DefaultTimeOfDay = new(9, 0);

    /// <exception cref="BadInputException">The text is neither; the message names <paramref name="optionName"/> and the accepted forms.</exception>
    public static DateTimeOffset Parse(string text, TimeZoneInfo zone, string optionName = "--as-of")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(zone);
        var trimmed = text.Trim();

        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var local = date.ToDateTime(DefaultTimeOfDay, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        // The offset is required: a wall-clock time alone would silently mean whatever zone this machine is in.
        if (InstantPattern().IsMatch(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        throw new BadInputException(
            $"{optionName} '{text}' is not a date (2023-06-26, meaning 09:00 in {zone.Id}) or an ISO 8601 time with an offset (2023-06-26T09:00+08:00)");
    }

    /// <summary>The local date of <see cref="Parse"/>'s instant: what "rates as of 2023-06-30" means.</summary>
    public static DateOnly ParseDate(string text, TimeZoneInfo zone, string optionName = "--as-of") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Parse(text, zone, optionName), zone).DateTime);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();
}
