using System.Diagnostics;

namespace Supervisor.IntegrationTests.Import;

/// <summary>Debian's LibreOffice, headless: turns fixtures into the .docx and PDF files a real word processor writes.</summary>
internal static class WordProcessor
{
    /// <summary>
    /// Converts <paramref name="files"/> in one soffice run (start-up is most of its cost) into <paramref name="outDir"/>;
    /// returns the converted paths in input order. A private profile keeps parallel runs of other worktrees apart.
    /// </summary>
    public static IReadOnlyList<string> Convert(IReadOnlyList<string> files, string format, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var profile = Directory.CreateTempSubdirectory("supervisor-lo-").FullName;
        try
        {
            var info = new ProcessStartInfo("soffice") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { $"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", format, "--outdir", outDir })
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var file in files)
            {
                info.ArgumentList.Add(file);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("soffice did not finish converting in 4 minutes");
            }

            var extension = "." + format.Split(':')[0];
            var converted = files.Select(f => Path.Combine(outDir, Path.GetFileNameWithoutExtension(f) + extension)).ToList();
            var missing = converted.Where(p => !File.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"soffice did not write {string.Join(", ", missing)}: {stdout.Result} {stderr.Result}");
            }

            return converted;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
