using System.Diagnostics;
using Supervisor.Core;
using Supervisor.Core.Import;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Import;

/// <summary>Hardening finding 1: an upload that expands past the limits is refused before it can allocate.</summary>
public sealed class ImportHardeningTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>200 MB: the managed heap the refused import must fit in.</summary>
    private const string HeapLimit = "0xC800000";

    private readonly string _dir = Directory.CreateTempSubdirectory("supervisor-bomb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> BombNames => new() { "far-corner.xlsx", "expanding.xlsx" };

    private static byte[] Bomb(string name) => name == "far-corner.xlsx" ? Bombs.FarCorner() : Bombs.Expanding(400L * 1024 * 1024);

    [Theory]
    [MemberData(nameof(BombNames))]
    public async Task Finding01_XlsxBomb_IsRefusedWithinBoundedMemory(string name)
    {
        var bytes = Bomb(name);
        var path = Path.Combine(_dir, name);
        await File.WriteAllBytesAsync(path, bytes);
        var env = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = HeapLimit, ["ConnectionStrings__Supervisor"] = "" };

        var clock = Stopwatch.StartNew();
        var result = await SupervisorProcess.RunAsync(["import", path, "--dry-run", "--year", "2023"], env);
        clock.Stop();

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(name + ": refused", line, StringComparison.Ordinal);
        Assert.Contains(name == "far-corner.xlsx" ? "Import:MaxCells" : "Import:MaxPartBytes", line, StringComparison.Ordinal);
        Assert.Empty(result.StdOut);

        // In process: how long the refusal itself takes and what it allocates, apart from process start-up.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var inProcess = Stopwatch.StartNew();
        var refused = Assert.Throws<ImportRefusedException>(() => PlanFileReader.Read(bytes, name, ImportOptions.Default));
        inProcess.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(refused.TooLarge);
        Assert.Contains("文件过大", refused.Chinese, StringComparison.Ordinal);
        Assert.True(allocated < 200L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB");
        output.WriteLine($"[figure] {name} ({bytes.Length / 1024.0:0.0} KB): refused in {inProcess.Elapsed.TotalMilliseconds:0} ms allocating {allocated / 1024.0 / 1024:0.0} MB; " +
            $"CLI under DOTNET_GCHeapHardLimit=200 MB: exit {result.ExitCode} after {clock.Elapsed.TotalMilliseconds:0} ms with start-up");
    }

    [Fact]
    public async Task PdfWhoseFlateStreamInflatesPastTheLimit_IsRefusedBeforeTheReader_NamingTheLimitInChinese()
    {
        var bytes = Bombs.FlatePdf(64L * 1024 * 1024);
        var path = Path.Combine(_dir, "bomb.pdf");
        await File.WriteAllBytesAsync(path, bytes);
        var env = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = HeapLimit, ["ConnectionStrings__Supervisor"] = "" };

        var result = await SupervisorProcess.RunAsync(["import", path, "--dry-run", "--year", "2023"], env);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("bomb.pdf: refused, a compressed stream expands past 32 MB (Import:MaxPartBytes)", line, StringComparison.Ordinal);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var refused = Assert.Throws<ImportRefusedException>(() => PlanFileReader.Read(bytes, "bomb.pdf", ImportOptions.Default));
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(refused.TooLarge);
        Assert.Equal("bomb.pdf：文件过大，其中一个压缩数据流解压后超过 32 MB（上限由 Import:MaxPartBytes 设定），未导入。请重新导出 PDF 或直接上传 Word 文档（.docx）。", refused.Chinese);
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB");
        output.WriteLine($"[figure] bomb.pdf ({bytes.Length / 1024.0:0.0} KB, inflating to 64 MB): refused in {clock.Elapsed.TotalMilliseconds:0} ms allocating {allocated / 1024.0 / 1024:0.0} MB");
    }

    [Fact]
    public void PdfWhoseFlateStreamStaysWithinTheLimit_IsReadByThePdfReader()
    {
        // 1 MB of drawing operators and no text: past the guard, the reader says it is a scan, not that it is too large.
        var refused = Assert.Throws<ImportRefusedException>(() => PlanFileReader.Read(Bombs.FlatePdf(1024 * 1024), "empty.pdf", ImportOptions.Default));

        Assert.False(refused.TooLarge);
        Assert.Contains("empty.pdf", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finding01_ZipWhoseHeaderUnderstatesThePart_IsRefusedWhileStreaming()
    {
        var bytes = Bombs.Expanding(64L * 1024 * 1024);
        LieAboutSizes(bytes, declared: 1000);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.ThrowsAny<BadInputException>(() => PlanFileReader.Read(bytes, "lying.xlsx", ImportOptions.Default));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.StartsWith("lying.xlsx: ", refused.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB");
    }

    [Fact]
    public void Finding01_SheetWithinTheLimits_StillReads()
    {
        var limits = new ImportOptions { MaxPartBytes = 1024 * 1024, MaxCells = 5_000 };
        var rows = TabularReader.ReadXlsx(Bombs.Rows(4_000), "fine.xlsx", limits);

        Assert.Equal(4_000, rows.Count);
        Assert.All(rows, r => Assert.Equal("任务", Assert.Single(r)));
    }

    [Fact]
    public void Finding01_MoreCellsThanMaxCells_IsRefusedNamingTheSetting()
    {
        var limits = new ImportOptions { MaxPartBytes = 1024 * 1024, MaxCells = 1_000 };

        var refused = Assert.Throws<ImportRefusedException>(() => TabularReader.ReadXlsx(Bombs.Rows(4_000), "many.xlsx", limits));

        Assert.Contains("Import:MaxCells", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes a smaller uncompressed size into the sheet's local header and central directory record.</summary>
    private static void LieAboutSizes(byte[] zip, uint declared)
    {
        for (var i = 0; i + 30 < zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            if (signature == 0x04034b50 && NameAt(zip, i + 30, BitConverter.ToUInt16(zip, i + 26)) == "xl/worksheets/sheet1.xml")
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22, 4), declared);
            }
            else if (signature == 0x02014b50 && NameAt(zip, i + 46, BitConverter.ToUInt16(zip, i + 28)) == "xl/worksheets/sheet1.xml")
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24, 4), declared);
            }
        }
    }

    private static string NameAt(byte[] zip, int offset, int length) =>
        offset + length <= zip.Length ? System.Text.Encoding.UTF8.GetString(zip, offset, length) : "";
}
