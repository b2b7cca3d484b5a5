using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Import;
using Supervisor.Core.Milestones;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Import;

public sealed record PlanImportRequest(string Path, int? Year, string? Title, PlanFileFormat Format, bool DryRun);

public sealed record PlanImportResult(AssembledPlan Plan, PlanFile File, ImportSummary? Summary);

/// <summary>File → parse → normalise against the directory → milestones on the calendar → one transaction.</summary>
public sealed class PlanImportService(DirectoryStore directory, CalendarStore calendar, PlanStore plans, IOptions<MilestoneOptions> milestoneOptions, TimeProvider time)
{
    public async Task<PlanImportResult> ImportAsync(PlanImportRequest request, CancellationToken ct)
    {
        var file = PlanFileReader.Read(request.Path, request.Format);
        return await ImportAsync(file, Path.GetFileName(request.Path), request.Year, request.Title, request.DryRun, ct);
    }

    public async Task<PlanImportResult> ImportAsync(PlanFile file, string source, int? year, string? title, bool dryRun, CancellationToken ct)
    {
        var planYear = year ?? file.Document.Year
            ?? throw new BadInputException($"{source}: the document names no year; pass --year");
        if (planYear is < 2000 or > 2100)
        {
            throw new BadInputException($"--year {planYear} is outside 2000–2100");
        }

        var planTitle = string.IsNullOrWhiteSpace(title) ? file.Document.Title ?? Path.GetFileNameWithoutExtension(source) : title.Trim();
        var assembled = PlanAssembler.Assemble(
            file.Document, planTitle, planYear, await directory.LoadDirectoryAsync(ct), await calendar.LoadAsync(ct), milestoneOptions.Value);
        var summary = dryRun ? null : await plans.SaveAsync(assembled, source, time.GetUtcNow(), ct);
        return new PlanImportResult(assembled, file, summary);
    }
}
