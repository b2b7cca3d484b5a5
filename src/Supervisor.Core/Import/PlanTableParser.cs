namespace Supervisor.Core.Import;

/// <summary>
/// Reads a plan given as rows of cells (XLSX sheet, CSV, or a Markdown/pipe table flattened to text):
/// finds the header row by column names (序号, 工作任务/重点工作, 责任领导, 牵头单位, 责任单位/配合单位, 完成时限/时间节点).
/// </summary>
public static class PlanTableParser
{
    /// <summary><paramref name="firstLine"/> is the 1-based line (or row) number of <paramref name="rows"/>[0], for warnings.</summary>
    public static ParsedDocument Parse(IReadOnlyList<IReadOnlyList<string>> rows, int firstLine = 1) => throw new NotImplementedException();
}
