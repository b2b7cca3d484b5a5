using System.Text;

namespace Supervisor.Core.Units;

/// <summary>A unit of the directory, with its aliases.</summary>
/// <summary>A unit of the directory; <see cref="Kind"/> as stored (department, township, enterprise, agency, other).</summary>
public sealed record DirectoryUnit(string Name, IReadOnlyList<string> Aliases, string Kind = DirectoryUnit.Department)
{
    public const string Department = "department";
    public const string Township = "township";
}

/// <summary>Maps every raw name seen in a plan to a canonical unit name; <see cref="Aliases"/> lists the other spellings per canonical name.</summary>
public sealed record UnitResolution(IReadOnlyDictionary<string, string> CanonicalByRaw, IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases);

/// <summary>
/// Decides which of the unit names written in a plan are the same unit: the directory's names and aliases first,
/// then names that differ only by a jurisdiction prefix (区发改局 / 发改局). Whitespace and full-width forms never
/// make two names different. The output does not depend on the order of the raw names.
/// </summary>
public static class UnitNameResolver
{
    private const string JurisdictionPrefixes = "区县市镇";

    // A prefix character followed by one of these is a word, not a prefix: 市场监督管理局 is not 市 + 场监督管理局.
    private static readonly string[] WordsStartingWithPrefix =
        ["市场", "市政", "市容", "市民", "市辖", "区域", "区划", "县域", "镇江", "区委", "县委", "市委", "镇委", "区直", "县直", "市直", "镇直"];

    // …except where the rest is itself a unit name: 市政府 is 市 + 政府.
    private static readonly string[] PrefixedWordsThatStillStrip = ["市政府", "市政协", "市政务", "市政法委"];

    public static UnitResolution Resolve(IEnumerable<string> rawNames, IEnumerable<DirectoryUnit> directory)
    {
        ArgumentNullException.ThrowIfNull(rawNames);
        ArgumentNullException.ThrowIfNull(directory);

        var raws = rawNames.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var keys = raws.Select(Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        // Directory names before aliases, so an alias can never take over another unit's own name.
        var units = directory.ToList();
        var directoryByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            directoryByKey.TryAdd(Normalize(unit.Name), unit.Name);
        }

        foreach (var unit in units)
        {
            foreach (var alias in unit.Aliases)
            {
                directoryByKey.TryAdd(Normalize(alias), unit.Name);
            }
        }

        var canonicalByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (directoryByKey.TryGetValue(key, out var name))
            {
                canonicalByKey[key] = name;
            }
        }

        // Two spellings merge only when one is the other minus a prefix, and only when that pairing is unambiguous:
        // with both 区发改局 and 县发改局 about, 发改局 could be either, so none of them merges.
        var unresolved = keys.Where(k => !canonicalByKey.ContainsKey(k)).ToList();
        var prefixedByStripped = unresolved
            .Select(k => (Key: k, Stripped: StripPrefix(k)))
            .Where(p => p.Stripped is not null)
            .GroupBy(p => p.Stripped!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList(), StringComparer.Ordinal);
        var directoryByStripped = directoryByKey
            .Select(d => (Stripped: StripPrefix(d.Key), Name: d.Value))
            .Where(d => d.Stripped is not null)
            .GroupBy(d => d.Stripped!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        foreach (var key in unresolved)
        {
            var stripped = StripPrefix(key);
            if (stripped is not null && prefixedByStripped[stripped].Count == 1)
            {
                // 区发改局 with 发改局 in the directory (or in the plan): the directory's name, else the longer spelling.
                canonicalByKey[key] = directoryByKey.TryGetValue(stripped, out var name) ? name : Display(key, raws);
            }
            else
            {
                // 发改局 when exactly one longer spelling is about, in the directory (区发改局 listed) or in the plan.
                var longer = (directoryByStripped.GetValueOrDefault(key) ?? [])
                    .Concat((prefixedByStripped.GetValueOrDefault(key) ?? []).Select(k => Display(k, raws)))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                canonicalByKey[key] = longer.Count == 1 ? longer[0] : Display(key, raws);
            }
        }

        var canonicalByRaw = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in raws)
        {
            canonicalByRaw[raw] = canonicalByKey[Normalize(raw)];
        }

        var aliases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var group in keys
            .Where(k => k != Normalize(canonicalByKey[k]))
            .GroupBy(k => canonicalByKey[k], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            aliases[group.Key] = [.. group.Select(k => Display(k, raws)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        return new UnitResolution(canonicalByRaw, aliases);
    }

    /// <summary>The form names are compared in: no whitespace, full-width ASCII (Ｂ, １, （）) as half-width.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            builder.Append(c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c);
        }

        return builder.ToString();
    }

    /// <summary>The name without its leading 区/县/市/镇, or null when it has none or what remains would not be a name.</summary>
    internal static string? StripPrefix(string key)
    {
        if (key.Length < 3 || !JurisdictionPrefixes.Contains(key[0], StringComparison.Ordinal))
        {
            return null;
        }

        var isWord = WordsStartingWithPrefix.Any(w => key.StartsWith(w, StringComparison.Ordinal))
            && !PrefixedWordsThatStillStrip.Any(w => key.StartsWith(w, StringComparison.Ordinal));
        return isWord ? null : key[1..];
    }

    /// <summary>How a name is shown: as written without whitespace, preferring a spelling already in normal form.</summary>
    private static string Display(string key, List<string> raws)
    {
        var spellings = raws.Where(r => Normalize(r) == key).Select(r => string.Concat(r.Where(c => !char.IsWhiteSpace(c)))).ToList();
        return spellings.Contains(key, StringComparer.Ordinal) ? key : spellings.Min(StringComparer.Ordinal) ?? key;
    }
}
