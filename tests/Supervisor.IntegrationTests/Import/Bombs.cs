using System.IO.Compression;
using System.Text;

namespace Supervisor.IntegrationTests.Import;

/// <summary>The two crafted workbooks of the hardening issue (finding 1), made the way an attacker would.</summary>
internal static class Bombs
{
    private const string ContentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
        <Default Extension="xml" ContentType="application/xml"/>
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
        </Types>
        """;

    private const string RootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
        </Relationships>
        """;

    private const string Workbook = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheets><sheet name="任务" sheetId="1" r:id="rId1"/></sheets></workbook>
        """;

    private const string WorkbookRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
        </Relationships>
        """;

    private const string SheetStart = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""";

    private const string SheetEnd = "</sheetData></worksheet>";

    /// <summary>One cell in A1 and one in XFD1048576: a 1.6 KB file whose grid would be 17 billion cells.</summary>
    public static byte[] FarCorner() => Package(sheet => sheet.Write(Encoding.UTF8.GetBytes(SheetStart +
        """<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row>""" +
        """<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>完</t></is></c></row>""" + SheetEnd)));

    /// <summary>One cell whose text is <paramref name="expandedBytes"/> of spaces: deflate packs 400 MB of it into about 390 KB.</summary>
    public static byte[] Expanding(long expandedBytes) => Package(sheet =>
    {
        sheet.Write(Encoding.UTF8.GetBytes(SheetStart + """<row r="1"><c r="A1" t="inlineStr"><is><t>"""));
        var block = new byte[1024 * 1024];
        Array.Fill(block, (byte)' ');
        for (long written = 0; written < expandedBytes; written += block.Length)
        {
            sheet.Write(block);
        }

        sheet.Write(Encoding.UTF8.GetBytes("</t></is></c></row>" + SheetEnd));
    });

    /// <summary>A plain sheet of <paramref name="count"/> one-cell rows.</summary>
    public static byte[] Rows(int count) => Package(sheet =>
    {
        sheet.Write(Encoding.UTF8.GetBytes(SheetStart));
        var row = Encoding.UTF8.GetBytes("<row><c t=\"inlineStr\"><is><t>任务</t></is></c></row>");
        for (var i = 0; i < count; i++)
        {
            sheet.Write(row);
        }

        sheet.Write(Encoding.UTF8.GetBytes(SheetEnd));
    });

    private static byte[] Package(Action<Stream> writeSheet)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", ContentTypes);
            Add(zip, "_rels/.rels", RootRels);
            Add(zip, "xl/workbook.xml", Workbook);
            Add(zip, "xl/_rels/workbook.xml.rels", WorkbookRels);
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            writeSheet(sheet);
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }
}
