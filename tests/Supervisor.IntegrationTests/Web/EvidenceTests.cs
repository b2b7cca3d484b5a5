using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Supervisor.Core.Evidence;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Import;
using Supervisor.Web.Evidence;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Web;

/// <summary>
/// 佐证材料: files made by real tools (LibreOffice writes the documents, poppler renders the photos) recognised by their
/// content; an upload read as it arrives and refused at the first limit it passes; files stored with their report in
/// one transaction and served to staff so that no browser runs them.
/// </summary>
public sealed class EvidenceTests(EvidenceTests.RealFiles files, ITestOutputHelper output) : IClassFixture<EvidenceTests.RealFiles>, IAsyncLifetime
{
    private readonly ConsoleHost _host = new();

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    /// <summary>Word files in both formats and a PDF written by LibreOffice, a workbook, and the PDF's first page as PNG and JPEG.</summary>
    public sealed class RealFiles : IDisposable
    {
        public RealFiles()
        {
            var source = Path.Combine(Dir, "src");
            Directory.CreateDirectory(source);
            var html = Path.Combine(source, "进展报告.html");
            File.WriteAllText(html, "<html><body><h1>关于重点工作进展情况的报告</h1><p>已完成年度目标的 60%。</p></body></html>", Encoding.UTF8);
            Docx = WordProcessor.Convert([html], "docx:MS Word 2007 XML", Dir)[0];
            Pdf = WordProcessor.Convert([html], "pdf", Dir)[0];
            Doc = WordProcessor.Convert([html], "doc:MS Word 97", Path.Combine(Dir, "old"))[0];

            // Only LibreOffice's Writer is installed (no Calc): the workbook is the product's own export, as an office saves it.
            Xlsx = Path.Combine(Dir, "台账.xlsx");
            using (var stream = File.Create(Xlsx))
            {
                Supervisor.Infrastructure.Excel.XlsxWriter.Write(stream, [new Supervisor.Infrastructure.Excel.XlsxSheet("台账", ["序号", "事项", "进度"], [[1, "道路改造", "60%"]])]);
            }
            Png = Render("-png", "png");
            Jpeg = Render("-jpeg", "jpg");
        }

        public string Dir { get; } = Directory.CreateTempSubdirectory("supervisor-evidence-").FullName;

        public string Docx { get; }

        public string Pdf { get; }

        public string Xlsx { get; }

        public string Doc { get; }

        public string Png { get; }

        public string Jpeg { get; }

        public void Dispose() => Directory.Delete(Dir, recursive: true);

        private string Render(string format, string extension)
        {
            var prefix = Path.Combine(Dir, "现场照片-" + extension);
            using var process = Process.Start(new ProcessStartInfo("pdftoppm", [format, "-r", "30", "-singlefile", Pdf, prefix]) { UseShellExecute = false })!;
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return prefix + "." + extension;
        }
    }

    private readonly RealFiles _files = files;

    [Fact]
    public void FilesMadeByRealTools_AreRecognisedByContent_WhateverTheyAreCalled()
    {
        var expected = new (string Path, string MediaType)[]
        {
            (_files.Docx, EvidenceTypes.DocxMediaType), (_files.Xlsx, EvidenceTypes.XlsxMediaType), (_files.Doc, "application/msword"),
            (_files.Pdf, "application/pdf"), (_files.Png, "image/png"), (_files.Jpeg, "image/jpeg"),
        };
        foreach (var (path, mediaType) in expected)
        {
            var (type, refusal) = EvidenceTypes.Recognise(File.ReadAllBytes(path), "file.bin");
            Assert.True(type?.MediaType == mediaType, $"{Path.GetFileName(path)}: {type?.MediaType ?? refusal}");
        }
    }

    /// <summary>A bare web app on loopback whose one endpoint reads an upload with <see cref="EvidenceUpload"/>, counting the bytes it pulled.</summary>
    private sealed class UploadApp : IAsyncDisposable
    {
        private long _read;

        private UploadApp(WebApplication app, Uri address)
        {
            App = app;
            Address = address;
        }

        public WebApplication App { get; }

        public Uri Address { get; }

        /// <summary>Request-body bytes the endpoint read, as of the last request.</summary>
        public long ServerRead => Interlocked.Read(ref _read);

