using System.CommandLine;
using System.Globalization;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>scan</c>, <c>rates</c>, <c>progress</c>, <c>complete</c>: the engine by hand, same code as the jobs.</summary>
public static class EngineCommands
{
    public static Command Scan()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Run as of this instant (e.g. 2023-06-26T09:00+08:00); default now" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("scan", "Classify every milestone and record the reminders owed (what milestone-scan does).") { asOf, json };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var engine = services.GetRequiredService<SupervisionEngine>();
                var instant = parse.GetValue(asOf) is { } text ? AsOf.Parse(text, engine.Zone) : services.GetRequiredService<TimeProvider>().GetUtcNow();
                var result = await engine.ScanAsync(instant, token);
                if (parse.GetValue(json))
                {
                    Json.Print(ScanJson(result));
                }
                else
                {
                    var c = result.Counts;
                    Console.WriteLine($"As of {result.AsOf:yyyy-MM-dd HH:mm:ss zzz} (local date {result.LocalDate:yyyy-MM-dd}{(result.WorkingDay ? "" : ", not a working day: no reminders owed")})");
                    Console.WriteLine($"  upcoming {c.Upcoming}, due soon {c.DueSoon}, due today {c.DueToday}, overdue {c.Overdue}, done {c.Done}");
                    Console.WriteLine($"  reminders owed: {result.RemindersOwed} (提醒 {result.OwedByLevel[1]}, 催办 {result.OwedByLevel[2]}, 督办 {result.OwedByLevel[3]}); 签收 reminders: {result.AcknowledgementRemindersOwed}");
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    public static object ScanJson(ScanResult result) => new
    {
        asOf = result.AsOf,
        counts = new { upcoming = result.Counts.Upcoming, dueSoon = result.Counts.DueSoon, dueToday = result.Counts.DueToday, overdue = result.Counts.Overdue, done = result.Counts.Done },
        remindersOwed = result.RemindersOwed,
        byLevel = new { remind = result.OwedByLevel[1], chase = result.OwedByLevel[2], escalate = result.OwedByLevel[3] },
        acknowledgementReminders = result.AcknowledgementRemindersOwed,
    };

    public static Command Rates()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Rates as of the end of this date (default today)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var xlsx = new Option<string?>("--xlsx") { Description = "Also write the ranking to this .xlsx file" };
        var plan = new Option<long?>("--plan") { Description = "Only this plan's tasks (its id); the XLSX names the plan" };
        var command = new Command("rates", "Completion and on-time rates per unit, lights and ranking.") { asOf, json, xlsx, plan };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var engine = services.GetRequiredService<SupervisionEngine>();
                var date = parse.GetValue(asOf) is { } text ? AsOf.ParseDate(text, engine.Zone) : engine.LocalDate(services.GetRequiredService<TimeProvider>().GetUtcNow());
                var planId = parse.GetValue(plan);
                var planName = "全部方案";
                if (planId is { } id)
                {
                    var found = (await services.GetRequiredService<TaskQueries>().PlansAsync(token)).FirstOrDefault(p => p.Id == id);
                    planName = found.Title is null ? throw new BadInputException($"--plan {id}: no such plan") : $"{found.Year} {found.Title}";
                }

                var rates = await engine.RatesAsync(date, planId, token);
                if (parse.GetValue(xlsx) is { } path)
                {
                    await using var stream = File.Create(path);
                    XlsxWriter.Write(stream, [RatesSheet.Of(date, rates, planName)]);
                }

                if (parse.GetValue(json))
                {
                    Json.Print(RatesJson(date, rates));
                }
                else
                {
                    PrintRates(date, rates);
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    public static object RatesJson(DateOnly date, IReadOnlyList<UnitRate> rates) => new
    {
        asOf = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        units = rates.Select(r => new
        {
            unit = r.Unit,
            due = r.Lead.Due,
            onTime = r.Lead.OnTime,
            late = r.Lead.Late,
            overdueOpen = r.Lead.OverdueOpen,
            completionRate = r.Lead.CompletionRate is { } c ? Math.Round(c, 4) : (double?)null,
            onTimeRate = r.Lead.OnTimeRate is { } o ? Math.Round(o, 4) : (double?)null,
            worstOverdueWorkingDays = r.WorstOverdueWorkingDays,
            light = r.Light.ToString().ToLowerInvariant(),
            rank = r.Rank,
            co = new { due = r.Co.Due, onTime = r.Co.OnTime, late = r.Co.Late, overdueOpen = r.Co.OverdueOpen },
        }),
    };

    public static string Percent(double? rate) => RateText.Percent(rate);

    public static string LightName(Light light) => RateText.LightName(light);

    private static void PrintRates(DateOnly date, IReadOnlyList<UnitRate> rates)
    {
        Console.WriteLine($"Unit rates as of the end of {date:yyyy-MM-dd} (lead role; co role after the bar)");
        Console.WriteLine("rank  light  due  on-time  late  overdue  completion  on-time%  worst | co due/on-time/late/overdue  unit");
        foreach (var r in rates)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Rank,4}  {LightName(r.Light),-4} {r.Lead.Due,4} {r.Lead.OnTime,8} {r.Lead.Late,5} {r.Lead.OverdueOpen,8} {Percent(r.Lead.CompletionRate),11} {Percent(r.Lead.OnTimeRate),9} {r.WorstOverdueWorkingDays,6} | {r.Co.Due}/{r.Co.OnTime}/{r.Co.Late}/{r.Co.OverdueOpen}  {r.Unit}"));
        }
    }

