namespace Supervisor.Core.Import;

/// <summary>Unit names and collective groups split out of one list ("区发改局、区林业局,相关乡镇办等").</summary>
public sealed record UnitList(IReadOnlyList<string> Units, IReadOnlyList<string> Groups);

public static class UnitListParser
{
    // "高等学校", "平等", "中等职业学校": 等 inside a name, not "and others".
    private static readonly string[] WordsWithDeng = ["高等", "平等", "中等", "初等", "同等", "对等", "等级", "上等", "优等"];

    private static readonly string[] GroupPrefixes = ["各", "相关", "有关", "其他", "其它"];

    private static readonly string[] GroupMarkers = ["各", "相关", "有关"];

    private static readonly string[] AdminLevels = ["乡镇", "街道", "社区", "县", "市", "区", "乡", "镇", "街", "村", "场", "办"];

    private static readonly string[] AdminSuffixes = ["人民政府", "政府", "党委", "党工委", "管委会", "办事处"];

    /// <summary>Splits on 、，,;；, removes "等", trims, and separates collective phrases as groups.</summary>
    public static UnitList Parse(string list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return new UnitList([], []);
        }

        var units = new List<string>();
        var groups = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lastGroupMergeable = false;
        foreach (var rawToken in SplitTopLevel(list.Replace("**", string.Empty, StringComparison.Ordinal)))
        {
            var token = Clean(rawToken);
            if (token.Length == 0)
            {
                continue;
            }

            // "各县、市、区政府" is one collective phrase the list separator happened to cut.
            if (lastGroupMergeable && IsAdminFragment(token))
            {
                seen.Remove(groups[^1]);
                groups[^1] = groups[^1] + "、" + token;
                seen.Add(groups[^1]);
                continue;
            }

            var (head, tail) = SplitAtDeng(token);
            lastGroupMergeable = false;
            if (head.Length > 0)
            {
                if (IsGroup(head))
                {
                    AddDistinct(groups, seen, head);
                    lastGroupMergeable = tail.Length == 0 && IsMergeableGroupStart(head);
                }
                else
                {
                    AddDistinct(units, seen, head);
                }
            }

            // "X等相关乡镇办场" names a group after 等; "X等单位" / "X等部门" just means "and others".
            if (tail.Length > 0 && IsGroup(tail))
            {
                AddDistinct(groups, seen, tail);
            }
        }

        return new UnitList(units, groups);
    }

    /// <summary>A collective reference rather than one unit: 各乡镇, 相关单位, 区直各部门, …领导小组成员单位.</summary>
    internal static bool IsGroup(string name)
    {
        foreach (var prefix in GroupPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var marker in GroupMarkers)
        {
            if (name.Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return name.EndsWith("成员单位", StringComparison.Ordinal);
    }

    private static bool IsMergeableGroupStart(string group)
    {
        foreach (var prefix in GroupPrefixes)
        {
            if (group.StartsWith(prefix, StringComparison.Ordinal))
            {
                return IsAdminFragment(group[prefix.Length..]);
            }
        }

        return false;
    }

    /// <summary>"市", "区政府", "街道": a bare administrative level, only meaningful as part of a preceding "各…" phrase.</summary>
    private static bool IsAdminFragment(string token)
    {
        foreach (var level in AdminLevels)
        {
            if (!token.StartsWith(level, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = token[level.Length..];
            if (rest.Length == 0 || Array.IndexOf(AdminSuffixes, rest) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static (string Head, string Tail) SplitAtDeng(string token)
    {
        for (var i = 1; i < token.Length; i++)
        {
            if (token[i] != '等' || IsPartOfWord(token, i))
            {
                continue;
            }

            var head = Clean(token[..i]);
            var tail = Clean(token[(i + 1)..]);
            return (head, tail);
        }

        return (token, string.Empty);
    }

    private static bool IsPartOfWord(string token, int dengIndex)
    {
        foreach (var word in WordsWithDeng)
        {
            var offset = word.IndexOf('等', StringComparison.Ordinal);
            var start = dengIndex - offset;
            if (start >= 0 && start + word.Length <= token.Length && string.CompareOrdinal(token, start, word, 0, word.Length) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits on list separators outside parentheses: "区委人才办(区委组织部、编办)" stays one name.</summary>
    private static List<string> SplitTopLevel(string list)
    {
        var tokens = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < list.Length; i++)
        {
            var c = list[i];
            if (ChineseText.IsOpenBracket(c))
            {
                depth++;
            }
            else if (ChineseText.IsCloseBracket(c))
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0 && ChineseText.IsListSeparator(c))
            {
                tokens.Add(list[start..i]);
                start = i + 1;
            }
        }

        tokens.Add(list[start..]);
        return tokens;
    }

    private static string Clean(string token)
    {
        var s = ChineseText.RemoveCjkSpaces(ChineseText.TrimPunctuation(token));
        s = ChineseText.TrimPunctuation(StripUnbalancedBrackets(s));
        return s.TrimEnd('等');
    }

    /// <summary>Drops a stray bracket left by a cut clause ("区发改局）"), keeps balanced ones ("区项目办(区发改局)").</summary>
    private static string StripUnbalancedBrackets(string s)
    {
        var depth = 0;
        foreach (var c in s)
        {
            if (ChineseText.IsOpenBracket(c))
            {
                depth++;
            }
            else if (ChineseText.IsCloseBracket(c))
            {
                depth--;
            }
        }

        if (depth == 0)
        {
            return s;
        }

        if (depth > 0)
        {
            while (s.Length > 0 && depth > 0 && ChineseText.IsOpenBracket(s[0]))
            {
                s = s[1..];
                depth--;
            }

            while (s.Length > 0 && depth > 0 && ChineseText.IsOpenBracket(s[^1]))
            {
                s = s[..^1];
                depth--;
            }
        }
        else
        {
            while (s.Length > 0 && depth < 0 && ChineseText.IsCloseBracket(s[^1]))
            {
                s = s[..^1];
                depth++;
            }

            while (s.Length > 0 && depth < 0 && ChineseText.IsCloseBracket(s[0]))
            {
                s = s[1..];
                depth++;
            }
        }

        return s;
    }

    private static void AddDistinct(List<string> list, HashSet<string> seen, string item)
    {
        if (seen.Add(item))
        {
            list.Add(item);
        }
    }
}
