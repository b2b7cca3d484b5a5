using System.Globalization;

namespace Supervisor.Core.Import;

/// <summary>Outline levels, outermost first: 一、 / （一） / 1. / （1）.</summary>
internal enum NumberingLevel
{
    None,

    /// <summary>一、</summary>
    Part,

    /// <summary>（一） or (一)</summary>
    Chapter,

    /// <summary>1. 1． 1、 — the task level.</summary>
    Item,

    /// <summary>（1） (1) ① — sub-points inside a task.</summary>
    SubItem,
}

/// <summary>
/// The number at the start of a line: its level, the number as written in one normal form (<see cref="Token"/>: "（一）", "12."),
/// its value in Arabic digits ("1", "12") and where the text after it starts.
/// </summary>
internal readonly record struct Numbering(NumberingLevel Level, string Token, string Value, int ContentStart)
{
    private const string ChineseDigits = "零〇一二两三四五六七八九十百";

    public static readonly Numbering None = new(NumberingLevel.None, string.Empty, string.Empty, 0);

    public static Numbering Parse(string line)
    {
        if (line.Length < 2)
        {
            return None;
        }

        var first = line[0];
        if (ChineseDigits.Contains(first, StringComparison.Ordinal))
        {
            var end = ScanChineseNumeral(line, 0);
            if (end < line.Length && line[end] is '、' or '．' or '.')
            {
                var numeral = line[..end];
                return new(NumberingLevel.Part, numeral + "、", ChineseValue(numeral), SkipSpaces(line, end + 1));
            }

            return None;
        }

        if (first is '(' or '（' && line.Length >= 3)
        {
            if (ChineseDigits.Contains(line[1], StringComparison.Ordinal))
            {
                var end = ScanChineseNumeral(line, 1);
                if (end < line.Length && line[end] is ')' or '）')
                {
                    var numeral = line[1..end];
                    return new(NumberingLevel.Chapter, "（" + numeral + "）", ChineseValue(numeral), SkipSpaces(line, end + 1));
                }
            }
            else if (ChineseText.IsDigit(line[1]))
            {
                var end = ScanDigits(line, 1);
                if (end < line.Length && line[end] is ')' or '）')
                {
                    var digits = AsciiDigits(line, 1, end);
                    return new(NumberingLevel.SubItem, "（" + digits + "）", digits, SkipSpaces(line, end + 1));
                }
            }

            return None;
        }

        if (first is >= '①' and <= '⑳')
        {
            var value = (first - '①' + 1).ToString(CultureInfo.InvariantCulture);
            return new(NumberingLevel.SubItem, "（" + value + "）", value, SkipSpaces(line, 1));
        }

        if (ChineseText.IsDigit(first))
        {
            var end = ScanDigits(line, 0);
            if (end >= line.Length || end > 5)
            {
                return None;
            }

            var delimiter = line[end];
            // "1.5亿元" is a decimal, not item 1; "1、2023年…" is item 1.
            var isDecimalPoint = delimiter is '.' or '．' && end + 1 < line.Length && ChineseText.IsDigit(line[end + 1])
                && !StartsWithMonth(line, end + 1);
            if (delimiter is '.' or '．' or '、' && !isDecimalPoint)
            {
                var digits = AsciiDigits(line, 0, end);
                return new(NumberingLevel.Item, digits + ".", digits, SkipSpaces(line, end + 1));
            }
        }

        return None;
    }

    private static int ScanChineseNumeral(string line, int start)
    {
        var end = start;
        while (end < line.Length && end - start < 4 && ChineseDigits.Contains(line[end], StringComparison.Ordinal))
        {
            end++;
        }

        return end;
    }

    private static int ScanDigits(string line, int start)
    {
        var end = start;
        while (end < line.Length && end - start < 6 && ChineseText.IsDigit(line[end]))
        {
            end++;
        }

        return end;
    }

    private static string AsciiDigits(string line, int start, int end)
    {
        var chars = new char[end - start];
        for (var i = start; i < end; i++)
        {
            chars[i - start] = ChineseText.ToAsciiDigit(line[i]);
        }

        // "01" and "1" are the same item.
        var s = new string(chars).TrimStart('0');
        return s.Length == 0 ? "0" : s;
    }

    private static int SkipSpaces(string line, int i)
    {
        while (i < line.Length && char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>"十二" → "12", "二十" → "20", "一百零五" → "105".</summary>
    internal static string ChineseValue(string numeral)
    {
        var total = 0;
        var current = 0;
        foreach (var c in numeral)
        {
            switch (c)
            {
                case '十':
                    total += (current == 0 ? 1 : current) * 10;
                    current = 0;
                    break;
                case '百':
                    total += (current == 0 ? 1 : current) * 100;
                    current = 0;
                    break;
                default:
                    current = "零一二三四五六七八九".IndexOf(c, StringComparison.Ordinal) is var d and >= 0 ? d : c is '〇' ? 0 : c is '两' ? 2 : current;
                    break;
            }
        }

        return (total + current).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>"5.3月底前…" is item 5 followed by "3月底前…": a month or day is never a fraction.</summary>
    private static bool StartsWithMonth(string line, int start)
    {
        var i = start;
        while (i < line.Length && i - start < 2 && ChineseText.IsDigit(line[i]))
        {
            i++;
        }

        return i < line.Length && line[i] is '月' or '日';
    }
}
