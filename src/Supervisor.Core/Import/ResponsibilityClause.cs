using System.Text;

namespace Supervisor.Core.Import;

/// <summary>
/// Finds and reads responsibility clauses: labelled ones ("责任领导:A;牵头单位:X;责任单位:Y") anywhere,
/// and pattern ones ("X牵头，Y等负责", "X、Y等负责") in a parenthesis that closes a sentence or the item.
/// Other parentheses ("区（县级市）", "（试行）", "中国（平江）") are text and stay.
/// </summary>
internal static class ResponsibilityClause
{
    internal const int MaxLabelledClauseLength = 600;
    private const int MaxPatternClauseLength = 300;

    // Longest first, so "协同责任单位" wins over "责任单位" and "牵头负责领导" over "负责".
    private static readonly ClauseLabel[] Labels = SortByLength(
    [
        new("牵头负责领导", ClauseLabelKind.Leader),
        new("牵头县领导", ClauseLabelKind.Leader),
        new("牵头区领导", ClauseLabelKind.Leader),
        new("牵头市领导", ClauseLabelKind.Leader),
        new("责任县领导", ClauseLabelKind.Leader),
        new("责任区领导", ClauseLabelKind.Leader),
        new("责任市领导", ClauseLabelKind.Leader),
        new("牵头领导", ClauseLabelKind.Leader),
        new("责任领导", ClauseLabelKind.Leader),
        new("分管领导", ClauseLabelKind.Leader),
        new("联系领导", ClauseLabelKind.Leader),
        new("包联领导", ClauseLabelKind.Leader),
        new("领衔领导", ClauseLabelKind.Leader),
        new("牵头责任单位", ClauseLabelKind.Lead),
        new("主要责任单位", ClauseLabelKind.Lead),
        new("牵头单位", ClauseLabelKind.Lead),
        new("牵头部门", ClauseLabelKind.Lead),
        new("主办单位", ClauseLabelKind.Lead),
        new("主责单位", ClauseLabelKind.Lead),
        new("协同责任单位", ClauseLabelKind.Co),
        new("配合单位", ClauseLabelKind.Co),
        new("配合部门", ClauseLabelKind.Co),
        new("协办单位", ClauseLabelKind.Co),
        new("协同单位", ClauseLabelKind.Co),
        new("参与单位", ClauseLabelKind.Co),
        new("责任单位", ClauseLabelKind.Responsible),
        new("责任部门", ClauseLabelKind.Responsible),
        new("承办单位", ClauseLabelKind.Responsible),
        new("完成时限", ClauseLabelKind.Deadline),
        new("完成时间", ClauseLabelKind.Deadline),
        new("时间节点", ClauseLabelKind.Deadline),
        new("办结时限", ClauseLabelKind.Deadline),
        new("时限要求", ClauseLabelKind.Deadline),
    ]);

    private static readonly (string Word, PatternRole Role)[] RoleWords =
    [
        ("牵头负责", PatternRole.Lead),
        ("牵头", PatternRole.Lead),
        ("负责", PatternRole.Responsible),
        ("配合", PatternRole.Co),
        ("协助", PatternRole.Co),
        ("协办", PatternRole.Co),
        ("参与", PatternRole.Co),
    ];

    private static readonly string[] SegmentModifiers = ["按职责分工", "按照职责分工", "按职责", "按照职责", "共同", "分别", "具体", "各自", "等"];

    private enum PatternRole
    {
        Lead,
        Responsible,
        Co,
    }

