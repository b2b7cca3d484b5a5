using System.IO.Compression;
using System.Text;

namespace Supervisor.Core.Evidence;

/// <summary>What a file of 佐证材料 is, decided from its bytes: the media type it is served as and how staff see it.</summary>
/// <param name="MediaType">The type the file is stored and served with.</param>
/// <param name="Label">The kind as the office reads it (图片, PDF, Word 文档, Excel 表格).</param>
/// <param name="Extension">The extension a download is given when the uploaded name lacks the right one.</param>
/// <param name="Previewable">A browser shows it as an image (JPEG, PNG, GIF, WebP); everything else is a download.</param>
public sealed record EvidenceType(string MediaType, string Label, string Extension, bool Previewable);

/// <summary>
/// Recognises the files a department may attach to a report — photos (including the HEIC an iPhone takes), PDF, Word and
/// Excel (Office Open XML, and the older binary formats WPS Office still writes) — by their content, never by their
/// name or the browser's claimed type. Anything else (HTML, SVG, scripts, executables, archives, macro-enabled
/// documents) is refused, so no upload can be served back as something a browser would run.
/// </summary>
public static class EvidenceTypes
{
    public static readonly EvidenceType Jpeg = new("image/jpeg", "图片", ".jpg", Previewable: true);
    public static readonly EvidenceType Png = new("image/png", "图片", ".png", Previewable: true);
    public static readonly EvidenceType Gif = new("image/gif", "图片", ".gif", Previewable: true);
    public static readonly EvidenceType WebP = new("image/webp", "图片", ".webp", Previewable: true);
    public static readonly EvidenceType Heic = new("image/heic", "图片", ".heic", Previewable: false);
    public static readonly EvidenceType Pdf = new("application/pdf", "PDF", ".pdf", Previewable: false);
    public const string DocxMediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly EvidenceType Docx = new(DocxMediaType, "Word 文档", ".docx", Previewable: false);
    public static readonly EvidenceType Xlsx = new(XlsxMediaType, "Excel 表格", ".xlsx", Previewable: false);
    public static readonly EvidenceType Doc = new("application/msword", "Word 文档", ".doc", Previewable: false);
    public static readonly EvidenceType Xls = new("application/vnd.ms-excel", "Excel 表格", ".xls", Previewable: false);

    private static readonly EvidenceType[] All = [Jpeg, Png, Gif, WebP, Heic, Pdf, Docx, Xlsx, Doc, Xls];

    /// <summary>A stored media type a browser shows as an image; false for anything else, including types no longer accepted.</summary>
    public static bool IsPreviewable(string mediaType) => Find(mediaType)?.Previewable == true;

    /// <summary>The accepted type stored as <paramref name="mediaType"/>; null for any other.</summary>
    public static EvidenceType? Find(string mediaType) => All.FirstOrDefault(t => t.MediaType == mediaType);

    /// <summary>What the office tells a department it may attach.</summary>
    public const string Accepted = "图片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word（DOC、DOCX）或 Excel（XLS、XLSX）";

    // Office Open XML packages are zips; a document this size has far fewer parts. More is not a document.
    private const int MaxZipEntries = 10_000;

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly string[] HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"];

