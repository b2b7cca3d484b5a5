namespace Supervisor.Core.Import;

/// <summary>Reads a decomposition document given as plain text or Markdown (see issue 3 for the forms it understands).</summary>
public static class PlanTextParser
{
    public static ParsedDocument Parse(string text) => throw new NotImplementedException();
}
