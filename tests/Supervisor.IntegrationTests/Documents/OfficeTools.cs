using System.Diagnostics;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;

namespace Supervisor.IntegrationTests.Documents;

/// <summary>Debian's LibreOffice and poppler, run as a user would, and the OpenXml SDK's schema validator.</summary>
public static class OfficeTools
{
    /// <summary>Schema errors of a Word document, as "path: description" lines (none = valid).</summary>
    public static IReadOnlyList<string> SchemaErrors(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        return new OpenXmlValidator(FileFormatVersions.Office2019).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
    }

    public static void AssertValid(byte[] docx)
    {
        var errors = SchemaErrors(docx);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>
    /// <c>soffice --headless --convert-to pdf</c> with a private profile (another soffice on the machine would otherwise
    /// share, and lock, the default one). Returns the PDF's path; throws with LibreOffice's output when none was written.
    /// </summary>
    public static async Task<string> ToPdfAsync(string docxPath)
    {
        var dir = Path.GetDirectoryName(docxPath)!;
        var profile = Path.Combine(Path.GetTempPath(), "lo-profile-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, output) = await RunAsync("soffice", "-env:UserInstallation=file://" + profile, "--headless", "--convert-to", "pdf", "--outdir", dir, docxPath);
            var pdf = Path.ChangeExtension(docxPath, ".pdf");
            return code == 0 && File.Exists(pdf) ? pdf : throw new InvalidOperationException($"soffice exited {code} without {pdf}: {output}");
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }

    /// <summary>Page 1 of a PDF as PNG (<c>pdftoppm</c>).</summary>
    public static async Task<string> FirstPagePngAsync(string pdfPath, int dpi = 80)
    {
        var prefix = Path.ChangeExtension(pdfPath, null) + "-page";
        var (code, output) = await RunAsync("pdftoppm", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "1", "-l", "1", "-png", "-singlefile", pdfPath, prefix);
        return code == 0 && File.Exists(prefix + ".png") ? prefix + ".png" : throw new InvalidOperationException($"pdftoppm exited {code}: {output}");
    }

    public static async Task<string> PdfTextAsync(string pdfPath)
    {
        var (code, output) = await RunAsync("pdftotext", "-layout", pdfPath, "-");
        return code == 0 ? output : throw new InvalidOperationException($"pdftotext exited {code}: {output}");
    }

    public static async Task<int> PdfPagesAsync(string pdfPath)
    {
        var (_, output) = await RunAsync("pdfinfo", pdfPath);
        var line = output.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
