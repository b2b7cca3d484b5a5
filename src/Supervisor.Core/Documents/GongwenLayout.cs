using System.Globalization;

namespace Supervisor.Core.Documents;

/// <summary>
/// The page and type of GB/T 9704-2012 (党政机关公文格式) in Word's units, and the numbering words a 公文 uses. Pure.
/// </summary>
public static class GongwenLayout
{
    /// <summary>Twentieths of a point per millimetre (Word's page and margin unit).</summary>
    public static int Twips(double millimetres) => (int)Math.Round(millimetres * 1440 / 25.4, MidpointRounding.AwayFromZero);

    public static readonly int PageWidth = Twips(210);
    public static readonly int PageHeight = Twips(297);
    public static readonly int MarginTop = Twips(37);
    public static readonly int MarginBottom = Twips(35);
    public static readonly int MarginLeft = Twips(28);
    public static readonly int MarginRight = Twips(26);

    /// <summary>The type area (版心) is 156 mm wide.</summary>
    public static readonly int TextWidth = PageWidth - MarginLeft - MarginRight;

    /// <summary>22 lines on the 225 mm type area: a fixed line pitch of 28.95 pt (579 twips).</summary>
    public const int LinePitch = 579;

    /// <summary>Type sizes in points: 初号 42, 小初 36, 2号 22, 3号 16, 4号 14, 小四 12, 5号 10.5.</summary>
    public const double Size0 = 42, SizeSmall0 = 36, Size2 = 22, Size3 = 16, Size4 = 14, SizeSmall4 = 12, Size5 = 10.5;

    /// <summary>The page number: "— 7 —" (一字线 either side), 4号 half-width 宋体 digits.</summary>
    public static string PageNumber(int page) => string.Create(CultureInfo.InvariantCulture, $"— {page} —");

    /// <summary>一、二、… for first-level headings (1 → 一, 10 → 十, 11 → 十一, 20 → 二十).</summary>
    public static string ChineseNumber(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 99);
        const string digits = "零一二三四五六七八九";
        if (n < 10)
        {
            return digits[n].ToString();
        }

        var tens = n / 10;
        var ones = n % 10;
        return (tens == 1 ? "" : digits[tens].ToString()) + "十" + (ones == 0 ? "" : digits[ones].ToString());
    }

    /// <summary>The issue line of a periodical 通报: "2026年第3期".</summary>
    public static string IssueNumber(int year, int number) => string.Create(CultureInfo.InvariantCulture, $"{year}年第{number}期");

    /// <summary>A document number with the year in 六角括号: "督办〔2026〕12号".</summary>
    public static string DocumentNumber(string prefix, int year, int number) => string.Create(CultureInfo.InvariantCulture, $"{prefix}〔{year}〕{number}号");

    /// <summary>A 公文 date: "2026年7月9日" (Arabic digits, no leading zeros, as GB/T 9704-2012 requires).</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}
