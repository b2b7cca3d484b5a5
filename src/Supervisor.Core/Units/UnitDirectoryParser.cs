using System.Text.RegularExpressions;

namespace Supervisor.Core.Units;

public enum UnitKind
{
    Department,
    Township,
    Enterprise,
    Agency,
    Other,
}

public sealed record ContactEntry(string? Name, string? Phone, string? Email);

public sealed record UnitDirectoryEntry(int Row, string Name, IReadOnlyList<string> Aliases, UnitKind Kind, ContactEntry? Liaison, ContactEntry? Head);

public sealed record LeaderDirectoryEntry(int Row, string Name, string? Title, ContactEntry Contact);

public sealed record RowError(int Row, string Message);

public sealed record DirectoryParseResult<T>(IReadOnlyList<T> Entries, IReadOnlyList<RowError> Errors);

/// <summary>
/// Reads a unit directory or leader list given as rows (first row = header). Chinese headers with English synonyms;
/// phone numbers and e-mail addresses are validated and every bad row is reported by its row number.
/// </summary>
public static partial class UnitDirectoryParser
{
    private static readonly Dictionary<string, string> UnitColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["单位名称"] = "name", ["单位"] = "name", ["name"] = "name", ["unit"] = "name",
        ["别名"] = "aliases", ["简称"] = "aliases", ["aliases"] = "aliases", ["alias"] = "aliases",
        ["类型"] = "kind", ["单位类型"] = "kind", ["kind"] = "kind", ["type"] = "kind",
        ["联络员"] = "liaison", ["liaison"] = "liaison",
        ["联络员手机"] = "liaison_phone", ["联络员电话"] = "liaison_phone", ["liaison_phone"] = "liaison_phone",
        ["联络员邮箱"] = "liaison_email", ["liaison_email"] = "liaison_email",
        ["负责人"] = "head", ["head"] = "head",
        ["负责人手机"] = "head_phone", ["负责人电话"] = "head_phone", ["head_phone"] = "head_phone",
        ["负责人邮箱"] = "head_email", ["head_email"] = "head_email",
    };

    private static readonly Dictionary<string, string> LeaderColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["姓名"] = "name", ["领导"] = "name", ["责任领导"] = "name", ["name"] = "name",
        ["职务"] = "title", ["title"] = "title",
        ["手机"] = "phone", ["手机号"] = "phone", ["电话"] = "phone", ["phone"] = "phone", ["mobile"] = "phone",
        ["邮箱"] = "email", ["电子邮箱"] = "email", ["email"] = "email",
    };

    public static DirectoryParseResult<UnitDirectoryEntry> ParseUnits(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var columns = Header(rows, UnitColumns, "单位名称");
        var entries = new List<UnitDirectoryEntry>();
        var errors = new List<RowError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = i + 1;
            var cells = rows[i];
            string? Cell(string key) => CellOf(cells, columns, key);
            if (rows[i].All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var name = Cell("name");
            if (name is null)
            {
                errors.Add(new RowError(row, "单位名称为空"));
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                errors.Add(new RowError(row, $"单位“{name}”与第{first}行重复"));
                continue;
            }

            seen[name] = row;
            var rowErrors = new List<string>();
            var kind = ParseKind(Cell("kind"), rowErrors);
            var liaison = Contact(Cell("liaison"), Cell("liaison_phone"), Cell("liaison_email"), "联络员", rowErrors);
            var head = Contact(Cell("head"), Cell("head_phone"), Cell("head_email"), "负责人", rowErrors);
            var aliases = (Cell("aliases") ?? "").Split(['、', ',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(a => a != name).Distinct(StringComparer.Ordinal).ToList();
            if (rowErrors.Count > 0)
            {
                errors.Add(new RowError(row, string.Join("；", rowErrors)));
                continue;
            }

            entries.Add(new UnitDirectoryEntry(row, name, aliases, kind, liaison, head));
        }

        var aliasOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var alias in entry.Aliases)
            {
                if (seen.ContainsKey(alias) || (aliasOwners.TryGetValue(alias, out var owner) && owner != entry.Name))
                {
                    errors.Add(new RowError(entry.Row, $"别名“{alias}”同时指向多个单位"));
                }

                aliasOwners[alias] = entry.Name;
            }
        }

        return new DirectoryParseResult<UnitDirectoryEntry>(entries, errors.OrderBy(e => e.Row).ToList());
    }

    public static DirectoryParseResult<LeaderDirectoryEntry> ParseLeaders(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var columns = Header(rows, LeaderColumns, "姓名");
        var entries = new List<LeaderDirectoryEntry>();
        var errors = new List<RowError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = i + 1;
            var cells = rows[i];
            string? Cell(string key) => CellOf(cells, columns, key);
            if (rows[i].All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var name = Cell("name");
            if (name is null || !seen.Add(name))
            {
                errors.Add(new RowError(row, name is null ? "姓名为空" : $"领导“{name}”重复"));
                continue;
            }

            var rowErrors = new List<string>();
            var contact = Contact(name, Cell("phone"), Cell("email"), "领导", rowErrors);
            if (rowErrors.Count > 0)
            {
                errors.Add(new RowError(row, string.Join("；", rowErrors)));
                continue;
            }

            entries.Add(new LeaderDirectoryEntry(row, name, Cell("title"), contact ?? new ContactEntry(name, null, null)));
        }

        return new DirectoryParseResult<LeaderDirectoryEntry>(entries, errors);
    }

    /// <summary>The trimmed cell under a known column, or null when the column is missing or the cell blank.</summary>
    private static string? CellOf(IReadOnlyList<string> row, Dictionary<string, int> columns, string key) =>
        columns.TryGetValue(key, out var c) && c < row.Count && !string.IsNullOrWhiteSpace(row[c]) ? row[c].Trim() : null;

    /// <summary>Mainland mobile numbers, written with or without +86, spaces or dashes.</summary>
    public static string? NormalisePhone(string phone)
    {
        var digits = new string(phone.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());
        if (digits.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        else if (digits.StartsWith("86", StringComparison.Ordinal) && digits.Length == 13)
        {
            digits = digits[2..];
        }

        return MobilePattern().IsMatch(digits) ? digits : null;
    }

    public static bool IsEmail(string email) => EmailPattern().IsMatch(email);

    private static ContactEntry? Contact(string? name, string? phone, string? email, string role, List<string> errors)
    {
        string? normalisedPhone = null;
        if (phone is not null)
        {
            normalisedPhone = NormalisePhone(phone);
            if (normalisedPhone is null)
            {
                errors.Add($"{role}手机“{phone}”不是有效的11位手机号");
            }
        }

        if (email is not null && !IsEmail(email))
        {
            errors.Add($"{role}邮箱“{email}”格式不正确");
        }

        return name is null && phone is null && email is null ? null : new ContactEntry(name, normalisedPhone, email);
    }

    private static UnitKind ParseKind(string? text, List<string> errors) => text switch
    {
        null or "部门" or "单位" or "department" => UnitKind.Department,
        "乡镇" or "乡镇办" or "街道" or "乡镇街道" or "township" => UnitKind.Township,
        "企业" or "国企" or "集团" or "enterprise" => UnitKind.Enterprise,
        "机构" or "垂直管理" or "派驻" or "agency" => UnitKind.Agency,
        "其他" or "other" => UnitKind.Other,
        _ => Invalid(text, errors),
    };

    private static UnitKind Invalid(string text, List<string> errors)
    {
        errors.Add($"类型“{text}”无法识别（部门、乡镇、企业、机构、其他）");
        return UnitKind.Other;
    }

    private static Dictionary<string, int> Header(IReadOnlyList<IReadOnlyList<string>> rows, Dictionary<string, string> known, string required)
    {
        if (rows.Count == 0)
        {
            throw new BadInputException("the file is empty: expected a header row");
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < rows[0].Count; c++)
        {
            var header = rows[0][c].Trim().TrimStart('\uFEFF').Replace(" ", "", StringComparison.Ordinal);
            if (known.TryGetValue(header, out var key) && !columns.ContainsKey(key))
            {
                columns[key] = c;
            }
        }

        if (!columns.ContainsKey("name"))
        {
            throw new BadInputException($"the header row has no '{required}' column (found: {string.Join(", ", rows[0].Where(h => h.Length > 0))})");
        }

        return columns;
    }

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MobilePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
