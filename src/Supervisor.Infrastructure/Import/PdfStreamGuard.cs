using System.Buffers;
using System.IO.Compression;
using Supervisor.Core.Import;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// The PDF counterpart of <see cref="PackageGuard"/>: before PdfPig opens a PDF, every zlib (FlateDecode) stream in it
/// is inflated into nothing and counted. A stream past <see cref="ImportOptions.MaxPartBytes"/>, or all streams together
/// past <see cref="ImportOptions.PackageParts"/> times that, is refused as soon as the count passes the limit — a
/// kilobyte of crafted Flate data can otherwise expand to gigabytes inside the reader. The stream's /Length is not
/// trusted; the zlib data ends where the deflate stream says it ends. Memory stays one buffer.
/// </summary>
public static class PdfStreamGuard
{
    public static void Check(byte[] bytes, string name, ImportOptions limits)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            var totalLimit = limits.MaxPartBytes * ImportOptions.PackageParts;
            var span = bytes.AsSpan();
            var at = 0;
            while (true)
            {
                var found = span[at..].IndexOf("stream"u8);
                if (found < 0)
                {
                    break;
                }

                var keyword = at + found;
                at = keyword + 6;
                var data = DataStart(span, keyword);
                if (data < 0)
                {
                    continue;
                }

                long expanded = 0;
                try
                {
                    using var zlib = new ZLibStream(new MemoryStream(bytes, data, bytes.Length - data, writable: false), CompressionMode.Decompress);
                    int read;
                    while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        expanded += read;
                        total += read;
                        if (expanded > limits.MaxPartBytes)
                        {
                            throw TooLarge(name, $"a compressed stream expands past {limits.PartLimitText} (Import:MaxPartBytes)",
                                $"其中一个压缩数据流解压后超过 {limits.PartLimitText}（上限由 Import:MaxPartBytes 设定）");
                        }

                        if (total > totalLimit)
                        {
                            throw TooLarge(name, $"compressed streams that expand past {totalLimit / 1024 / 1024} MB together ({ImportOptions.PackageParts} × Import:MaxPartBytes)",
                                $"压缩数据流解压后合计超过 {totalLimit / 1024 / 1024} MB（上限为 {ImportOptions.PackageParts} × Import:MaxPartBytes）");
                        }
                    }
                }
                catch (InvalidDataException)
                {
                    // Damaged or not zlib after all: PdfPig decides what it can read; what it inflates was counted.
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Where a stream's data starts when <paramref name="keyword"/> is a "stream" keyword after a dictionary ("&gt;&gt;",
    /// not "endstream") whose data opens with a valid zlib header; else -1.
    /// </summary>
    private static int DataStart(ReadOnlySpan<byte> span, int keyword)
    {
        var before = keyword - 1;
        while (before >= 0 && span[before] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0)
        {
            before--;
        }

        if (before < 1 || span[before] != '>' || span[before - 1] != '>')
        {
            return -1;
        }

        var data = keyword + 6;
        if (data < span.Length && span[data] == '\r')
        {
            data++;
        }

        if (data < span.Length && span[data] == '\n')
        {
            data++;
        }

        // CMF 0x78 (deflate, 32 KB window or less) and a header checksum divisible by 31: RFC 1950.
        return data + 1 < span.Length && (span[data] & 0x0F) == 8 && ((span[data] << 8) | span[data + 1]) % 31 == 0 ? data : -1;
    }

    private static ImportRefusedException TooLarge(string name, string english, string chinese) =>
        new($"{name}: refused, {english}; nothing imported", $"{name}：文件过大，{chinese}，未导入。请重新导出 PDF 或直接上传 Word 文档（.docx）。", tooLarge: true);
}
