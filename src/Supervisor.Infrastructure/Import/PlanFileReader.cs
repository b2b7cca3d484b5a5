using Supervisor.Core;
using Supervisor.Core.Import;

namespace Supervisor.Infrastructure.Import;

public enum PlanFileFormat
{
    Auto,
    Text,
    Xlsx,
    Csv,
    Docx,
    Html,
    Pdf,
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
            throw new BadInputException(
                $"{name}: {length / 1024 / 1024} MB is larger than the {MaxBytes / 1024 / 1024} MB a plan may be",
                $"{name}：文件 {length / 1024 / 1024} MB，超过了方案文件 {MaxBytes / 1024 / 1024} MB 的上限。");
        }

        return Read(File.ReadAllBytes(path), name, limits, format);
    }

    public static PlanFile Read(byte[] bytes, string name, ImportOptions limits, PlanFileFormat format = PlanFileFormat.Auto)
    {
        if (bytes.Length == 0)
        {
            throw new BadInputException($"{name}: the file is empty", $"{name}：文件是空的。");
        }

        if (format == PlanFileFormat.Auto)
        {
            format = Detect(bytes, name);
        }

        switch (format)
        {
            case PlanFileFormat.Xlsx:
                return new PlanFile(PlanTableParser.Parse(TabularReader.ReadXlsx(bytes, name, limits)), format, null);
            case PlanFileFormat.Docx:
                return new PlanFile(PlanTextParser.Parse(DocxReader.Read(bytes, name, limits)), format, null);
            case PlanFileFormat.Pdf:
                PdfStreamGuard.Check(bytes, name, limits);
                return new PlanFile(PlanTextParser.Parse(PdfReader.Read(bytes, name)), format, null);
            case PlanFileFormat.Html:
                var (html, htmlEncoding) = HtmlReader.Read(bytes, name, limits.MaxCells);
                return new PlanFile(PlanTextParser.Parse(html), format, htmlEncoding);
        }

        var (text, encoding) = TextDecoder.Decode(bytes, name);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new BadInputException($"{name}: the file has no text", $"{name}：文件中没有文字。");
        }

        var document = format == PlanFileFormat.Csv ? PlanTableParser.Parse(TabularReader.ReadCsv(text)) : PlanTextParser.Parse(text);
        return new PlanFile(document, format, encoding);
    }

    /// <summary>The format by content, never by name alone (a .doc renamed .docx, a web page saved as .txt).</summary>
    public static PlanFileFormat Detect(byte[] bytes, string name)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
        {
            return ZipFormat(bytes, name);
        }

        // OLE compound file: legacy Word/WPS or Excel. Their stream names tell which, in UTF-16.
        if (span.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
        {
            if (span.IndexOf(System.Text.Encoding.Unicode.GetBytes("WordDocument")) >= 0)
            {
                throw new ImportRefusedException(
                    $"{name}: is a legacy Word/WPS document (.doc/.wps); open it in Word or WPS, save it as .docx and import that",
                    $"{name}：这是旧版 Word/WPS 文档（.doc/.wps），无法直接读取。请用 Word 或 WPS 打开，另存为 .docx 后再上传。");
            }

            throw new ImportRefusedException(
                $"{name}: is a legacy .xls/.doc file; save it as .xlsx (a table) or .docx (a document) and import that",
                $"{name}：这是旧版 Office 文件（.xls/.doc），无法直接读取。请另存为 .xlsx 或 .docx 后再上传。");
        }

        var pdf = span[..Math.Min(span.Length, 1024)].IndexOf("%PDF-"u8);
        if (pdf >= 0)
        {
            return PlanFileFormat.Pdf;
        }

        if (HtmlReader.Looks(span))
        {
            return PlanFileFormat.Html;
        }

        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)
            ? PlanFileFormat.Csv
            : PlanFileFormat.Text;
    }

    /// <summary>A ZIP package: a workbook, a Word document, or something we cannot read (OpenDocument, a plain archive).</summary>
    private static PlanFileFormat ZipFormat(byte[] bytes, string name)
    {
        HashSet<string> entries;
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes, writable: false), System.IO.Compression.ZipArchiveMode.Read);
            entries = zip.Entries.Take(10_000).Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        catch (InvalidDataException)
        {
            // Damaged: let the workbook reader name what is wrong, as it always has.
            return PlanFileFormat.Xlsx;
        }

        if (entries.Contains("word/document.xml"))
        {
            return PlanFileFormat.Docx;
        }

        if (entries.Contains("xl/workbook.xml") || entries.Contains("[Content_Types].xml"))
        {
            return PlanFileFormat.Xlsx;
        }

        if (entries.Contains("content.xml") && entries.Contains("mimetype"))
        {
            throw new ImportRefusedException(
                $"{name}: is an OpenDocument file (.odt/.ods); save it as .docx or .xlsx and import that",
                $"{name}：这是 OpenDocument 文件（.odt/.ods），请另存为 .docx 或 .xlsx 后再上传。");
        }

        throw new ImportRefusedException(
            $"{name}: is a ZIP archive, not a Word document or workbook; unpack it and import the plan inside",
            $"{name}：这是压缩包，不是 Word 文档或 Excel 表格。请解压后上传其中的方案文件。");
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
            throw new BadInputException($"{name}: the file is empty", $"{name}：文件是空的。");
        }

        if (Detect(bytes, name) == PlanFileFormat.Xlsx)
        {
            return TabularReader.ReadXlsx(bytes, name, limits);
        }

        return TabularReader.ReadCsv(TextDecoder.Decode(bytes, name).Text);
    }
}
