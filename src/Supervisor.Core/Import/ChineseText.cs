namespace Supervisor.Core.Import;

/// <summary>Character classes shared by the plan parsers; documents mix full-width and half-width punctuation freely.</summary>
internal static class ChineseText
{
    public static bool IsOpenBracket(char c) => c is '(' or '（' or '〔' or '[' or '［' or '【' or '﹝';

    public static bool IsCloseBracket(char c) => c is ')' or '）' or '〕' or ']' or '］' or '】' or '﹞';

    /// <summary>Separators between names in a unit or leader list.</summary>
    public static bool IsListSeparator(char c) => c is '、' or '，' or ',' or ';' or '；' or '\n' or '\r';

    /// <summary>Punctuation that ends a sentence or a clause: a line ending with one of these is complete.</summary>
    public static bool IsTerminal(char c) => c is '。' or '！' or '!' or '？' or '?' or '；' or ';' or '…' or '：' or ':' or '.' or '．';

    /// <summary>Punctuation that may trail a clause or a name and carries no meaning there.</summary>
    public static bool IsTrailingPunctuation(char c) =>
        c is '。' or '，' or ',' or '；' or ';' or '、' or '.' or '．' or '：' or ':' or '！' or '!' or '？' or '?';

    public static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    public static bool IsDigit(char c) => c is >= '0' and <= '9' or >= '０' and <= '９';

    public static char ToAsciiDigit(char c) => c is >= '０' and <= '９' ? (char)(c - '０' + '0') : c;

    public static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    public static bool ContainsCjk(string s)
    {
        foreach (var c in s)
        {
            if (IsCjk(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Trims whitespace and the given punctuation from both ends.</summary>
    public static string TrimPunctuation(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && (char.IsWhiteSpace(s[start]) || IsTrailingPunctuation(s[start])))
        {
            start++;
        }

        while (end > start && (char.IsWhiteSpace(s[end - 1]) || IsTrailingPunctuation(s[end - 1])))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary>Trims whitespace and sentence punctuation at the end only ("地区生产总值增长8%以上。" → "…以上").</summary>
    public static string TrimEndPunctuation(string s)
    {
        var end = s.Length;
        while (end > 0 && (char.IsWhiteSpace(s[end - 1]) || IsTrailingPunctuation(s[end - 1])))
        {
            end--;
        }

        return s[..end].TrimStart();
    }

    /// <summary>The index of the first sentence end (。；;！？) at or after <paramref name="start"/>, or -1.</summary>
    public static int IndexOfSentenceEnd(string s, int start = 0)
    {
        for (var i = start; i < s.Length; i++)
        {
            if (s[i] is '。' or '；' or ';' or '！' or '!' or '？' or '?' or '\n')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The first sentence of <paramref name="text"/> without its end mark. A longer sentence is cut at its last comma
    /// within <paramref name="maxLength"/> characters, else hard at that length with "…".
    /// </summary>
    public static string FirstSentence(string text, int maxLength = 40)
    {
        var end = IndexOfSentenceEnd(text);
        var sentence = TrimEndPunctuation(end < 0 ? text : text[..end]).Trim();
        if (sentence.Length <= maxLength)
        {
            return sentence;
        }

        var comma = sentence.AsSpan(0, maxLength + 1).LastIndexOfAny('，', ',');
        return comma >= maxLength / 4
            ? TrimEndPunctuation(sentence[..comma])
            : string.Concat(sentence.AsSpan(0, maxLength), "…");
    }

    /// <summary>Removes whitespace between Chinese characters ("市生态环境局 咸安分局" is one name), keeps it between Latin words.</summary>
    public static string RemoveCjkSpaces(string s)
    {
        if (!s.Any(char.IsWhiteSpace))
        {
            return s;
        }

        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                var prev = sb.Length > 0 ? sb[^1] : ' ';
                var j = i;
                while (j < s.Length && char.IsWhiteSpace(s[j]))
                {
                    j++;
                }

                var next = j < s.Length ? s[j] : ' ';
                if (IsAsciiLetter(prev) && IsAsciiLetter(next))
                {
                    sb.Append(' ');
                }

                i = j - 1;
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