    public static Command Progress()
    {
        var id = new Argument<long>("MILESTONE_ID");
        var percent = new Option<int?>("--percent") { Description = "Progress 0–100" };
        var note = new Option<string?>("--note") { Description = "What was done" };
        var at = new Option<string?>("--at") { Description = "When (default now)" };
        var command = new Command("progress", "Record a progress report on a milestone.") { id, percent, note, at };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                if (parse.GetValue(percent) is { } p and (< 0 or > 100))
                {
                    throw new BadInputException($"--percent {p} must be 0–100");
                }

                if (parse.GetValue(percent) is null && string.IsNullOrWhiteSpace(parse.GetValue(note)))
                {
                    throw new BadInputException("a progress report needs --percent or --note");
                }

                var engine = services.GetRequiredService<SupervisionEngine>();
                var when = parse.GetValue(at) is { } text ? AsOf.Parse(text, engine.Zone, "--at") : services.GetRequiredService<TimeProvider>().GetUtcNow();
                var reportId = await services.GetRequiredService<ProgressStore>().ReportAsync(
                    parse.GetValue(id), parse.GetValue(percent), parse.GetValue(note), null, "cli", Environment.UserName, when, token);
                Console.WriteLine($"Recorded progress report #{reportId} on milestone {parse.GetValue(id)}.");
                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    public static Command Complete()
    {
        var id = new Argument<long>("MILESTONE_ID");
        var at = new Option<string?>("--at") { Description = "When it was completed (default now)" };
        var command = new Command("complete", "Mark a milestone done (办结), on time or late by its due date.") { id, at };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var engine = services.GetRequiredService<SupervisionEngine>();
                var when = parse.GetValue(at) is { } text ? AsOf.Parse(text, engine.Zone, "--at") : services.GetRequiredService<TimeProvider>().GetUtcNow();
                var result = await services.GetRequiredService<ProgressStore>().CompleteAsync(parse.GetValue(id), when, engine.Zone, "cli", Environment.UserName, token);
                var local = TimeZoneInfo.ConvertTime(result.CompletedAt, engine.Zone);
                Console.WriteLine(result.AlreadyDone
                    ? $"Milestone {result.MilestoneId} was already done on {local:yyyy-MM-dd HH:mm}; unchanged."
                    : $"Milestone {result.MilestoneId} done on {local:yyyy-MM-dd HH:mm}, due {result.DueDate:yyyy-MM-dd}: {(result.OnTime ? "on time" : "late")}.");
                return ExitCodes.Ok;
            },
            ct));
        return command;
    }
}
