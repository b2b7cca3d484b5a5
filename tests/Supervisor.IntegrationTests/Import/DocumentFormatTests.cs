using System.Text.Json;
using Supervisor.Cli;
using Supervisor.Core.Milestones;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Import;

/// <summary>Issue 15: the seeds through Word and PDF give the tasks their text import gives, field for field.</summary>
public sealed class DocumentFormatTests(DocumentFormatFixture documents) : IClassFixture<DocumentFormatFixture>
{
    internal static PlanImportResult DryRun(string path, int? year = 2023) => PlanImportService.DryRunWithoutDatabase(
        new PlanImportRequest(path, year, null, PlanFileFormat.Auto, DryRun: true), new MilestoneOptions(), ImportOptions.Default);

    internal static List<string> TasksAsJson(PlanImportResult result)
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(ImportCommands.ImportJson(result), Json.Options));
        return json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetRawText()).ToList();
    }

    public static TheoryData<string, string> SeedVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var seed in DocumentFormatFixture.Seeds)
        {
            data.Add(seed, "openxml");
            data.Add(seed, "libreoffice");
        }

        data.Add("001", "pdf");
        data.Add("003", "pdf");
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedVariants))]
    public void Seed_ThroughWordOrPdf_MatchesItsTextImportFieldForField(string seed, string variant)
    {
        var text = DryRun(SharedFiles.Seed(seed));
        var document = DryRun(documents.File(variant, seed));

        Assert.Equal(variant == "pdf" ? PlanFileFormat.Pdf : PlanFileFormat.Docx, document.File.Format);
        Assert.Equal(text.Plan.Title, document.Plan.Title);
        Assert.Equal(TasksAsJson(text), TasksAsJson(document));
        Assert.Equal(text.Plan.Units.Select(u => u.Name), document.Plan.Units.Select(u => u.Name));
    }
}
