using System.Text;

namespace Supervisor.Core.Import;

internal enum LineKind
{
    Blank,
    TableRow,

    /// <summary>Web-export or layout noise to skip (breadcrumbs, photo captions, page numbers).</summary>
    Noise,

    /// <summary>A page footer ("本文地址…", "上一篇"): nothing after it belongs to the item above.</summary>
    Footer,
    Numbered,
    Labelled,
    Plain,
}

/// <summary>
/// One line of a text document with Markdown noise removed: heading marks, bold marks (the first bold span kept as
/// <see cref="BoldLead"/> when it opens the line's text, e.g. "6. **引进培育商贸企业。**大力…"), control characters.
/// </summary>
internal sealed class SourceLine
{
    private static readonly string[] NoisePrefixes =
    [
        "当前位置", "您当前的位置", "您的位置", "您现在的位置", "首页>", "首页 >", "编稿时间", "发布时间", "发布日期", "来源:", "来源：",
        "作者:", "作者：", "责任编辑", "浏览次数", "阅读次数", "点击数", "字号", "【字体", "【打印", "【关闭", "分享到", "扫一扫",
        "图片来源",
    ];

    private static readonly string[] FooterPrefixes =
    [
        "本文地址", "本文仅代表", "本文链接", "留言与评论", "验证码", "网站地图", "上一篇", "下一篇", "打印本页", "关闭窗口",
        "版权所有", "Copyright", "copyright", "附件：", "附件:", "相关链接", "相关阅读", "相关文章",
    ];

    private SourceLine(int number, string text, string? boldLead, bool endsBold, bool isMarkdownHeading, LineKind kind, Numbering numbering)
    {
        Number = number;
        Text = text;
        BoldLead = boldLead;
        EndsBold = endsBold;
        IsMarkdownHeading = isMarkdownHeading;
        Kind = kind;
        Numbering = numbering;
    }

    /// <summary>1-based line number in the document.</summary>
    public int Number { get; }

    /// <summary>The line without Markdown marks, trimmed; for table rows the raw trimmed line.</summary>
    public string Text { get; }

    /// <summary>The bold lead sentence after the number ("引进培育商贸企业"), when the line has one and it does not span the whole line.</summary>
    public string? BoldLead { get; }

    /// <summary>The line's text ends inside or at the end of a bold span: a bold title line, complete on its own.</summary>
    public bool EndsBold { get; }

    public bool IsMarkdownHeading { get; }

    public LineKind Kind { get; }

    public Numbering Numbering { get; }

    /// <summary>The text after the number.</summary>
    public string Content => Text[Numbering.ContentStart..];

    public static List<SourceLine> Read(string text)
    {
        var lines = new List<SourceLine>();
        var start = 0;
        var number = 1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not ('\n' or '\r' or '\u2028' or '\u2029' or '\u0085'))
            {
                continue;
            }

            lines.Add(Classify(number++, text.AsSpan(start, i - start)));
            if (i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n')
            {
                i++;
            }

            start = i + 1;
        }

