namespace Supervisor.Core.Units;

/// <summary>A unit of the directory, with its aliases.</summary>
public sealed record DirectoryUnit(string Name, IReadOnlyList<string> Aliases);

/// <summary>Maps every raw name seen in a plan to a canonical unit name; <see cref="Aliases"/> lists the other spellings per canonical name.</summary>
public sealed record UnitResolution(IReadOnlyDictionary<string, string> CanonicalByRaw, IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases);

public static class UnitNameResolver
{
    public static UnitResolution Resolve(IEnumerable<string> rawNames, IEnumerable<DirectoryUnit> directory) => throw new NotImplementedException();
}