    /// <summary>The type of <paramref name="content"/>, or a Chinese reason it is not accepted.</summary>
    /// <param name="fileName">Only for the message: the name the department sees in it.</param>
    public static (EvidenceType? Type, string? Refusal) Recognise(ReadOnlySpan<byte> content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (content.IsEmpty)
        {
            return (null, $"文件“{fileName}”是空文件");
        }

        if (content.StartsWith(PngMagic))
        {
            return (Png, null);
        }

        if (content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
        {
            return (Jpeg, null);
        }

        if (content.StartsWith("GIF87a"u8) || content.StartsWith("GIF89a"u8))
        {
            return (Gif, null);
        }

        if (content.Length >= 12 && content.StartsWith("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8))
        {
            return (WebP, null);
        }

        if (content.Length >= 12 && content[4..8].SequenceEqual("ftyp"u8) && HeifBrands.Contains(Encoding.ASCII.GetString(content[8..12])))
        {
            return (Heic, null);
        }

        if (content.StartsWith("%PDF-"u8))
        {
            return (Pdf, null);
        }

        if (content.StartsWith(OleMagic))
        {
            return Ole(content, fileName);
        }

        if (content.StartsWith(ZipMagic))
        {
            return OfficeOpenXml(content, fileName);
        }

        return (null, $"文件“{fileName}”不是可接受的佐证材料（按文件内容识别）；可上传{Accepted}");
    }

    /// <summary>
    /// A compound file (Word 97–2003, Excel 97–2003, WPS): its directory names the main stream, UTF-16 encoded —
    /// WordDocument for Word, Workbook or Book for Excel. A macro project (_VBA_PROJECT, _VBA_PROJECT_CUR) is refused.
    /// </summary>
    private static (EvidenceType?, string?) Ole(ReadOnlySpan<byte> content, string fileName)
    {
        if (Contains(content, "_VBA_PROJECT"))
        {
            return (null, $"文件“{fileName}”含有宏，不能作为佐证材料上传；请另存为不含宏的文档");
        }

        if (Contains(content, "WordDocument"))
        {
            return (Doc, null);
        }

        if (Contains(content, "Workbook") || Contains(content, "Book"))
        {
            return (Xls, null);
        }

        return (null, $"文件“{fileName}”是 Office 复合文档，但既不是 Word 也不是 Excel 文件；可上传{Accepted}");
    }

    private static bool Contains(ReadOnlySpan<byte> content, string name) =>
        content.IndexOf(Encoding.Unicode.GetBytes(name)) >= 0;

    /// <summary>A zip is a Word or Excel document when its parts say so; a macro project or any other zip is refused.</summary>
    private static (EvidenceType?, string?) OfficeOpenXml(ReadOnlySpan<byte> content, string fileName)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxZipEntries)
            {
                return (null, $"文件“{fileName}”不是可接受的佐证材料：压缩包内文件过多");
            }

            foreach (var entry in zip.Entries)
            {
                names.Add(entry.FullName);
            }
        }
        catch (InvalidDataException)
        {
            return (null, $"文件“{fileName}”已损坏，无法识别（压缩结构不完整）");
        }

        if (!names.Contains("[Content_Types].xml"))
        {
            return (null, $"文件“{fileName}”是压缩包，不是 Word 或 Excel 文件；压缩包不能作为佐证材料上传");
        }

        if (names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, $"文件“{fileName}”含有宏，不能作为佐证材料上传；请另存为不含宏的文档");
        }

        if (names.Contains("word/document.xml"))
        {
            return (Docx, null);
        }

        if (names.Contains("xl/workbook.xml"))
        {
            return (Xlsx, null);
        }

        return (null, $"文件“{fileName}”是 Office 文档，但既不是 Word 也不是 Excel 文件；可上传{Accepted}");
    }

    /// <summary>
    /// The name a file is stored and downloaded under: the uploaded name without any folder, control characters or
    /// characters file systems refuse, at most <see cref="InputLimits.Name"/> characters, ending in the extension of
    /// its real type (so a JPEG called 报告.pdf downloads as 报告.pdf.jpg).
    /// </summary>
    public static string SafeFileName(string uploaded, EvidenceType type)
    {
        ArgumentNullException.ThrowIfNull(uploaded);
        ArgumentNullException.ThrowIfNull(type);
        var name = uploaded.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var clean = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            clean.Append(char.IsControl(c) || c is '"' or '<' or '>' or '|' or ':' or '*' or '?' ? '_' : c);
        }

        name = clean.ToString().Trim().TrimStart('.');
        if (name.Length == 0)
        {
            name = "佐证材料";
        }

        var hasExtension = name.EndsWith(type.Extension, StringComparison.OrdinalIgnoreCase)
            || (type == Jpeg && name.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            || (type == Heic && name.EndsWith(".heif", StringComparison.OrdinalIgnoreCase));
        var suffix = hasExtension ? "" : type.Extension;
        var max = InputLimits.Name - suffix.Length;
        if (name.Length > max)
        {
            // Keep the end, where the extension is.
            name = name[..(max / 2)] + "…" + name[^(max - (max / 2) - 1)..];
        }

        return name + suffix;
    }
}
