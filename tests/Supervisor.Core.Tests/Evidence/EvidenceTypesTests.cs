using System.IO.Compression;
using System.Text;
using Supervisor.Core.Evidence;

namespace Supervisor.Core.Tests.Evidence;

/// <summary>
/// Recognising 佐证材料 by content. The real files (photos rendered by poppler, documents written by LibreOffice) are
/// in the integration tests; here each signature, and the files that must never pass for evidence.
/// </summary>
public sealed class EvidenceTypesTests
{
    private static byte[] Bytes(params byte[] head) => [.. head, .. new byte[64]];

    private static byte[] Zip(params string[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                writer.Write("<x/>");
            }
        }

        return stream.ToArray();
    }

    private static byte[] Ole(string streamName) =>
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[500], .. Encoding.Unicode.GetBytes(streamName), .. new byte[100]];

    public static TheoryData<string, byte[], string> Accepted => new()
    {
        { "JPEG", Bytes(0xFF, 0xD8, 0xFF, 0xE0), "image/jpeg" },
        { "PNG", Bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A), "image/png" },
        { "GIF", [.. "GIF89a"u8.ToArray(), .. new byte[20]], "image/gif" },
        { "WebP", [.. "RIFF"u8.ToArray(), 0, 0, 0, 0, .. "WEBPVP8 "u8.ToArray(), .. new byte[20]], "image/webp" },
        { "iPhone HEIC", [0, 0, 0, 0x18, .. "ftypheic"u8.ToArray(), .. new byte[20]], "image/heic" },
        { "PDF", [.. "%PDF-1.7\n"u8.ToArray(), .. new byte[20]], "application/pdf" },
        { "DOCX", Zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"), EvidenceTypes.Docx.MediaType },
        { "XLSX", Zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"), EvidenceTypes.Xlsx.MediaType },
        { "Word 97", Ole("WordDocument"), "application/msword" },
        { "Excel 97", Ole("Workbook"), "application/vnd.ms-excel" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Recognise_AcceptsPhotosPdfWordAndExcel_ByTheirBytes(string what, byte[] content, string mediaType)
    {
        var (type, refusal) = EvidenceTypes.Recognise(content, "随便叫什么.txt");

        Assert.True(type is not null, $"{what}: {refusal}");
        Assert.Equal(mediaType, type.MediaType);
        Assert.Null(refusal);
    }

    public static TheoryData<string, byte[], string> Refused => new()
    {
        { "a page renamed .jpg", "<!DOCTYPE html><html><script>alert(1)</script></html>"u8.ToArray(), "不是可接受的佐证材料" },
        { "SVG with a script", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "不是可接受的佐证材料" },
        { "a Windows program", Bytes(0x4D, 0x5A, 0x90, 0x00), "不是可接受的佐证材料" },
        { "an empty file", [], "是空文件" },
        { "a zip of anything", Zip("photos/1.jpg", "photos/2.jpg"), "压缩包不能作为佐证材料" },
        { "a macro workbook (xlsm)", Zip("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"), "含有宏" },
        { "a macro document (Word 97)", [.. Ole("WordDocument"), .. Encoding.Unicode.GetBytes("_VBA_PROJECT")], "含有宏" },
        { "a presentation", Zip("[Content_Types].xml", "ppt/presentation.xml"), "既不是 Word 也不是 Excel" },
        { "a cut zip", Zip("[Content_Types].xml", "word/document.xml")[..40], "已损坏" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Recognise_RefusesWhatABrowserCouldRunOrTheOfficeCannotOpen_NamingTheFile(string what, byte[] content, string reason)
    {
        var (type, refusal) = EvidenceTypes.Recognise(content, "现场照片.jpg");

        Assert.True(type is null, $"{what} passed as {type?.MediaType}");
        Assert.Contains("“现场照片.jpg”", refusal, StringComparison.Ordinal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("现场照片.jpg", "image/jpeg", "现场照片.jpg")]
    [InlineData("IMG_0001.JPEG", "image/jpeg", "IMG_0001.JPEG")]
    [InlineData("报告.pdf", "image/jpeg", "报告.pdf.jpg")]
    [InlineData("../../etc/passwd", "application/pdf", "passwd.pdf")]
    [InlineData("C:\\Users\\张三\\Desktop\\台账.xlsx", EvidenceTypes.XlsxMediaType, "台账.xlsx")]
    [InlineData("a\"b<c>.docx", EvidenceTypes.DocxMediaType, "a_b_c_.docx")]
    [InlineData(".htaccess", "application/pdf", "htaccess.pdf")]
    [InlineData("   ", "image/png", "佐证材料.png")]
    public void SafeFileName_KeepsTheNameButNeverAFolderAndAlwaysTheRealExtension(string uploaded, string mediaType, string expected)
    {
        var type = EvidenceTypes.Find(mediaType)!;

        Assert.Equal(expected, EvidenceTypes.SafeFileName(uploaded, type));
    }

    [Fact]
    public void SafeFileName_ShortensALongNameToTheLimit_KeepingItsExtension()
    {
        var name = EvidenceTypes.SafeFileName(new string('长', 300) + ".pdf", EvidenceTypes.Pdf);

        Assert.Equal(InputLimits.Name, name.Length);
        Assert.EndsWith("长.pdf", name, StringComparison.Ordinal);
        Assert.Contains("…", name, StringComparison.Ordinal);
    }
}
