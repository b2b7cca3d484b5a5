namespace Supervisor.Core.Import;

/// <summary>Unit names and collective groups split out of one list ("区发改局、区林业局,相关乡镇办等").</summary>
/// <summary><see cref="OpenEnded"/>: the list ends "等有关部门" / "等相关单位" — more units take part than it names.</summary>
public sealed record UnitList(IReadOnlyList<string> Units, IReadOnlyList<string> Groups)
{
    public bool OpenEnded { get; init; }
}

public static partial class UnitListParser
{
    // "高等学校", "平等", "中等职业学校": 等 inside a name, not "and others".
    private static readonly string[] WordsWithDeng = ["高等", "平等", "中等", "初等", "同等", "对等", "等级", "上等", "优等"];

    private static readonly string[] GroupPrefixes = ["各", "相关", "有关", "其他", "其它"];

    private static readonly string[] GroupMarkers = ["各", "相关", "有关"];

    // Kinds of division a collective reference lists after one 各 ("各市、县级市", "各旗、县（市、区）"), longest first.
    private static readonly string[] AdminLevels =
    [
        "社区居委会", "街道办事处", "县级市", "自治县", "自治旗", "民族乡", "工业园区", "经开区", "高新区", "开发区",
        "管委会", "居委会", "村委会", "园区", "新区", "乡镇", "街道", "社区", "苏木", "农场", "林场", "县", "市", "区",
        "旗", "乡", "镇", "街", "村", "场", "办",
    ];

    // A county has one of each: written alone, the name is that unit.
    private static readonly string[] NamedZones = ["高新区", "经开区", "开发区", "新区", "工业园区", "农场", "林场"];

    private static readonly string[] AdminSuffixes = ["人民政府", "政府", "党委", "党工委", "管委会", "办事处"];

    /// <summary>Splits on 、，,;；, removes "等", trims, and separates collective phrases as groups.</summary>
    public static UnitList Parse(string list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return new UnitList([], []);
        }

        var openEnded = false;
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
                // "自治县", "园区", "管委会" alone name a kind of division, never one unit ("高新区" alone is the county's one).
                if (IsGroup(head) || (IsAdminFragment(head) && Array.IndexOf(NamedZones, head) < 0))
                {
                    AddDistinct(groups, seen, head);
                    lastGroupMergeable = tail.Length == 0 && IsMergeableGroupStart(head);
                }
                else
                {
                    AddDistinct(units, seen, head);
                }
            }

            // "X等相关乡镇办场" names a group after 等; "X等有关部门" / "X等单位" just means "and others": no unit,
            // no group, but the list is open-ended and the office is told.
            if (tail.Length > 0 && IsGenericOthers(tail))
            {
                openEnded = true;
            }
            else if (tail.Length > 0 && IsGroup(tail))
            {
                AddDistinct(groups, seen, tail);
            }
        }

        return new UnitList(units, groups) { OpenEnded = openEnded };
    }

    /// <summary>"有关部门", "相关单位", "单位", "其他职能部门": others of no stated kind.</summary>
    internal static bool IsGenericOthers(string tail) => GenericOthers().IsMatch(tail);

    [System.Text.RegularExpressions.GeneratedRegex("^(?:其他|其它|有关|相关)?(?:职能|责任|主管|成员)?(?:部门|单位|方面|机构)(?:单位)?$")]
    private static partial System.Text.RegularExpressions.Regex GenericOthers();

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

    /// <summary>
    /// "市", "区政府", "县级市", "县市区", "社区居委会", "县（市、区）": kinds of administrative division, only meaningful as
    /// part of a preceding "各…" phrase — one or more levels run together, a bracketed list of levels, a suffix.
    /// </summary>
    internal static bool IsAdminFragment(string token)
    {
        var s = token;
        foreach (var suffix in AdminSuffixes)
        {
            if (s.Length > suffix.Length && s.EndsWith(suffix, StringComparison.Ordinal))
            {
                s = s[..^suffix.Length];
                break;
            }
        }

        var open = s.IndexOfAny(['（', '(']);
        if (open > 0 && s[^1] is '）' or ')')
        {
            var inner = s[(open + 1)..^1].Split(['、', '，', ',']);
            if (!inner.All(part => part.Length > 0 && IsLevels(part)))
            {
                return false;
            }

            s = s[..open];
        }

        return IsLevels(s);
    }

    /// <summary>
    /// The kinds of division a "各…" phrase lists ("各旗、县（市、区）人民政府" → 旗, 县, 市, 区); null when the phrase is
    /// not "各" followed by division words only (区直各部门, 各有关单位, 相关乡镇办).
    /// </summary>
    public static IReadOnlyList<string>? DivisionWords(string group)
    {
        if (!group.StartsWith('各') || group.Length < 2)
        {
            return null;
        }

        var words = new List<string>();
        foreach (var raw in group[1..].Split(['、', '，', ',', '（', '）', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
        {
            var part = raw;
            foreach (var suffix in AdminSuffixes)
            {
                if (part.Length > suffix.Length && part.EndsWith(suffix, StringComparison.Ordinal))
                {
                    part = part[..^suffix.Length];
                    break;
                }
            }

            if (!SplitLevels(part, words))
            {
                return null;
            }
        }

        return words.Count == 0 ? null : words.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool SplitLevels(string s, List<string> into)
    {
        if (s.Length == 0)
        {
            return true;
        }

        foreach (var level in AdminLevels)
        {
            if (s.StartsWith(level, StringComparison.Ordinal))
            {
                into.Add(level);
                if (SplitLevels(s[level.Length..], into))
                {
                    return true;
                }

                into.RemoveAt(into.Count - 1);
            }
        }

        return false;
    }

    /// <summary>The string is one or more administrative levels run together ("县市区", "乡镇街道").</summary>
    private static bool IsLevels(string s)
    {
        if (s.Length == 0 || s.Length > 12)
        {
            return false;
        }

        // Small strings: a depth-first match of the level words is enough.
        foreach (var level in AdminLevels)
        {
            if (s.StartsWith(level, StringComparison.Ordinal) && (s.Length == level.Length || IsLevels(s[level.Length..])))
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
