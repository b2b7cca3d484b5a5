using System.Text.RegularExpressions;
using Supervisor.Core.Delivery;

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

public sealed record UnitDirectoryEntry(int Row, string Name, IReadOnlyList<string> Aliases, UnitKind Kind, ContactEntry? Liaison, ContactEntry? Head)
{
    /// <summary>The unit's group robots (企业微信机器人, 钉钉机器人 + 钉钉加签); empty when the directory names none.</summary>
    public IReadOnlyList<RobotEntry> Robots { get; init; } = [];
}

/// <summary>A work-group robot: platform <c>wecom</c> or <c>dingtalk</c>, its webhook URL and (DingTalk 加签) its secret.</summary>
public sealed record RobotEntry(string Platform, string WebhookUrl, string? Secret);

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
        ["企业微信机器人"] = "wecom", ["wecom_robot"] = "wecom",
        ["钉钉机器人"] = "dingtalk", ["dingtalk_robot"] = "dingtalk",
        ["钉钉加签"] = "dingtalk_secret", ["dingtalk_secret"] = "dingtalk_secret",
    };

    /// <summary>The two platforms' webhook hosts: the default of <c>Robots:AllowedHosts</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultRobotHosts = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"];

    /// <summary>Longest name of a contact (a person's name, a display name in an e-mail header).</summary>
    public const int MaxNameLength = 50;

    private static readonly Dictionary<string, string> LeaderColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["姓名"] = "name", ["领导"] = "name", ["责任领导"] = "name", ["name"] = "name",
        ["职务"] = "title", ["title"] = "title",
        ["手机"] = "phone", ["手机号"] = "phone", ["电话"] = "phone", ["phone"] = "phone", ["mobile"] = "phone",
        ["邮箱"] = "email", ["电子邮箱"] = "email", ["email"] = "email",
    };

    public static DirectoryParseResult<UnitDirectoryEntry> ParseUnits(IReadOnlyList<IReadOnlyList<string>> rows) => ParseUnits(rows, DefaultRobotHosts);

    /// <summary>
    /// The directory's rows; robot webhook URLs must be https on one of <paramref name="allowedRobotHosts"/>, so a row
    /// cannot make the worker send requests (and the unit's reminders) anywhere else.
    /// </summary>
    public static DirectoryParseResult<UnitDirectoryEntry> ParseUnits(IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyCollection<string> allowedRobotHosts)
    {
        ArgumentNullException.ThrowIfNull(allowedRobotHosts);
        var columns = Header(rows, UnitColumns, "单位名称");
        var entries = new List<UnitDirectoryEntry>();
        var errors = new List<RowError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (row, Cell) in DataRows(rows, columns))
        {
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
            var robots = Robots(Cell("wecom"), Cell("dingtalk"), Cell("dingtalk_secret"), allowedRobotHosts, rowErrors);
            if (HasControl(name) || aliases.Any(HasControl))
            {
                rowErrors.Add("单位名称或别名含有换行或控制字符");
            }

            if (rowErrors.Count > 0)
            {
                errors.Add(new RowError(row, string.Join("；", rowErrors)));
                continue;
            }

            entries.Add(new UnitDirectoryEntry(row, name, aliases, kind, liaison, head) { Robots = robots });
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
        foreach (var (row, Cell) in DataRows(rows, columns))
        {
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
    /// <summary>The rows under the header with their line numbers (the header is line 1), blank rows skipped; each with a reader of its cells by column key.</summary>
    private static IEnumerable<(int Row, Func<string, string?> Cell)> DataRows(IReadOnlyList<IReadOnlyList<string>> rows, Dictionary<string, int> columns)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            var cells = rows[i];
            if (!cells.All(string.IsNullOrWhiteSpace))
            {
                yield return (i + 1, key => CellOf(cells, columns, key));
            }
        }
    }

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

    /// <summary>
    /// A plain mailbox address: dot-atom local part (RFC 5322 atext, no quotes, commas, angle brackets or spaces) and
    /// a dotted host name; what every SMTP library builds a header from without surprises. At most 254 characters.
    /// </summary>
    public static bool IsEmail(string email) => email.Length <= 254 && EmailPattern().IsMatch(email);

    /// <summary>Control characters (line breaks, tabs, NUL, bidi overrides' C0/C1 kin) have no place in a name or an address.</summary>
    public static bool HasControl(string text) => text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    /// <summary>
    /// Checks a robot webhook URL: absolute https (http only for a loopback host, for tests), a host in
    /// <paramref name="allowedHosts"/>, no user info, at most 500 characters. Null when acceptable, else the reason.
    /// </summary>
    public static string? RobotUrlProblem(string url, IReadOnlyCollection<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        if (url.Length > 500 || HasControl(url) || url.Any(char.IsWhiteSpace))
        {
            return "不是有效的网址";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            return "不是有效的网址";
        }

        var loopback = uri.IsLoopback;
        if (uri.Scheme != Uri.UriSchemeHttps && !(loopback && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "必须以 https:// 开头";
        }

        return allowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase) ? null : $"主机“{uri.Host}”不在允许的机器人地址（Robots:AllowedHosts）中";
    }

    private static List<RobotEntry> Robots(string? wecom, string? dingtalk, string? dingtalkSecret, IReadOnlyCollection<string> allowedHosts, List<string> errors)
    {
        var robots = new List<RobotEntry>();
        if (wecom is not null)
        {
            if (RobotUrlProblem(wecom, allowedHosts) is { } problem)
            {
                errors.Add($"企业微信机器人地址{problem}");
            }
            else
            {
                robots.Add(new RobotEntry(Channels.WeCom, wecom, null));
            }
        }

        if (dingtalkSecret is not null && (dingtalkSecret.Length > 200 || HasControl(dingtalkSecret) || dingtalkSecret.Any(char.IsWhiteSpace)))
        {
            errors.Add("钉钉加签密钥格式不正确");
        }
        else if (dingtalkSecret is not null && dingtalk is null)
        {
            errors.Add("填写了钉钉加签但没有钉钉机器人地址");
        }

        if (dingtalk is not null)
        {
            if (RobotUrlProblem(dingtalk, allowedHosts) is { } problem)
            {
                errors.Add($"钉钉机器人地址{problem}");
            }
            else
            {
                robots.Add(new RobotEntry(Channels.DingTalk, dingtalk, dingtalkSecret));
            }
        }

        return robots;
    }

    private static ContactEntry? Contact(string? name, string? phone, string? email, string role, List<string> errors)
    {
        if (name is not null && (HasControl(name) || name.Length > MaxNameLength))
        {
            errors.Add(HasControl(name) ? $"{role}姓名含有换行或控制字符" : $"{role}姓名超过{MaxNameLength}个字符");
        }

        string? normalisedPhone = null;
        if (phone is not null)
        {
            normalisedPhone = NormalisePhone(phone);
            if (normalisedPhone is null)
            {
                errors.Add($"{role}手机“{Shown(phone)}”不是有效的11位手机号");
            }
        }

        if (email is not null && !IsEmail(email))
        {
            errors.Add($"{role}邮箱“{Shown(email)}”格式不正确");
        }

        return name is null && phone is null && email is null ? null : new ContactEntry(name, normalisedPhone, email);
    }

    /// <summary>A bad value quoted in an error message: control characters shown as U+XXXX, cut at 80 characters.</summary>
    private static string Shown(string value)
    {
        var visible = string.Concat(value.Select(c => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString()));
        return visible.Length <= 80 ? visible : visible[..80] + "…";
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
            throw new BadInputException("the file is empty: expected a header row", "文件是空的：第一行应为表头。");
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
            throw new BadInputException(
                $"the header row has no '{required}' column (found: {string.Join(", ", rows[0].Where(h => h.Length > 0))})",
                $"表头中没有“{required}”列（现有：{string.Join("、", rows[0].Where(h => h.Length > 0))}）。");
        }

        return columns;
    }

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MobilePattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex EmailPattern();
}