        public static async Task<UploadApp> StartAsync(EvidenceOptions options)
        {
            var address = new Uri($"http://127.0.0.1:{ConsoleHost.FreePort()}");
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls(address.ToString()).ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var upload = new UploadApp(app, address);
            app.MapPost("/upload", async (HttpContext http) =>
            {
                var counting = new CountingStream(http.Request.Body);
                http.Request.Body = counting;
                try
                {
                    var form = await EvidenceUpload.ReadAsync(http.Request, options, http.RequestAborted);
                    return Results.Json(new
                    {
                        fields = form.Fields,
                        files = form.Files.Select(f => new { name = f.FileName, type = f.Type.MediaType, size = f.Content.Length, sha = Convert.ToHexString(f.Sha256) }),
                    });
                }
                catch (EvidenceRefusedException refused)
                {
                    // The rest of the body is never read: the connection closes after the answer.
                    http.Response.Headers.Connection = "close";
                    return Results.Text(refused.Message, "text/plain; charset=utf-8", statusCode: refused.Status);
                }
                finally
                {
                    Interlocked.Exchange(ref upload._read, counting.BytesRead);
                }
            });
            await app.StartAsync();
            return upload;
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Interlocked.Add(ref _read, n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A file part of <paramref name="length"/> bytes that starts like a PNG, produced as it is sent and counted.</summary>
    private sealed class GeneratedFile(long length) : HttpContent
    {
        public long Sent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(chunk, 0);
            while (Sent < length)
            {
                var n = (int)Math.Min(chunk.Length, length - Sent);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                Sent += n;
            }
        }

        protected override bool TryComputeLength(out long length2)
        {
            length2 = 0;
            return false;
        }
    }

    private static ByteArrayContent FilePart(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };

    private static async Task<(HttpStatusCode? Status, string Body, Exception? Error)> PostAsync(Uri address, HttpContent content)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            using var response = await client.PostAsync("/upload", content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), null);
        }
        catch (HttpRequestException ex)
        {
            // The server answered and closed while the client was still sending: the answer may be lost with the socket.
            return (null, "", ex);
        }
    }

    [Fact]
    public async Task Upload_PhotosAndAWordFileWithTheNote_AreReadWithTypesFromTheirBytesAndSafeNames()
    {
        await using var app = await UploadApp.StartAsync(new EvidenceOptions());
        using var form = new MultipartFormDataContent
        {
            { new StringContent("60"), "percent" },
            { new StringContent("道路改造已完成主体工程"), "note" },
            { FilePart(File.ReadAllBytes(_files.Png)), "files", "现场照片.png" },
            { FilePart(File.ReadAllBytes(_files.Jpeg)), "files", "IMG_0001.JPG" },
            { FilePart(File.ReadAllBytes(_files.Docx)), "files", "..\\..\\进展报告" },
        };
        var unchosen = FilePart([]);
        unchosen.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"files\"", FileName = "\"\"" };
        form.Add(unchosen);

        var (status, body, error) = await PostAsync(app.Address, form);

        Assert.True(status == HttpStatusCode.OK, $"{status} {body} {error}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("道路改造已完成主体工程", json.RootElement.GetProperty("fields").GetProperty("note").GetString());
        var read = json.RootElement.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("name").GetString(), f.GetProperty("type").GetString())).ToList();
        Assert.Equal([("现场照片.png", "image/png"), ("IMG_0001.JPG", "image/jpeg"), ("进展报告.docx", EvidenceTypes.DocxMediaType)], read);
    }

    [Fact]
    public async Task Upload_OneFileMoreThanAllowed_IsRefusedInChinese_BeforeItsBytesAreRead()
    {
        await using var app = await UploadApp.StartAsync(new EvidenceOptions { MaxFiles = 3 });
        var photo = File.ReadAllBytes(_files.Png);
        var big = new byte[2 * 1024 * 1024];
        photo.CopyTo(big, 0);
        using var form = new MultipartFormDataContent();
        for (var i = 1; i <= 3; i++)
        {
            form.Add(FilePart(photo), "files", $"照片{i}.png");
        }

        form.Add(FilePart(big), "files", "照片4.png");

        var (status, body, _) = await PostAsync(app.Address, form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("最多上传 3 个文件（“照片4.png”是第 4 个）", body, StringComparison.Ordinal);
        output.WriteLine($"server read {app.ServerRead:N0} bytes of {3 * photo.Length + big.Length:N0} sent in files");
        Assert.True(app.ServerRead < (3 * photo.Length) + (256 * 1024), $"read {app.ServerRead} bytes");
    }

    [Fact]
    public async Task Upload_AFileOverTheSizeLimit_IsRefusedAsSoonAsItPassesIt_NotAfterTheWholeBody()
    {
        await using var app = await UploadApp.StartAsync(new EvidenceOptions { MaxBytes = 256 * 1024 });
        var file = new GeneratedFile(64L * 1024 * 1024);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { new StringContent("30"), "percent" }, { file, "files", "全景照片.png" } };

        var (status, body, error) = await PostAsync(app.Address, form);

        output.WriteLine($"answer {status?.ToString() ?? error?.Message} {body}; client sent {file.Sent:N0} of {64 * 1024 * 1024:N0} bytes; server read {app.ServerRead:N0}");
        Assert.True(app.ServerRead < 1024 * 1024, $"the server read {app.ServerRead} bytes of a file limited to 256 KB");
        // What the client manages to send after the answer is Kestrel discarding the rest of the body (it drains a
        // refused request's body rather than reset the connection); none of it reaches the reader or memory.
        if (status is not null)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Contains("文件“全景照片.png”超过 256 KB", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Upload_OverTheWholeLimitByItsLength_IsRefusedBeforeAByteIsRead()
    {
        await using var app = await UploadApp.StartAsync(new EvidenceOptions { MaxFiles = 1, MaxBytes = 64 * 1024 });
        using var form = new MultipartFormDataContent { { FilePart(new byte[1024 * 1024]), "files", "大文件.png" } };

        var (status, body, _) = await PostAsync(app.Address, form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("每次最多 1 个文件、每个不超过 64 KB", body, StringComparison.Ordinal);
        Assert.Equal(0, app.ServerRead);
    }

    [Theory]
    [InlineData("现场照片.jpg", "<html><body><script>alert(1)</script></body></html>", "不是可接受的佐证材料（按文件内容识别）")]
    [InlineData("签到表.xlsm", null, "含有宏")]
    public async Task Upload_AFileThatIsNotWhatItsNameSays_IsRefused415_NamingIt(string name, string? text, string reason)
    {
        await using var app = await UploadApp.StartAsync(new EvidenceOptions());
        byte[] bytes;
        if (text is not null)
        {
            bytes = Encoding.UTF8.GetBytes(text);
        }
        else
        {
            using var stream = new MemoryStream();
            using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var part in new[] { "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin" })
                {
                    zip.CreateEntry(part);
                }
            }

            bytes = stream.ToArray();
        }

        using var form = new MultipartFormDataContent { { FilePart(bytes), "files", name } };

        var (status, body, _) = await PostAsync(app.Address, form);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains($"“{name}”", body, StringComparison.Ordinal);
        Assert.Contains(reason, body, StringComparison.Ordinal);
    }

    private async Task<long> AMilestoneReportAsync()
    {
        await using var connection = await _host.Database.DataSource.OpenConnectionAsync();
        var milestone = await connection.ExecuteScalarAsync<long>("select id from milestones order by id limit 1");
        return await _host.Services.GetRequiredService<ProgressStore>().ReportAsync(milestone, 60, "主体完工", null, "link", "区发改局", DateTimeOffset.UtcNow, CancellationToken.None);
    }

    private async Task<IReadOnlyList<long>> StoreAsync(long report, params (string Path, string Name)[] files)
    {
        var accepted = files.Select(f =>
        {
            var bytes = File.ReadAllBytes(f.Path);
            var type = EvidenceTypes.Recognise(bytes, f.Name).Type!;
            return new EvidenceFile(EvidenceTypes.SafeFileName(f.Name, type), type, bytes, System.Security.Cryptography.SHA256.HashData(bytes));
        }).ToList();
        await using var connection = await _host.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = await EvidenceStore.AddAsync(connection, transaction, report, accepted, DateTimeOffset.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
        return ids;
    }

    [Fact]
    public async Task StoredEvidence_IsServedToStaff_PhotosPreviewedAndDocumentsDownloaded_NeverRun()
    {
        await _host.LoadDemoAsync();
        var report = await AMilestoneReportAsync();
        var ids = await StoreAsync(report, (_files.Png, "现场照片.png"), (_files.Docx, "进展报告.docx"));
        var listed = (await _host.Services.GetRequiredService<EvidenceStore>().ListAsync([report], CancellationToken.None))[report];
        Assert.Equal(["现场照片.png", "进展报告.docx"], listed.Select(e => e.FileName));

        using var staff = await _host.LoggedInAsync("viewer");
        using var photo = await staff.GetAsync($"/evidence/{ids[0]}");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", photo.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(File.ReadAllBytes(_files.Png), await photo.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", string.Join(",", photo.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("sandbox", string.Join(",", photo.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        using var document = await staff.GetAsync($"/evidence/{ids[1]}");
        Assert.Equal(EvidenceTypes.DocxMediaType, document.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", document.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("进展报告.docx", document.Content.Headers.ContentDisposition?.FileNameStar);

        using var asDownload = await staff.GetAsync($"/evidence/{ids[0]}?download=true");
        Assert.Equal("attachment", asDownload.Content.Headers.ContentDisposition?.DispositionType);

        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/evidence/{ids[1] + 1000}")).StatusCode);
        using var anonymous = _host.Client();
        var refused = await anonymous.GetAsync($"/evidence/{ids[0]}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/login", refused.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task EvidenceWrittenInATransactionThatRollsBack_LeavesNothing()
    {
        await _host.LoadDemoAsync();
        var report = await AMilestoneReportAsync();
        var bytes = File.ReadAllBytes(_files.Jpeg);
        await using var connection = await _host.Database.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await EvidenceStore.AddAsync(connection, transaction, report, [new EvidenceFile("照片.jpg", EvidenceTypes.Jpeg, bytes, System.Security.Cryptography.SHA256.HashData(bytes))], DateTimeOffset.UtcNow, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from evidence"));
    }
}
