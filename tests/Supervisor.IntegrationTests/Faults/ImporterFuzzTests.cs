using System.Diagnostics;
using System.Text;
using Dapper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// Whatever file a user hands over, `import` either imports it cleanly or exits 2 with one line naming the problem,
/// leaving the database as it was — and never hangs.
/// </summary>
[Trait("Category", "Faults")]
public sealed class ImporterFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(60);
    private readonly TestDatabase _db = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("supervisor-fuzz-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        // A plan already stored: a failed import must leave it exactly as it was.
        Assert.Equal(0, (await SupervisorProcess.RunAsync(["import", SharedFiles.Seed("003"), "--year", "2023"], SupervisorProcess.Env(_db))).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ProcessResult> ImportAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        await File.WriteAllBytesAsync(path, bytes);
        var stopwatch = Stopwatch.StartNew();
        var result = await SupervisorProcess.RunAsync(["import", path, "--year", "2023", "--title", "模糊测试"], SupervisorProcess.Env(_db), PerFile);
        output.WriteLine($"{name} ({bytes.Length:N0} bytes): exit {result.ExitCode} in {stopwatch.Elapsed.TotalSeconds:F1} s — {result.StdErr.Trim()}");
        return result;
    }

    private async Task AssertRejectedUnchangedAsync(string name, byte[] bytes, string expected)
    {
        var before = await RowCounts.ReadAsync(_db.DataSource);

        var result = await ImportAsync(name, bytes);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await RowCounts.ReadAsync(_db.DataSource));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 1_000)]
    [InlineData(3, 64_000)]
    [InlineData(4, 1_000_000)]
    public async Task RandomBytes_AreRejectedWithOneLine(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);

        await AssertRejectedUnchangedAsync($"random-{seed}.bin", bytes, "");
    }

    [Fact]
    public async Task TruncatedDocuments_ImportCleanlyOrAreRejected_NeverWithGarbledText()
    {
        var seed = await File.ReadAllBytesAsync(SharedFiles.Seed("003"));
        var random = new Random(42);
        foreach (var cut in Enumerable.Range(0, 6).Select(_ => random.Next(1, seed.Length)).Append(3).Append(seed.Length - 1))
        {
            var before = await RowCounts.ReadAsync(_db.DataSource);
            var result = await ImportAsync($"truncated-{cut}.txt", seed[..cut]);

            Assert.Contains(result.ExitCode, new[] { 0, 2 });
            if (result.ExitCode == 2)
            {
                Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Equal(before, await RowCounts.ReadAsync(_db.DataSource));
            }
            else
            {
                await using var connection = await _db.DataSource.OpenConnectionAsync();
                Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from tasks where full_text like '%' || chr(65533) || '%' or title like '%' || chr(65533) || '%'"));
                Assert.DoesNotContain("GB18030", result.StdOut, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task TenMegabytesOfProse_IsRejectedAsHavingNoTask_InBoundedTime()
    {
        var prose = string.Concat(Enumerable.Repeat("全县经济运行总体平稳，项目建设持续推进，民生事业取得新进展，干部作风进一步转变。\n", 10 * 1024 * 1024 / 120));

        await AssertRejectedUnchangedAsync("prose.txt", Encoding.UTF8.GetBytes(prose), "no task found");
    }

    [Fact]
    public async Task Gb18030BehindAUtf8ByteOrderMark_IsRejectedNamingTheMislabel()
    {
        var text = await File.ReadAllTextAsync(SharedFiles.Seed("003"));
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. TextDecoder.Gb18030.GetBytes(text)];

        await AssertRejectedUnchangedAsync("mislabelled.txt", bytes, "byte-order mark");
    }

    [Fact]
    public async Task XlsxWithoutATaskColumn_IsRejectedNamingTheColumn()
    {
        var bytes = XlsxWriter.ToBytes([new XlsxSheet("任务", ["序号", "牵头单位", "完成时限"], [["1", "区发改局", "6月底前"]])]);

        await AssertRejectedUnchangedAsync("no-task-column.xlsx", bytes, "工作任务");
    }

    [Fact]
    public async Task TruncatedXlsx_IsRejectedAsUnreadable()
    {
        var bytes = XlsxWriter.ToBytes([new XlsxSheet("任务", ["序号", "工作任务", "牵头单位"], [["1", "推进项目建设。", "区发改局"]])]);

        await AssertRejectedUnchangedAsync("cut.xlsx", bytes[..(bytes.Length / 2)], "XLSX");
    }

    [Fact]
    public async Task XlsxWithMergedCells_RepeatsTheMergedValueOnEachRow()
    {
        // A 台账 often merges the leader and lead-unit cells over the tasks they share.
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            string[][] rows =
            [
                ["序号", "工作任务", "责任领导", "牵头单位", "完成时限"],
                ["1", "推进南外环高速公路建设。", "洪声耀", "区交通运输局", "6月底前"],
                ["2", "完成农村公路提质改造。", "", "", "9月底前"],
            ];
            for (var r = 0; r < rows.Length; r++)
            {
                var row = new Row { RowIndex = (uint)r + 1 };
                for (var c = 0; c < rows[r].Length; c++)
                {
                    row.Append(new Cell
                    {
                        CellReference = XlsxWriter.ColumnName(c + 1) + (r + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        DataType = CellValues.InlineString,
                        InlineString = new InlineString(new Text(rows[r][c])),
                    });
                }

                data.Append(row);
            }

            part.Worksheet = new Worksheet(data, new MergeCells(new MergeCell { Reference = "C2:C3" }, new MergeCell { Reference = "D2:D3" }));
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = 1, Name = "任务" }));
        }

        var result = await ImportAsync("merged.xlsx", stream.ToArray());

        Assert.Equal(0, result.ExitCode);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        const string sql = """
            select count(*)::int from tasks t join plans p on p.id = t.plan_id
            join task_units tu on tu.task_id = t.id join units u on u.id = tu.unit_id
            where p.title = '模糊测试' and u.name = '区交通运输局' and tu.role = 'lead'
            """;
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>(sql));
    }
}