    /// <summary>Removes every responsibility clause from <paramref name="paragraph"/>, adding what it says to <paramref name="into"/>.</summary>
    public static string Extract(string paragraph, Responsibility into)
    {
        var removals = new List<(int Start, int End)>();
        var depth = 0;
        var outer = -1;
        for (var i = 0; i < paragraph.Length; i++)
        {
            var c = paragraph[i];
            if (ChineseText.IsOpenBracket(c))
            {
                if (depth == 0)
                {
                    outer = i;
                }

                depth++;
            }
            else if (ChineseText.IsCloseBracket(c) && depth > 0)
            {
                depth--;
                if (depth == 0 && TryReadClause(paragraph, outer + 1, i, i + 1, into))
                {
                    removals.Add((outer, i + 1));
                }
            }
        }

        // An unclosed parenthesis at the end is a clause cut by a page break or a lost bracket.
        if (depth > 0 && TryReadClause(paragraph, outer + 1, paragraph.Length, paragraph.Length, into))
        {
            removals.Add((outer, paragraph.Length));
        }

        var text = removals.Count == 0 ? paragraph : Remove(paragraph, removals);
        var tail = FindBareLabelledTail(text);
        if (tail >= 0)
        {
            ReadLabelled(text, tail, text.Length, into);
            text = text[..tail];
        }

        return text.TrimEnd();
    }

    /// <summary>True when a whole line is labelled ("牵头单位：区发改局", "责任领导:张三 责任单位:…").</summary>
    public static bool IsLabelledLine(string line) => TryMatchLabel(line, 0, out _, out _);

    /// <summary>Reads a labelled line that follows an item.</summary>
    public static void ReadLabelledLine(string line, Responsibility into) => ReadLabelled(line, 0, line.Length, into);

    /// <summary>True when the paragraph ends with a responsibility clause in brackets, i.e. the item is complete.</summary>
    public static bool EndsWithClause(string paragraph)
    {
        var end = paragraph.Length;
        while (end > 0 && (char.IsWhiteSpace(paragraph[end - 1]) || ChineseText.IsTrailingPunctuation(paragraph[end - 1])))
        {
            end--;
        }

        if (end == 0 || !ChineseText.IsCloseBracket(paragraph[end - 1]))
        {
            return false;
        }

        var depth = 0;
        var limit = Math.Max(0, end - MaxLabelledClauseLength);
        for (var i = end - 1; i >= limit; i--)
        {
            if (ChineseText.IsCloseBracket(paragraph[i]))
            {
                depth++;
            }
            else if (ChineseText.IsOpenBracket(paragraph[i]) && --depth == 0)
            {
                return IsClause(paragraph, i + 1, end - 1);
            }
        }

        return false;
    }

    /// <summary>Reads a table cell or a clause body: labelled if it has labels, else a "X牵头，Y负责" pattern, else a plain unit list.</summary>
    public static void ReadUnitCell(string cell, UnitRole role, Responsibility into)
    {
        var label = FindLabel(cell, 0, cell.Length);
        if (label >= 0)
        {
            ReadLabelled(cell, label, cell.Length, into);
        }
        else if (IsPatternClause(cell, 0, cell.Length) && cell.Contains("牵头", StringComparison.Ordinal))
        {
            ReadPattern(cell, 0, cell.Length, into);
        }
        else
        {
            into.AddUnits(StripTrailingRoleWord(cell), role);
        }
    }

    /// <summary>True when a bracket's content is a responsibility clause: it has a label, or it ends in 牵头/负责/配合.</summary>
    internal static bool IsClause(string content) => IsClause(content, 0, content.Length);

    internal static bool IsClause(string s, int start, int end) =>
        (end - start <= MaxLabelledClauseLength && FindLabel(s, start, end) >= 0) || IsPatternClause(s, start, end);

    private static bool TryReadClause(string paragraph, int start, int end, int after, Responsibility into)
    {
        if (end - start > MaxLabelledClauseLength)
        {
            return false;
        }

        var label = FindLabel(paragraph, start, end);
        if (label >= 0)
        {
            ReadLabelled(paragraph, label, end, into);
            return true;
        }

        if (IsPatternClause(paragraph, start, end) && ClosesSentence(paragraph, after))
        {
            ReadPattern(paragraph, start, end, into);
            return true;
        }

        return false;
    }

