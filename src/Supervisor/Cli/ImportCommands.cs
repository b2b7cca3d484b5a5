using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Core.Import;
using Supervisor.Core.Milestones;
using Supervisor.Core.Units;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>import</c>, <c>units import</c>, <c>leaders import</c>, <c>calendar show|import</c>.</summary>
public static class ImportCommands
{
    public static Command Import()
    {
        var file = new Argument<string>("FILE") { Description = "The plan: Word .docx, PDF, web page, text/Markdown (UTF-8 or GB18030), XLSX or CSV" };
        var year = new Option<int?>("--year") { Description = "Plan year (default: the year the document names)" };
        var title = new Option<string?>("--title") { Description = "Plan title (default: the document's title line)" };
        var format = new Option<PlanFileFormat>("--format") { Description = "auto|text|xlsx|csv|docx|html|pdf", DefaultValueFactory = _ => PlanFileFormat.Auto };
        var dryRun = new Option<bool>("--dry-run") { Description = "Parse and validate; write nothing" };
        var json = new Option<bool>("--json") { Description = "Print the parse result as one JSON object" };
        var chaseFromToday = new Option<bool>("--chase-from-today")
        {
            Description = "Chase only milestones due from today: those already overdue get no 催办/督办 (they still count in the rates)",
        };
        var command = new Command("import", "Import a plan (责任分解方案) into tasks, units, leaders and milestones; re-import updates it.")
        {
            file, year, title, format, dryRun, json, chaseFromToday,
        };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var quiet = parse.GetValue(json);
                var path = parse.GetValue(file)!;
                // Progress is for a person at a terminal; scripts reading stderr get only the one error line.
                var large = File.Exists(path) && new FileInfo(path).Length > 256 * 1024;
                if (large && !quiet && !Console.IsErrorRedirected)
                {
                    Console.Error.WriteLine($"reading {Path.GetFileName(path)} ({new FileInfo(path).Length / 1024} KB)…");
                }

                var request = new PlanImportRequest(path, parse.GetValue(year), parse.GetValue(title), parse.GetValue(format), parse.GetValue(dryRun))
                {
                    ChaseFromToday = parse.GetValue(chaseFromToday),
                };
                var result = request.DryRun && !CliHost.HasDatabase(services)
                    ? PlanImportService.DryRunWithoutDatabase(
                        request, services.GetRequiredService<IOptions<MilestoneOptions>>().Value, services.GetRequiredService<IOptions<ImportOptions>>().Value,
                        services.GetRequiredService<IOptions<SupervisionOptions>>().Value, services.GetRequiredService<TimeZoneInfo>(), services.GetRequiredService<TimeProvider>())
                    : await services.GetRequiredService<PlanImportService>().ImportAsync(request, token);
                if (quiet)
                {
                    Json.Print(ImportJson(result));
                }
                else
                {
                    PrintSummary(result);
                }

                return ExitCodes.Ok;
            },
            ct,
            databaseOptional: parse.GetValue(dryRun)));
        return command;
    }

    public static object ImportJson(PlanImportResult result) => new
    {
        plan = new { title = result.Plan.Title, year = result.Plan.Year },
        tasks = result.Plan.Tasks.Select(t => new
        {
            code = t.Source.Code,
            title = t.Source.Title,
            text = t.Source.Text,
            sectionPath = t.Source.SectionPath,
            leaders = t.Source.Leaders,
            leadUnits = t.LeadUnits,
            coUnits = t.CoUnits,
            unitGroups = t.UnitGroups,
            noResponsibleUnit = t.LeadUnits.Count == 0 && t.CoUnits.Count == 0 && t.UnitGroups.Count == 0,
            deadline = t.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            milestones = t.Milestones.Select(m => new
            {
                kind = m.Kind == MilestoneKind.Report ? "report" : "completion",
                due = m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                title = m.Title,
            }),
            targets = t.Source.Targets,
        }),
        units = result.Plan.Units.Select(u => new { name = u.Name, aliases = u.Aliases }),
        warnings = result.Plan.Warnings.Select(w => new { line = w.Line, message = w.Message }),
        preview = result.Preview is not { } p ? null : new
        {
            overdue = p.Overdue,
            earliestOverdue = p.EarliestOverdue?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            dueSoon = p.DueSoon,
            reminders = new { level1 = p.Level1, level2 = p.Level2, level3 = p.Level3 },
            unreachableUnits = p.UnreachableUnits,
            warnings = p.Warnings().Select(w => w.Message),
        },
        import = result.Summary,
    };

    private static void PrintSummary(PlanImportResult result)
    {
        var plan = result.Plan;
        var read = result.File.Encoding is null ? result.File.Format.ToString().ToLowerInvariant() : $"{result.File.Format.ToString().ToLowerInvariant()}, {result.File.Encoding}";
        Console.WriteLine($"{plan.Title} ({plan.Year}) — read as {read}");
        Console.WriteLine($"  tasks: {plan.Tasks.Count}, without a responsible unit: {plan.Tasks.Count(t => t.LeadUnits.Count == 0 && t.CoUnits.Count == 0)}");
        Console.WriteLine($"  units: {plan.Units.Count}, unit groups: {plan.Tasks.SelectMany(t => t.UnitGroups).Distinct().Count()}, leaders: {plan.Tasks.SelectMany(t => t.Source.Leaders).Distinct().Count()}");
        Console.WriteLine($"  milestones: {plan.Tasks.Sum(t => t.Milestones.Count)} ({plan.Tasks.Sum(t => t.Milestones.Count(m => m.Kind == MilestoneKind.Completion))} completion)");
        foreach (var warning in plan.Warnings.Take(50))
        {
            Console.WriteLine($"  warning: line {warning.Line}: {warning.Message}");
        }

        if (plan.Warnings.Count > 50)
        {
            Console.WriteLine($"  … {plan.Warnings.Count - 50} more warnings (--json lists all)");
        }

        foreach (var warning in result.Preview?.Warnings() ?? [])
        {
            Console.WriteLine($"  before confirming: {warning.Message}");
        }

        if (result.Summary is { } s)
        {
            Console.WriteLine($"Saved plan #{s.PlanId} ({(s.PlanCreated ? "new" : "updated")}): tasks +{s.TasksCreated} ~{s.TasksUpdated}, milestones +{s.MilestonesCreated} ~{s.MilestonesUpdated} -{s.MilestonesRemoved}, new units {s.UnitsCreated}, new leaders {s.LeadersCreated}; 签收 cleared for {s.SignaturesCleared} task-unit pair(s) of {s.UnitsToSignAgain} unit(s), who must sign again.");
            if (s.TasksNotInFile > 0)
            {
                Console.WriteLine($"  {s.TasksNotInFile} task(s) of this plan are not in the file; they were kept.");
            }
        }
        else
        {
            Console.WriteLine("Dry run: nothing written.");
        }
    }

    public static Command Units()
    {
        var units = new Command("units", "The unit directory (单位通讯录).");
        units.Subcommands.Add(DirectoryImport(
            "Import units with aliases, kind, contacts and group robots (XLSX/CSV; headers 单位名称, 别名, 类型, 联络员, 联络员手机, 联络员邮箱, 负责人, 负责人手机, 负责人邮箱, 企业微信机器人, 钉钉机器人, 钉钉加签).",
            (services, rows) => UnitDirectoryParser.ParseUnits(rows, services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Delivery.Robots.RobotOptions>>().Value.EffectiveAllowedHosts),
            (store, entries, now, ct) => store.SaveUnitsAsync(entries, now, ct),
            "units"));
        return units;
    }

    public static Command Leaders()
    {
        var leaders = new Command("leaders", "Responsible leaders (责任领导).");
        leaders.Subcommands.Add(DirectoryImport(
            "Import leaders with contacts (XLSX/CSV; headers 姓名, 职务, 手机, 邮箱).",
            (_, rows) => UnitDirectoryParser.ParseLeaders(rows),
            (store, entries, now, ct) => store.SaveLeadersAsync(entries, now, ct),
            "leaders"));
        return leaders;
    }

    private static Command DirectoryImport<T>(
        string description,
        Func<IServiceProvider, IReadOnlyList<IReadOnlyList<string>>, DirectoryParseResult<T>> parse,
        Func<DirectoryStore, IReadOnlyList<T>, DateTimeOffset, CancellationToken, Task<DirectorySummary>> save,
        string noun)
    {
        var file = new Argument<string>("FILE");
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Keep the valid rows when some are bad (default: write nothing)" };
        var command = new Command("import", description) { file, skipInvalid };
        command.SetAction((parseResult, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var path = parseResult.GetValue(file)!;
                var result = parse(services, PlanFileReader.ReadRows(path, services.GetRequiredService<IOptions<ImportOptions>>().Value));
                foreach (var error in result.Errors)
                {
                    Console.Error.WriteLine($"row {error.Row}: {error.Message}");
                }

                if (result.Errors.Count > 0 && !parseResult.GetValue(skipInvalid))
                {
                    throw new BadInputException($"{Path.GetFileName(path)}: {result.Errors.Count} invalid row(s), nothing written (fix them or pass --skip-invalid)");
                }

                if (result.Entries.Count == 0)
                {
                    throw new BadInputException($"{Path.GetFileName(path)}: no valid row");
                }

                var summary = await save(services.GetRequiredService<DirectoryStore>(), result.Entries, services.GetRequiredService<TimeProvider>().GetUtcNow(), token);
                Console.WriteLine($"Imported {result.Entries.Count} {noun}: {summary.UnitsCreated} new, {summary.UnitsUpdated} updated, {summary.ContactsWritten} contacts" +
                    (result.Errors.Count > 0 ? $"; skipped {result.Errors.Count} invalid row(s)" : "") + ".");
                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    public static Command Calendar()
    {
        var calendar = new Command("calendar", "The working-day calendar (holidays and 调休 make-up days).");
        var month = new Argument<string>("MONTH") { Description = "yyyy-mm" };
        var show = new Command("show", "Print a month's working and non-working days.") { month };
        show.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var text = parse.GetValue(month)!;
                if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
                {
                    throw new BadInputException($"MONTH '{text}' is not yyyy-mm");
                }

                var cal = await services.GetRequiredService<CalendarStore>().LoadAsync(token);
                Console.Write(CalendarMonth.Render(cal, first));
                return ExitCodes.Ok;
            },
            ct));
        var file = new Argument<string>("FILE") { Description = "CSV: date,kind,name (kind = holiday | workday)" };
        var import = new Command("import", "Load a year's official holiday notice data (same CSV shape as the shipped 2023–2026 data).") { file };
        import.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var path = parse.GetValue(file)!;
                if (!File.Exists(path))
                {
                    throw new BadInputException($"{path}: no such file");
                }

                IReadOnlyList<CalendarDay> days;
                try
                {
                    days = CalendarCsv.Parse(await File.ReadAllTextAsync(path, token));
                }
                catch (FormatException ex)
                {
                    throw new BadInputException($"{Path.GetFileName(path)}: {ex.Message}", ex);
                }

                var written = await services.GetRequiredService<CalendarStore>().SaveAsync(days, token);
                var years = string.Join(", ", days.Select(d => d.Date.Year).Distinct().Order());
                Console.WriteLine($"Loaded {written} calendar day(s) for {years}.");
                return ExitCodes.Ok;
            },
            ct));
        calendar.Subcommands.Add(show);
        calendar.Subcommands.Add(import);
        return calendar;
    }
}
