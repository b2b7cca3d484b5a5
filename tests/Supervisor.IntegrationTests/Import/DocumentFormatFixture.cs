using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Import;

/// <summary>
/// The seeds as offices receive them, made once per test run: .docx built with OpenXml from each seed's text (typed
/// numbers turned into Word numbering), the same documents opened and saved again by LibreOffice, and seeds 001/003
/// printed to PDF by LibreOffice.
/// </summary>
public sealed class DocumentFormatFixture : IDisposable
{
    public static readonly string[] Seeds = ["000", "001", "002", "003", "004"];

    public DocumentFormatFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("supervisor-formats-").FullName;
        var built = Path.Combine(Directory, "built");
        System.IO.Directory.CreateDirectory(built);
        foreach (var seed in Seeds)
        {
            using var builder = new DocxBuilder(Path.Combine(built, $"seed{seed}.docx"));
            builder.Lines(System.IO.File.ReadAllText(SharedFiles.Seed(seed)));
        }

        var text = Path.Combine(Directory, "text");
        System.IO.Directory.CreateDirectory(text);
        foreach (var seed in new[] { "001", "003" })
        {
            System.IO.File.Copy(SharedFiles.Seed(seed), Path.Combine(text, $"seed{seed}.txt"));
        }

        WordProcessor.Convert(Seeds.Select(s => Path.Combine(built, $"seed{s}.docx")).ToList(), "docx:MS Word 2007 XML", Path.Combine(Directory, "libreoffice"));
        WordProcessor.Convert(new[] { "001", "003" }.Select(s => Path.Combine(text, $"seed{s}.txt")).ToList(), "pdf", Path.Combine(Directory, "pdf"));
    }

    public string Directory { get; }

    public string File(string variant, string seed) => variant switch
    {
        "openxml" => Path.Combine(Directory, "built", $"seed{seed}.docx"),
        "libreoffice" => Path.Combine(Directory, "libreoffice", $"seed{seed}.docx"),
        _ => Path.Combine(Directory, "pdf", $"seed{seed}.pdf"),
    };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
