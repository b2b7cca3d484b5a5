namespace Supervisor.Core.Import;

/// <summary>
/// Quantified goals in a task text: each clause between ，；。 that states a quantity ("增长8%以上", "新增企业40家",
/// "突破180亿元"). Years, dates and codes ("2023年", "6月底", "G536", "5G") are not quantities.
/// </summary>
internal static class TargetExtractor
{
    private const int MaxTargets = 50;

    private static readonly string[] Measures =
    [
        "%", "％", "‰", "个百分点", "百分点", "亿", "万", "千瓦", "兆瓦", "千米", "千", "百", "个", "家", "人", "吨", "亩", "公里", "米", "项", "所", "户", "台",
        "次", "名", "套", "座", "条", "辆", "元", "倍", "期", "宗", "件", "场", "批", "起", "栋", "处", "间", "张", "床", "平方", "立方", "瓦",
        "天", "小时", "位", "头", "只", "株", "类", "轮", "块", "支", "部", "篇", "份", "度",
    ];

    private static readonly string[] Keywords =
    [
        "增长", "突破", "达到", "达", "控制在", "稳定在", "不少于", "不低于", "不超过", "以上", "以内", "以下", "超过", "提高", "提升", "下降", "降低", "新增", "完成", "实现",
    ];

    public static IReadOnlyList<string> Extract(string text)
    {
        var targets = new List<string>();
        var start = 0;
        for (var i = 0; i <= text.Length && targets.Count < MaxTargets; i++)
        {
            if (i < text.Length && !IsClauseBreak(text[i]))
            {
                continue;
            }

            if (i > start)
            {
                var clause = text[start..i].Trim();
                if (clause.Length > 0 && HasQuantity(clause) && !targets.Contains(clause, StringComparer.Ordinal))
                {
                    targets.Add(clause);
                }
            }

            start = i + 1;
        }

        return targets;
    }

    private static bool IsClauseBreak(char c) => c is '，' or ',' or '；' or ';' or '。' or '！' or '!' or '？' or '?' or '：' or ':' or '\n';

    internal static bool HasQuantity(string clause)
    {
        bool? hasKeyword = null;
        var i = 0;
        while (i < clause.Length)
        {
            if (!ChineseText.IsDigit(clause[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < clause.Length && (ChineseText.IsDigit(clause[i]) || (clause[i] is '.' or '．' && i + 1 < clause.Length && ChineseText.IsDigit(clause[i + 1]))))
            {
                i++;
            }

            // "G536", "s356", "5G": road and technology codes.
            var precededByLetter = start > 0 && ChineseText.IsAsciiLetter(clause[start - 1]);
            var next = i;
            while (next < clause.Length && clause[next] == ' ')
            {
                next++;
            }

            if (precededByLetter || (next < clause.Length && ChineseText.IsAsciiLetter(clause[next]) && !StartsWithMeasure(clause, next)) || IsDate(clause, start, i, next))
            {
                continue;
            }

            if (StartsWithMeasure(clause, next))
            {
                return true;
            }

            hasKeyword ??= Keywords.Any(keyword => clause.Contains(keyword, StringComparison.Ordinal));
            if (hasKeyword.Value)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDate(string clause, int start, int end, int next)
    {
        if (next >= clause.Length)
        {
            return false;
        }

        var c = clause[next];
        var isYear = end - start == 4;
        return c is '月' or '日' or '号' or '时' or '季' or '周' or '年' && (c != '年' || isYear || (next + 1 < clause.Length && clause[next + 1] is '度' or '底' or '内' or '前'))
            || (isYear && c is '-' or '—' or '–' or '~' or '～' or '至');
    }

    private static bool StartsWithMeasure(string clause, int at)
    {
        foreach (var measure in Measures)
        {
            if (at + measure.Length <= clause.Length && string.CompareOrdinal(clause, at, measure, 0, measure.Length) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
