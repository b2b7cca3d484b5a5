using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Core.Import;
using Supervisor.Core.Milestones;
using Supervisor.Core.Units;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Import;

public sealed record PlanImportRequest(string Path, int? Year, string? Title, PlanFileFormat Format, bool DryRun)
{
    /// <summary>Chase only milestones due from the import's date: those already overdue owe no 催办/督办 (still counted in the rates).</summary>
    public bool ChaseFromToday { get; init; }
}

public sealed record PlanImportResult(AssembledPlan Plan, PlanFile File, ImportSummary? Summary)
{
    /// <summary>Overdue milestones, reminders the next scan would record, unreachable units: shown before confirming.</summary>
    public ImportPreview? Preview { get; init; }
}

/// <summary>File → parse → normalise against the directory → milestones on the calendar → one transaction.</summary>
public sealed partial class PlanImportService(
    DirectoryStore directory,
    CalendarStore calendar,
    PlanStore plans,
    IOptions<MilestoneOptions> milestoneOptions,
    IOptions<ImportOptions> importOptions,
    IOptions<SupervisionOptions> supervisionOptions,
    TimeZoneInfo zone,
    TimeProvider time)
{
    /// <summary>The warning a dry run without a database adds, so nobody mistakes its unit names for the directory's.</summary>
    public const string OfflineWarning = "未连接数据库：单位名称只在本文件内相互归并，未对照单位通讯录；工作日按随程序发布的 2023–2026 年官方日历计算";

    public ImportOptions Limits => importOptions.Value;

    public async Task<PlanImportResult> ImportAsync(PlanImportRequest request, CancellationToken ct)
    {
        var file = PlanFileReader.Read(request.Path, Limits, request.Format);
        return await ImportAsync(file, Path.GetFileName(request.Path), request.Year, request.Title, request.DryRun, request.ChaseFromToday, ct);
    }

    public async Task<PlanImportResult> ImportAsync(PlanFile file, string source, int? year, string? title, bool dryRun, bool chaseFromToday, CancellationToken ct)
    {
        var (planYear, planTitle) = YearAndTitle(file, source, year, title);
        var workingCalendar = await calendar.LoadAsync(ct);
        var assembled = PlanAssembler.Assemble(
            file.Document, planTitle, planYear, await directory.LoadDirectoryAsync(ct), workingCalendar, milestoneOptions.Value);
        var reachable = await directory.ReachableUnitsAsync(assembled.Units.Select(u => u.Name).ToList(), ct);
        var today = LocalToday(time, zone);
        var preview = ImportPreview.Of(assembled, today, workingCalendar, supervisionOptions.Value, reachable);
        if (dryRun && await plans.SignaturesToClearAsync(assembled, ct) is { Pairs: > 0 } resign)
        {
            assembled = assembled with { Warnings = [.. assembled.Warnings, new ParseWarning(0, ResignWarning(resign.Pairs, resign.Units))] };
        }

        var summary = dryRun ? null : await plans.SaveAsync(assembled, source, time.GetUtcNow(), chaseFromToday ? today : null, ct);
        return new PlanImportResult(assembled, file, summary) { Preview = preview };
    }

    /// <summary>What a re-import that changes signed tasks tells the office, before (preview) and after (summary).</summary>
    public static string ResignWarning(int pairs, int units) => string.Create(CultureInfo.InvariantCulture,
        $"本次导入改变了{units}个单位已签收任务的内容、时限或责任（共{pairs}项）：这些单位需重新签收");

    private static DateOnly LocalToday(TimeProvider time, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    /// <summary>
    /// A dry run for someone who has only the document: no directory (units are normalised among themselves) and the
    /// calendar shipped in the migrations instead of the database's; one warning says so.
    /// </summary>
    public static PlanImportResult DryRunWithoutDatabase(PlanImportRequest request, MilestoneOptions milestones, ImportOptions limits) =>
        DryRunWithoutDatabase(request, milestones, limits, null, null, null);

    /// <summary>With <paramref name="time"/>, <paramref name="zone"/> and <paramref name="supervision"/>, also what the next scan would owe (no reachability: no directory).</summary>
    public static PlanImportResult DryRunWithoutDatabase(
        PlanImportRequest request, MilestoneOptions milestones, ImportOptions limits, SupervisionOptions? supervision, TimeZoneInfo? zone, TimeProvider? time)
    {
        var file = PlanFileReader.Read(request.Path, limits, request.Format);
        var (planYear, planTitle) = YearAndTitle(file, Path.GetFileName(request.Path), request.Year, request.Title);
        var assembled = PlanAssembler.Assemble(file.Document, planTitle, planYear, Array.Empty<DirectoryUnit>(), ShippedCalendar.Value, milestones);
        assembled = assembled with { Warnings = [new ParseWarning(0, OfflineWarning), .. assembled.Warnings] };
        var preview = supervision is null || zone is null || time is null
            ? null
            : ImportPreview.Of(assembled, LocalToday(time, zone), ShippedCalendar.Value, supervision, reachable: null);
        return new PlanImportResult(assembled, file, null) { Preview = preview };
    }

    private static (int Year, string Title) YearAndTitle(PlanFile file, string source, int? year, string? title)
    {
        var planYear = year ?? file.Document.Year
            ?? throw new ImportRefusedException(
                $"{source}: the document names no year (title, date or dated deadline); pass --year",
                $"{source}：文件中找不到年度（标题、发文日期或带年份的时限都没有写明），请在“年度”中填写后再解析。")
            {
                MissingYear = true,
            };
        if (planYear is < 2000 or > 2100)
        {
            throw new ImportRefusedException($"--year {planYear} is outside 2000–2100", $"年度 {planYear} 不在 2000–2100 之间。");
        }

        var planTitle = string.IsNullOrWhiteSpace(title) ? file.Document.Title ?? Path.GetFileNameWithoutExtension(source) : title.Trim();
        return (planYear, planTitle);
    }

    private static readonly Lazy<WorkingCalendar> ShippedCalendar = new(() =>
    {
        var days = new List<CalendarDay>();
        foreach (var migration in Migration.Embedded)
        {
            foreach (Match match in CalendarRow().Matches(migration.Sql))
            {
                var date = DateOnly.ParseExact(match.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                days.Add(new CalendarDay(date, match.Groups[2].Value == "holiday" ? DayKind.Holiday : DayKind.Workday, match.Groups[3].Value));
            }
        }

        return new WorkingCalendar(days);
    });

    [GeneratedRegex(@"\(date '(\d{4}-\d{2}-\d{2})', '(holiday|workday)', '([^']*)'\)")]
    private static partial Regex CalendarRow();
}
