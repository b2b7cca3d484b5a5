namespace Supervisor.Core.Import;

/// <summary>How a plan names itself: the title line and the year it is for.</summary>
internal static class PlanTitle
{
    private const int MaxTitleLength = 60;

    private static readonly string[] Keywords = ["方案", "清单", "任务", "工作安排", "计划", "要点", "台账"];

    /// <summary>A heading-like line naming a plan ("…责任分解方案", "…任务清单"): short, no sentence punctuation.</summary>
    public static bool LooksLikeTitle(string text)
    {
        if (text.Length is < 2 or > MaxTitleLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is '。' or '；' or ';' or '！' or '!' or '？' or '?' or '|')
            {
                return false;
            }
        }

        foreach (var keyword in Keywords)
        {
            if (text.Contains(keyword, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Cuts a fallback title (the first line of the document) to a displayable length.</summary>
    public static string Shorten(string text) =>
        text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "…");

    /// <summary>The first "20xx" in <paramref name="text"/> standing alone (not part of a longer number).</summary>
    public static int? YearIn(string? text, bool requireNian = false)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i + 4 <= text.Length; i++)
        {
            if (text[i] != '2' || text[i + 1] != '0' || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
            {
                continue;
            }

            var standsAlone = (i == 0 || !char.IsAsciiDigit(text[i - 1])) && (i + 4 == text.Length || !char.IsAsciiDigit(text[i + 4]));
            var followedByNian = i + 4 < text.Length && text[i + 4] == '年';
            if (standsAlone && (!requireNian || followedByNian))
            {
                return 2000 + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
            }
        }

        return null;
    }
}
