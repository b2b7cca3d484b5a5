using System.Globalization;
using System.Text.RegularExpressions;

namespace Supervisor.Core.Milestones;

/// <summary>A deadline phrase found in a text: the date it names, the phrase as written, and where it starts.</summary>
public sealed record DeadlineHit(DateOnly Date, string Phrase, int Index)
{
    public int End => Index + Phrase.Length;
}

/// <summary>Every deadline phrase of a text in text order; <see cref="Ongoing"/> when it also says the work never ends (长期坚持, 常态化…).</summary>
public sealed record DeadlineScan(IReadOnlyList<DeadlineHit> Hits, bool Ongoing);

/// <summary>Recognises the deadline phrases of decomposition documents (6月底前, 二季度, 年内, 明年7月份, 三年内…) relative to the plan year.</summary>
public static partial class DeadlinePhrases
{
    // A number written in Arabic or Chinese digits; the lookbehind keeps a match from starting inside one.
    private const string NotInNumber = "(?<![0-9零〇一二两三四五六七八九十百千万])";
    private const string Month = "(?<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月";
    private const string Day = "(?<day>[12][0-9]|3[01]|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]";

    // What may follow a bare month (8月实现开园), a day (6月15日前) or a bare year (2024年完成) for it to be a
    // deadline rather than a date in passing (2023年全县经济…, 1月9日，县委召开…). "2024年前" is left out: it may
    // mean before 2024 as well as by the end of it.
    private const string MonthActions = "前|之前|以前|完成|实现|建成|开工|动工|启动|投产|竣工|完工|开园|开业|运营|通车|交付|投用|投入使用|出台|制定|印发|召开|举办|上线|验收|落地|挂牌|到位|全面|基本|力争|确保|达到";
    private const string YearActions = "完成|实现|建成|开工|动工|投产|竣工|完工|开园|开业|运营|通车|交付|投用|投入使用|验收|落地|到位|全面完成|基本完成|全面建成|基本建成|力争|确保|达到";

    private const string MonthPhrase =
        $"{Month}(?:{Day}(?=(?:{MonthActions}))|(?<xun>上旬|中旬|下旬)|(?<monthEnd>底|末|份)|(?=(?:{MonthActions})))";

    private const string Quarter = "第?(?<quarter>[一二三四1-4])季度(?:末|底)?";
    private const string Half = "(?<half>上|下)半年(?:末|底)?";

    private const string Pattern =
        NotInNumber + "(?<![-－—–~～])" +
        "(?:" +
            "(?:(?<year>(?:19|20)[0-9]{2})|(?<relative>明|今|本|次|当|后|去|上|前))年" +
            $"(?:{MonthPhrase}|{Quarter}|{Half}|(?<yearEnd>底|末|内|度内)|(?<bareYear>)(?=(?:{YearActions})))" +
        "|" +
            $"(?:{MonthPhrase}|{Quarter}|{Half}|(?<yearEnd>年底|年末|年内|全年|年度内)|(?<years>10|[1-9]|十|[一二两三四五六七八九])年内)" +
        ")" +
        "(?:之前|以前|前)?" +
        // 6月以来, 3月起, the 3月底 of 3月底至6月底: where something starts, not its deadline.
        "(?!以来|以后|开始|起|至|到(?!位)|[-－—–~～])";

    [GeneratedRegex(Pattern)]
    private static partial Regex PhraseRegex();

    // 中长期 (mid-to-long-term plans) and 长期以来 (for a long time) are not ongoing work.
    [GeneratedRegex("(?<!中)长期(?!以来)|持续推进|常态化")]
    private static partial Regex OngoingRegex();

    public static DeadlineScan Scan(string text, int planYear)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(planYear, 1900);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(planYear, 9000);

        // Full-width digits become ASCII one for one, so indices into the normalised text are indices into the text.
        var normalized = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= '０' and <= '９' ? (char)(c - '０' + '0') : c;
            }
        });

        var hits = new List<DeadlineHit>();
        foreach (Match match in PhraseRegex().Matches(normalized))
        {
            var date = DateOf(match, planYear);

            // A plan's deadlines cannot precede its year: earlier dates are history (截至去年底, 2022年底前已完成).
            if (date is { } d && d.Year >= planYear)
            {
                hits.Add(new DeadlineHit(d, text.Substring(match.Index, match.Length), match.Index));
            }
        }

        return new DeadlineScan(hits, OngoingRegex().IsMatch(normalized));
    }

    private static DateOnly? DateOf(Match match, int planYear)
    {
        var year = planYear;
        if (match.Groups["year"].Success)
        {
            year = int.Parse(match.Groups["year"].ValueSpan, CultureInfo.InvariantCulture);
        }
        else if (match.Groups["relative"].Success)
        {
            year += match.Groups["relative"].ValueSpan[0] switch
            {
                '明' or '次' => 1,
                '后' => 2,
                '去' or '上' => -1,
                '前' => -2,
                _ => 0,
            };
        }

        if (match.Groups["month"].Success)
        {
            var month = ParseNumber(match.Groups["month"].Value);
            if (month is < 1 or > 12)
            {
                return null;
            }

            var daysInMonth = DateTime.DaysInMonth(year, month);
            var day = daysInMonth;
            if (match.Groups["day"].Success)
            {
                day = ParseNumber(match.Groups["day"].Value);
                if (day < 1 || day > daysInMonth)
                {
                    return null;
                }
            }
            else if (match.Groups["xun"].Success)
            {
                day = match.Groups["xun"].Value switch
                {
                    "上旬" => 10,
                    "中旬" => 20,
                    _ => daysInMonth,
                };
            }

            return new DateOnly(year, month, day);
        }

        if (match.Groups["quarter"].Success)
        {
            var quarter = ParseNumber(match.Groups["quarter"].Value);
            var lastMonth = quarter * 3;
            return new DateOnly(year, lastMonth, DateTime.DaysInMonth(year, lastMonth));
        }

        if (match.Groups["half"].Success)
        {
            return match.Groups["half"].Value == "上" ? new DateOnly(year, 6, 30) : new DateOnly(year, 12, 31);
        }

        if (match.Groups["years"].Success)
        {
            // 三年内 in a 2023 plan: 2023, 2024 and 2025.
            return new DateOnly(year + ParseNumber(match.Groups["years"].Value) - 1, 12, 31);
        }

        // 年底, 年内, 2024年底前, 2024年完成.
        return new DateOnly(year, 12, 31);
    }

    /// <summary>1–31 written in Arabic digits or as Chinese numerals (十二, 二十五, 两).</summary>
    private static int ParseNumber(string text)
    {
        if (char.IsAsciiDigit(text[0]))
        {
            return int.Parse(text, CultureInfo.InvariantCulture);
        }

        var tens = text.IndexOf('十', StringComparison.Ordinal);
        if (tens < 0)
        {
            return Digit(text[0]);
        }

        var high = tens == 0 ? 1 : Digit(text[0]);
        var low = tens == text.Length - 1 ? 0 : Digit(text[tens + 1]);
        return (high * 10) + low;

        static int Digit(char c) => "零一二三四五六七八九".IndexOf(c, StringComparison.Ordinal) is var i and >= 0 ? i : c == '两' ? 2 : 0;
    }
}
