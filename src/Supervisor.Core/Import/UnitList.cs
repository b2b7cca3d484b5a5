namespace Supervisor.Core.Import;

/// <summary>Unit names and collective groups split out of one list ("区发改局、区林业局,相关乡镇办等").</summary>
public sealed record UnitList(IReadOnlyList<string> Units, IReadOnlyList<string> Groups);

public static class UnitListParser
{
    /// <summary>Splits on 、，,;；, removes "等", trims, and separates collective phrases as groups.</summary>
    public static UnitList Parse(string list) => throw new NotImplementedException();
}
