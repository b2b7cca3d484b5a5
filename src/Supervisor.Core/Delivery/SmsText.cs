using System.Globalization;

namespace Supervisor.Core.Delivery;

/// <summary>China's SMS segment: 70 characters (UCS-2) including the 【sign】. Longer texts split and cost more.</summary>
public static class SmsText
{
    public const int SegmentLength = 70;

    /// <summary>Characters as a handset counts them (text elements, so a surrogate pair counts once).</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;

    public static bool FitsOneSegment(string text) => Length(text) <= SegmentLength;

    /// <summary>The text cut to one segment, ending in "…" when it had to be cut.</summary>
    public static string Fit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var info = new StringInfo(text);
        return info.LengthInTextElements <= SegmentLength ? text : info.SubstringByTextElements(0, SegmentLength - 1) + "…";
    }

    /// <summary>
    /// The text cut to one segment without cutting <paramref name="keep"/> (a link): the words before it are shortened
    /// instead. Falls back to <see cref="Fit"/> when <paramref name="keep"/> is absent or leaves no room.
    /// </summary>
    public static string FitKeeping(string text, string? keep)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = string.IsNullOrEmpty(keep) ? -1 : text.LastIndexOf(keep, StringComparison.Ordinal);
        if (FitsOneSegment(text) || at < 0)
        {
            return Fit(text);
        }

        var rest = text[at..];
        var room = SegmentLength - Length(rest);
        if (room < 2)
        {
            return Fit(text);
        }

        var before = new StringInfo(text[..at]);
        return before.SubstringByTextElements(0, Math.Min(room - 1, before.LengthInTextElements)) + "…" + rest;
    }
}

/// <summary>Phone numbers in logs: 138****0101.</summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }

        return phone.Length < 8 ? new string('*', phone.Length) : string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4));
    }

    /// <summary>An address for a log line: e-mail addresses stay, phone numbers are masked.</summary>
    public static string Address(string address) => address.Contains('@', StringComparison.Ordinal) ? address : Mask(address);
}
