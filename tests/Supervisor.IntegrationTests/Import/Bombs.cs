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

    /// <summary>
    /// A one-page PDF whose content stream is FlateDecode data that inflates to <paramref name="expandTo"/> bytes of
    /// drawing operators ("q Q"), with a /Length that tells the truth about the compressed size only.
    /// </summary>
    public static byte[] FlatePdf(long expandTo)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("q Q\n", 16384)));
            for (long written = 0; written < expandTo; written += chunk.Length)
            {
                zlib.Write(chunk);
            }
        }

        var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.ASCII.GetBytes(text));
        Write("%PDF-1.7\n");
        offsets.Add(pdf.Position);
        Write("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        offsets.Add(pdf.Position);
        Write("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
        offsets.Add(pdf.Position);
        Write("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n");
        offsets.Add(pdf.Position);
        Write($"4 0 obj\n<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n");
        compressed.Position = 0;
        compressed.CopyTo(pdf);
        Write("\nendstream\nendobj\n");
        var xref = pdf.Position;
        Write("xref\n0 5\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write($"{offset:D10} 00000 n \n");
        }

        Write($"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }
}