    /// <summary>A pattern clause must end its sentence or the item: "（X牵头）。", "（X牵头）" at the end, or before another clause.</summary>
    private static bool ClosesSentence(string paragraph, int after)
    {
        var i = after;
        while (i < paragraph.Length && (char.IsWhiteSpace(paragraph[i]) || paragraph[i] is '”' or '"' or '’'))
        {
            i++;
        }

        return i == paragraph.Length || ChineseText.IsTrailingPunctuation(paragraph[i]) || ChineseText.IsOpenBracket(paragraph[i]);
    }

    private static bool IsPatternClause(string s, int start, int end)
    {
        while (end > start && (char.IsWhiteSpace(s[end - 1]) || ChineseText.IsTrailingPunctuation(s[end - 1])))
        {
            end--;
        }

        if (end - start > MaxPatternClauseLength || s.AsSpan(start, end - start).Contains('。'))
        {
            return false;
        }

        foreach (var (word, _) in RoleWords)
        {
            if (end - start > word.Length && s.AsSpan(start, end - start).EndsWith(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string StripTrailingRoleWord(string cell)
    {
        var s = ChineseText.TrimEndPunctuation(cell);
        foreach (var (word, _) in RoleWords)
        {
            if (s.Length > word.Length && s.EndsWith(word, StringComparison.Ordinal))
            {
                return StripModifiers(s[..^word.Length]);
            }
        }

        return s;
    }

    /// <summary>"X牵头，Y、Z等负责": X lead, Y and Z co. Without 牵头 every unit named is a lead unit.</summary>
    private static void ReadPattern(string s, int start, int end, Responsibility into)
    {
        var segments = new List<(string Units, PatternRole Role)>();
        var segmentStart = start;
        var depth = 0;
        var i = start;
        while (i < end)
        {
            var c = s[i];
            if (ChineseText.IsOpenBracket(c))
            {
                depth++;
            }
            else if (ChineseText.IsCloseBracket(c))
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0 && TryMatchRole(s, i, end, out var word, out var role))
            {
                segments.Add((s[segmentStart..i], role));
                i += word.Length;
                segmentStart = i;
                continue;
            }

            i++;
        }

        var tail = ChineseText.TrimPunctuation(s[segmentStart..end]);
        if (tail.Length > 0)
        {
            segments.Add((tail, PatternRole.Responsible));
        }

        var hasLead = segments.Exists(segment => segment.Role == PatternRole.Lead);
        foreach (var (units, role) in segments)
        {
            var unitRole = role switch
            {
                PatternRole.Lead => UnitRole.Lead,
                PatternRole.Co => UnitRole.Co,
                // "（A、B、C负责）": all lead, unless the document declared its first-listed unit the lead.
                _ => hasLead ? UnitRole.Co : UnitRole.Responsible,
            };
            into.AddUnits(StripModifiers(units), unitRole);
        }
    }

    private static bool TryMatchRole(string s, int i, int end, out string word, out PatternRole role)
    {
        foreach (var (candidate, candidateRole) in RoleWords)
        {
            if (i + candidate.Length <= end && string.CompareOrdinal(s, i, candidate, 0, candidate.Length) == 0)
            {
                word = candidate;
                role = candidateRole;
                return true;
            }
        }

        word = string.Empty;
        role = PatternRole.Responsible;
        return false;
    }

    private static string StripModifiers(string segment)
    {
        var s = ChineseText.TrimPunctuation(segment);
        if (s.StartsWith('由'))
        {
            s = s[1..];
        }

        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var modifier in SegmentModifiers)
            {
                if (s.Length > modifier.Length && s.EndsWith(modifier, StringComparison.Ordinal))
                {
                    s = ChineseText.TrimPunctuation(s[..^modifier.Length]);
                    changed = true;
                }
            }
        }

        return s;
    }

    /// <summary>Reads "label:value" segments of <paramref name="s"/> from <paramref name="labelStart"/> to <paramref name="end"/>.</summary>
    private static void ReadLabelled(string s, int labelStart, int end, Responsibility into)
    {
        var at = labelStart;
        while (at >= 0 && TryMatchLabel(s, at, out var label, out var valueStart) && valueStart <= end)
        {
            var next = FindLabel(s, valueStart, end);
            var value = ChineseText.TrimPunctuation(s[valueStart..(next < 0 ? end : next)]);
            switch (label.Kind)
            {
                case ClauseLabelKind.Leader:
                    into.AddLeaders(value);
                    break;
                case ClauseLabelKind.Deadline:
                    into.AddDeadline(value);
                    break;
                case ClauseLabelKind.Lead:
                    ReadUnitCell(value, UnitRole.Lead, into);
                    break;
                case ClauseLabelKind.Co:
                    ReadUnitCell(value, UnitRole.Co, into);
                    break;
                default:
                    ReadUnitCell(value, UnitRole.Responsible, into);
                    break;
            }

            at = next;
        }
    }

    /// <summary>A labelled tail without brackets ("…。牵头单位：X；责任单位：Y"), starting a sentence at bracket depth 0.</summary>
    private static int FindBareLabelledTail(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (ChineseText.IsOpenBracket(c))
            {
                depth++;
            }
            else if (ChineseText.IsCloseBracket(c))
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0 && IsLabelStartChar(c) && TryMatchLabel(text, i, out _, out _) && StartsSentence(text, i))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool StartsSentence(string text, int i)
    {
        var j = i - 1;
        while (j >= 0 && char.IsWhiteSpace(text[j]))
        {
            j--;
        }

        return j < 0 || ChineseText.IsTrailingPunctuation(text[j]) || ChineseText.IsCloseBracket(text[j]) || j < i - 1;
    }

    private static int FindLabel(string s, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (IsLabelStartChar(s[i]) && TryMatchLabel(s, i, out _, out var valueStart) && valueStart <= end)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsLabelStartChar(char c) => c is '牵' or '责' or '分' or '联' or '包' or '领' or '主' or '协' or '配' or '参' or '承' or '完' or '时' or '办';

    /// <summary>A label counts only when a colon follows it, so "压实责任单位责任" in running text is not a label.</summary>
    private static bool TryMatchLabel(string s, int i, out ClauseLabel label, out int valueStart)
    {
        foreach (var candidate in Labels)
        {
            if (i + candidate.Text.Length > s.Length || string.CompareOrdinal(s, i, candidate.Text, 0, candidate.Text.Length) != 0)
            {
                continue;
            }

            var j = i + candidate.Text.Length;
            while (j < s.Length && s[j] is ' ' or '\u3000' or '\t')
            {
                j++;
            }

            if (j < s.Length && s[j] is ':' or '：')
            {
                label = candidate;
                valueStart = j + 1;
                return true;
            }
        }

        label = default;
        valueStart = -1;
        return false;
    }

    private static string Remove(string paragraph, List<(int Start, int End)> removals)
    {
        var sb = new StringBuilder(paragraph.Length);
        var kept = 0;
        foreach (var (start, end) in removals)
        {
            AppendPiece(sb, paragraph, kept, start);
            kept = end;
        }

        AppendPiece(sb, paragraph, kept, paragraph.Length);
        return sb.ToString();
    }

    /// <summary>Appends text after a removed clause without doubling punctuation ("…以上。（X牵头）。" → "…以上。").</summary>
    private static void AppendPiece(StringBuilder sb, string s, int start, int end)
    {
        if (sb.Length > 0 && start < end)
        {
            while (sb.Length > 0 && char.IsWhiteSpace(sb[^1]))
            {
                sb.Length--;
            }

            while (start < end && char.IsWhiteSpace(s[start]))
            {
                start++;
            }

            if (sb.Length > 0 && start < end && ChineseText.IsTrailingPunctuation(sb[^1]) && ChineseText.IsTrailingPunctuation(s[start]))
            {
                start++;
            }
        }

        sb.Append(s, start, end - start);
    }

    private static ClauseLabel[] SortByLength(ClauseLabel[] labels) =>
        [.. labels.OrderByDescending(label => label.Text.Length)];
}

internal enum ClauseLabelKind
{
    Leader,
    Lead,
    Responsible,
    Co,
    Deadline,
}

internal readonly record struct ClauseLabel(string Text, ClauseLabelKind Kind);
