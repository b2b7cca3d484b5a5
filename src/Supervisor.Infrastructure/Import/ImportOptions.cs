using System.Globalization;
using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// <c>Import:*</c>: how much a plan file may expand to. A 5,000-task plan is about 2 MB of sheet or document XML and
/// 60,000 cells, so the defaults leave room for plans many times larger while a crafted file is refused before it can
/// allocate more than a few MB.
/// </summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>Uncompressed bytes any one part of a ZIP package (XLSX sheet, DOCX document.xml) may have.</summary>
    public long MaxPartBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Cells a sheet or all of a document's tables may span (rows × columns of the grid built from them).</summary>
    public int MaxCells { get; set; } = 1_000_000;

    /// <summary>All parts of a package together may expand to this many times <see cref="MaxPartBytes"/>.</summary>
    public const int PackageParts = 4;

    public static ImportOptions Default { get; } = new();

    public string PartLimitText => (MaxPartBytes / 1024d / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}

public sealed class ImportOptionsValidator : IValidateOptions<ImportOptions>
{
    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPartBytes is < 64 * 1024 or > 1024L * 1024 * 1024)
        {
            failures.Add($"Import:MaxPartBytes {options.MaxPartBytes} must be between 65536 and 1073741824");
        }

        if (options.MaxCells is < 1_000 or > 50_000_000)
        {
            failures.Add($"Import:MaxCells {options.MaxCells} must be between 1000 and 50000000");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
