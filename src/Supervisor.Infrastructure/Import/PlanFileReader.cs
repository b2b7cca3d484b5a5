using Supervisor.Core;
using Supervisor.Core.Import;

namespace Supervisor.Infrastructure.Import;

public enum PlanFileFormat
{
    Auto,
    Text,
    Xlsx,
    Csv,
}

/// <summary>What was read from a file, and how (for the user: "read as GB18030 text").</summary>
public sealed record PlanFile(ParsedDocument Document, PlanFileFormat Format, string? Encoding);

/// <summary>Detects a plan file's format and encoding and hands it to the matching Core parser.</summary>
public static class PlanFileReader
{
    /// <summary>Files above this are refused before parsing (a 5,000-task plan is about 1.5 MB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static PlanFile Read(string path, ImportOptions limits, PlanFileFormat format = PlanFileFormat.Auto)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new BadInputException($"{name}: {length / 1024 / 1024} MB is larger than the {MaxBytes / 1024 / 1024} MB a plan may be");
        }

        return Read(File.ReadAllBytes(path), name, limits, format);
    }

    public static PlanFile Read(byte[] bytes, string name, ImportOptions limits, PlanFileFormat format = PlanFileFormat.Auto)
    {
        if (bytes.Length == 0)
        {
            throw new BadInputException($"{name}: the file is empty");
        }

        if (format == PlanFileFormat.Auto)
        {
            format = Detect(bytes, name);
        }

        if (format == PlanFileFormat.Xlsx)
        {
            var rows = TabularReader.ReadXlsx(bytes, name, limits);
            return new PlanFile(PlanTableParser.Parse(rows), format, null);
        }

        var (text, encoding) = TextDecoder.Decode(bytes, name);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new BadInputException($"{name}: the file has no text");
        }

        var document = format == PlanFileFormat.Csv ? PlanTableParser.Parse(TabularReader.ReadCsv(text)) : PlanTextParser.Parse(text);
        return new PlanFile(document, format, encoding);
    }

    public static PlanFileFormat Detect(ReadOnlySpan<byte> bytes, string name)
    {
        // XLSX is a ZIP package: "PK\x03\x04".
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
        {
            return PlanFileFormat.Xlsx;
        }

        // Legacy .xls (OLE compound file) cannot be read: say so rather than parse garbage.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
        {
            throw new BadInputException($"{name}: is a legacy .xls/.doc file; save it as .xlsx or plain text and import that");
        }

        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)
            ? PlanFileFormat.Csv
            : PlanFileFormat.Text;
    }

    /// <summary>Rows of a directory file (units or leaders) under the default limits.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadRows(string path) => ReadRows(path, ImportOptions.Default);

    /// <summary>Rows of a directory file (units or leaders): XLSX or CSV by content.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadRows(string path, ImportOptions limits)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw new BadInputException($"{name}: the file is empty");
        }

        if (Detect(bytes, name) == PlanFileFormat.Xlsx)
        {
            return TabularReader.ReadXlsx(bytes, name, limits);
        }

        return TabularReader.ReadCsv(TextDecoder.Decode(bytes, name).Text);
    }
}