        return lines;
    }

    /// <summary>Short, no sentence punctuation, no clause: "加强基础设施建设" between items is a sub-heading.</summary>
    public bool IsHeadingLike(int maxLength = 25)
    {
        var s = Text;
        if (Kind != LineKind.Plain || s.Length < 2 || s.Length > maxLength || !ChineseText.ContainsCjk(s))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is '。' or '，' or ',' or '；' or ';' or '：' or ':' or '！' or '!' or '？' or '?' or '|')
            {
                return false;
            }
        }

        return !ResponsibilityClause.EndsWithClause(s);
    }

    private static SourceLine Classify(int number, ReadOnlySpan<char> raw)
    {
        var (text, boldStart, boldEnd, isHeading) = StripMarkdown(raw);
        if (text.Length == 0)
        {
            return new(number, text, null, false, false, LineKind.Blank, Numbering.None);
        }

        var trimmedRaw = raw.Trim();
        if (trimmedRaw.Count('|') >= 2 || (trimmedRaw.Length > 1 && trimmedRaw[0] == '|'))
        {
            return new(number, trimmedRaw.ToString(), null, false, false, LineKind.TableRow, Numbering.None);
        }

        var noise = NoiseKindOf(text);
        if (noise != LineKind.Plain)
        {
            return new(number, text, null, false, isHeading, noise, Numbering.None);
        }

        var numbering = Numbering.Parse(text);
        var endsBold = boldStart >= 0 && boldEnd >= text.Length;
        string? boldLead = null;
        var contentStart = numbering.ContentStart;
        if (boldStart >= 0 && boldStart <= contentStart && boldEnd > contentStart && boldEnd < text.Length)
        {
            var lead = ChineseText.TrimEndPunctuation(text[contentStart..boldEnd]);
            boldLead = lead.Length is > 0 and <= 60 ? lead : null;
        }

        var kind = numbering.Level != NumberingLevel.None ? LineKind.Numbered
            : ResponsibilityClause.IsLabelledLine(text) ? LineKind.Labelled
            : LineKind.Plain;
        return new(number, text, boldLead, endsBold, isHeading, kind, numbering);
    }

    /// <summary>Drops "#"/"&gt;" heading and quote marks, "**" bold marks and control characters; returns the first bold span.</summary>
    private static (string Text, int BoldStart, int BoldEnd, bool IsHeading) StripMarkdown(ReadOnlySpan<char> raw)
    {
        var i = 0;
        while (i < raw.Length && char.IsWhiteSpace(raw[i]))
        {
            i++;
        }

        var isHeading = false;
        var hashes = 0;
        while (i + hashes < raw.Length && raw[i + hashes] == '#' && hashes < 7)
        {
            hashes++;
        }

        if (hashes is > 0 and <= 6 && (i + hashes == raw.Length || char.IsWhiteSpace(raw[i + hashes]) || raw[i + hashes] == '*'))
        {
            isHeading = true;
            i += hashes;
        }
        else if (i < raw.Length && raw[i] == '>')
        {
            i++;
        }

        var sb = new StringBuilder(raw.Length - i);
        var boldStart = -1;
        var boldEnd = -1;
        var inBold = false;
        for (; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '*' && i + 1 < raw.Length && raw[i + 1] == '*')
            {
                i++;
                inBold = !inBold;
                if (inBold && boldStart < 0)
                {
                    boldStart = sb.Length;
                }
                else if (!inBold && boldEnd < 0 && boldStart >= 0)
                {
                    boldEnd = sb.Length;
                }

                continue;
            }

            if (char.IsControl(c) || c is '\u200b' or '\u200c' or '\u200d' or '\ufeff' or '\u2060' or '\ufffd')
            {
                if (c == '\t')
                {
                    sb.Append(' ');
                }

                continue;
            }

            sb.Append(c);
        }

        // An unclosed bold mark leaves no span.
        if (boldStart >= 0 && boldEnd < 0)
        {
            boldStart = -1;
        }

        var untrimmed = sb.ToString();
        var text = untrimmed.Trim();
        var shift = untrimmed.Length - untrimmed.TrimStart().Length;
        if (boldStart >= 0)
        {
            boldStart = Math.Max(0, boldStart - shift);
            boldEnd = Math.Min(text.Length, boldEnd - shift);
            if (boldEnd <= boldStart)
            {
                boldStart = boldEnd = -1;
            }
        }

        return (text, boldStart, boldEnd, isHeading);
    }

    private static LineKind NoiseKindOf(string text)
    {
        foreach (var prefix in FooterPrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return LineKind.Footer;
            }
        }

        foreach (var prefix in NoisePrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return LineKind.Noise;
            }
        }

        // Photo captions and bylines in newspaper exports: "衡山黄鸡产业旺。 ■唐志军 摄", "■策划 谷蓉文/…记者".
        if (text.Contains('■', StringComparison.Ordinal) &&
            (text.EndsWith('摄') || text.Contains("记者", StringComparison.Ordinal) || text.Contains("通讯员", StringComparison.Ordinal) || text.Contains("策划", StringComparison.Ordinal)))
        {
            return LineKind.Noise;
        }

        // "3." alone is an item number whose text starts on the next line, not a page number.
        var bare = Numbering.Parse(text + " ");
        var isBareItemNumber = bare.Level == NumberingLevel.Item && bare.ContentStart >= text.Length;
        return !isBareItemNumber && IsPageNumberOrDate(text) ? LineKind.Noise : LineKind.Plain;
    }

    /// <summary>"3", "- 12 -", "第 3 页", "2023年3月1日", "2023-02-15": page furniture that may cut a sentence in two.</summary>
    private static bool IsPageNumberOrDate(string text)
    {
        var digits = 0;
        var others = 0;
        foreach (var c in text)
        {
            if (ChineseText.IsDigit(c))
            {
                digits++;
            }
            else if (!char.IsWhiteSpace(c) && c is not ('-' or '—' or '–' or '第' or '页' or '共' or '/' or '年' or '月' or '日' or '.'))
            {
                others++;
            }
        }

        return digits > 0 && others == 0;
    }
}
