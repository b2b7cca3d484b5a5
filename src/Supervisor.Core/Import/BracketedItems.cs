using System.Text.RegularExpressions;

namespace Supervisor.Core.Import;

/// <summary>
/// News-style plans number their points 【大事一】【大事二】… instead of "1.". When a document has no "1."-style items,
/// a group of such headings becomes numbered items — but only a group whose blocks carry a "任务：" (or "目标：") label,
/// so a review of last year (【动能一】…, achievements, no tasks) is not mistaken for this year's tasks.
/// Lines are rewritten in place, never added or removed, so warnings keep their line numbers.
/// </summary>
internal static partial class BracketedItems
{
    public static string Rewrite(string text)
    {
        if (text.Length == 0 || !text.Contains('【', StringComparison.Ordinal) || ItemLine().IsMatch(text))
        {
            return text;
        }

        var lines = text.Split('\n');
        var headings = new List<(int Line, string Prefix, int Number, string Inline)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Heading().Match(lines[i]);
            if (match.Success && int.Parse(Numbering.ChineseValue(match.Groups[2].Value), System.Globalization.CultureInfo.InvariantCulture) is var n and > 0)
            {
                headings.Add((i, match.Groups[1].Value, n, match.Groups[3].Value.Trim()));
            }
        }

        var changed = false;
        foreach (var group in headings.GroupBy(h => h.Prefix))
        {
            var members = group.OrderBy(h => h.Line).ToList();
            var blocks = members.Select(h => (h, End: headings.Where(o => o.Line > h.Line).Select(o => o.Line).DefaultIfEmpty(lines.Length).Min())).ToList();
            if (members.Count < 2 || !blocks.Any(b => lines[(b.h.Line + 1)..b.End].Any(l => TaskLabel().IsMatch(l))))
            {
                continue;
            }

            foreach (var (heading, end) in blocks)
            {
                var title = heading.Inline;
                if (title.Length == 0)
                {
                    // The title is the next non-blank line: move it onto the heading line, blank its own.
                    for (var j = heading.Line + 1; j < end; j++)
                    {
                        if (lines[j].Trim().Length > 0)
                        {
                            title = lines[j].Trim();
                            lines[j] = "";
                            break;
                        }
                    }
                }

                if (title.Length > 0 && !title.EndsWith('。'))
                {
                    title += "。";
                }

                lines[heading.Line] = $"{heading.Number}.{title}";
                changed = true;
            }
        }

        return changed ? string.Join('\n', lines) : text;
    }

    [GeneratedRegex(@"^[ \t\u3000]*【([^】\d一二三四五六七八九十]{1,6})([一二三四五六七八九十]{1,2})】[:：]?(.{0,80})$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"(?m)^[ \t\u3000]*\**\d{1,3}\**[.．、]")]
    private static partial Regex ItemLine();

    [GeneratedRegex(@"^[ \t\u3000]*(任务|目标|工作任务|主要任务)[:：]")]
    private static partial Regex TaskLabel();
}
