using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Cli;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Bench;

/// <summary><c>engine</c>: province-scale data in a database of its own, then the scan and the rates timed; <c>delivery</c>: the outbox and the channels.</summary>
public static class BenchCommands
{
    private static readonly int[] GrowthDivisors = [100, 10];

    public static RootCommand Root()
    {
        var bench = new RootCommand("Supervisor benchmarks on generated data (a separate database on the same server; figures to stdout).");
        var tasks = new Option<int>("--tasks") { DefaultValueFactory = _ => 100_000, Description = "Tasks to generate" };
        var perTask = new Option<int>("--milestones-per-task") { DefaultValueFactory = _ => 10, Description = "Milestones per task" };
        var units = new Option<int>("--units") { DefaultValueFactory = _ => 2_000, Description = "Units to generate" };
        var asOf = new Option<string>("--as-of") { DefaultValueFactory = _ => "2026-06-15T09:00+08:00", Description = "The instant the engine runs at" };
        var database = new Option<string>("--database") { DefaultValueFactory = _ => "supervisor_bench", Description = "Database to (re)create for the data" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON too" };
        var growth = new Option<bool>("--growth") { Description = "Also run at 1/100 and 1/10 of --tasks and print how each figure grows" };
        var engine = new Command("engine", "Milestone scan + reminders owed, and per-unit rates, against a one-query-per-unit baseline.")
        {
            tasks, perTask, units, asOf, database, json, growth,
        };
        engine.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var zone = services.GetRequiredService<TimeZoneInfo>();
                var instant = AsOf.Parse(parse.GetValue(asOf)!, zone);
                var scale = new BenchScale(parse.GetValue(tasks), parse.GetValue(perTask), parse.GetValue(units), TimeZoneInfo.ConvertTime(instant, zone).Year);
                var runs = new List<(BenchScale Scale, List<(string Name, double Seconds, string Note)> Figures)>();
                if (parse.GetValue(growth))
                {
                    foreach (var divisor in GrowthDivisors)
                    {
                        var smaller = scale with { Tasks = Math.Max(1, scale.Tasks / divisor), Units = Math.Max(10, scale.Units / (int)Math.Sqrt(divisor)) };
                        runs.Add((smaller, await RunEngineAsync(services, parse.GetValue(database)!, smaller, instant, token)));
                    }
                }

                var figures = await RunEngineAsync(services, parse.GetValue(database)!, scale, instant, token);
                runs.Add((scale, figures));
                if (runs.Count > 1)
                {
                    PrintGrowth(runs);
                }

                Console.WriteLine();
                Console.WriteLine($"{"figure",-44} {"seconds",9}  goal / note");
                foreach (var (name, seconds, note) in figures)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {seconds,9:F3}  {note}"));
                }

                if (parse.GetValue(json))
                {
                    Json.Print(new { scale, asOf = instant, figures = figures.Select(f => new { name = f.Name, seconds = Math.Round(f.Seconds, 4), note = f.Note }) });
                }

                return ExitCodes.Ok;
            },
            ct));
        bench.Subcommands.Add(engine);
        bench.Subcommands.Add(Delivery());
        return bench;
    }

    private static Command Delivery()
    {
        var messages = new Option<int>("--messages") { DefaultValueFactory = _ => 20_000, Description = "Messages for the claim+ack figure (no-op sender)" };
        var single = new Option<int>("--single-row-messages") { DefaultValueFactory = _ => 2_000, Description = "Messages for the one-row-per-round-trip baseline" };
        var email = new Option<int>("--email-messages") { DefaultValueFactory = _ => 1_000, Description = "E-mails for each of the SMTP figures" };
        var sms = new Option<int>("--sms-messages") { DefaultValueFactory = _ => 5_000, Description = "Texts for each of the SMS figures" };
        var smsLatency = new Option<int>("--sms-latency-ms") { DefaultValueFactory = _ => 20, Description = "Also measure SMS with the gateway answering after this many ms (a real gateway's round trip); 0 = only at once" };
        var smtpLatency = new Option<int>("--smtp-latency-ms") { DefaultValueFactory = _ => 5, Description = "Also measure e-mail with the sink answering DATA after this many ms (a mail server writing its queue); 0 = only at once" };
        var smtpPort = new Option<int?>("--smtp-port") { Description = "Use the SMTP server on 127.0.0.1:PORT instead of starting aiosmtpd" };
        var database = new Option<string>("--database") { DefaultValueFactory = _ => "supervisor_bench_delivery", Description = "Database to create for the outbox (dropped at the end)" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON too" };
        var only = new Option<string[]>("--only") { Description = "Run only these parts: outbox, email, sms (default: all)", AllowMultipleArgumentsPerToken = true };
        only.AcceptOnlyFromAmong("outbox", "email", "sms");
        var command = new Command("delivery", "Outbox claim+ack with a no-op sender (batched vs one row per round trip), e-mail to a loopback aiosmtpd and SMS to a loopback gateway, each against plain client loops.")
        {
            messages, single, email, sms, smsLatency, smtpLatency, smtpPort, database, json, only,
        };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                if (new[] { parse.GetValue(messages), parse.GetValue(single), parse.GetValue(email), parse.GetValue(sms) }.Any(n => n < 1))
                {
                    throw new BadInputException("delivery: message counts must be at least 1");
                }

                var scale = new DeliveryBenchScale(parse.GetValue(messages), parse.GetValue(single), parse.GetValue(email), parse.GetValue(sms), parse.GetValue(smtpPort),
                    TimeSpan.FromMilliseconds(Math.Max(0, parse.GetValue(smsLatency))), TimeSpan.FromMilliseconds(Math.Max(0, parse.GetValue(smtpLatency))), parse.GetValue(only) is { Length: > 0 } parts ? parts.ToHashSet(StringComparer.Ordinal) : null);
                var figures = await DeliveryBench.RunAsync(services, services.GetRequiredService<IConfiguration>(), parse.GetValue(database)!, scale, token);
                Console.WriteLine();
                Console.WriteLine($"{"figure",-56} {"messages",9} {"seconds",8} {"msg/s",9}  goal / note");
                foreach (var f in figures)
                {
                    Console.WriteLine(f.Seconds > 0
                        ? string.Create(CultureInfo.InvariantCulture, $"{f.Name,-56} {f.Messages,9:N0} {f.Seconds,8:F2} {f.PerSecond,9:N0}  {f.Note}")
                        : string.Create(CultureInfo.InvariantCulture, $"{f.Name,-56} {f.Messages,9:N0} {"",8} {"",9}  {f.Note}"));
                }

                if (parse.GetValue(json))
                {
                    Json.Print(new { scale, figures = figures.Select(f => new { name = f.Name, messages = f.Messages, seconds = Math.Round(f.Seconds, 3), perSecond = Math.Round(f.PerSecond, 1), note = f.Note }) });
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    /// <summary>One row per figure, one column per size: how each grows from 10k to 1M milestones.</summary>
    private static void PrintGrowth(List<(BenchScale Scale, List<(string Name, double Seconds, string Note)> Figures)> runs)
    {
        Console.WriteLine();
        Console.Write($"{"seconds by milestones",-48}");
        foreach (var (scale, _) in runs)
        {
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"{scale.Tasks * scale.MilestonesPerTask,12:N0}"));
        }

        Console.WriteLine();
        for (var i = 1; i < runs[0].Figures.Count; i++)
        {
            Console.Write($"{runs[0].Figures[i].Name,-48}");
            foreach (var (_, figures) in runs)
            {
                Console.Write(string.Create(CultureInfo.InvariantCulture, $"{figures[i].Seconds,12:F3}"));
            }

            Console.WriteLine();
        }
    }

    private static async Task<List<(string Name, double Seconds, string Note)>> RunEngineAsync(
        IServiceProvider services, string database, BenchScale scale, DateTimeOffset asOf, CancellationToken ct)
    {
        var figures = new List<(string, double, string)>();
        var main = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        var admin = new NpgsqlConnectionStringBuilder(main) { Database = "postgres" }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(ct);
            // The name is checked below to be a plain identifier; CREATE DATABASE takes no parameters.
            if (!database.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new Core.BadInputException($"--database '{database}' must be lowercase letters, digits and _");
            }

            await using var drop = new NpgsqlCommand("drop database if exists " + database + " with (force)", connection);
            await drop.ExecuteNonQueryAsync(ct);
            await using var create = new NpgsqlCommand("create database " + database, connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(main) { Database = database }.ConnectionString);
        await new Migrator(dataSource, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(ct);
        var stopwatch = Stopwatch.StartNew();
        var zone = services.GetRequiredService<TimeZoneInfo>();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(asOf, zone).DateTime);
        await BenchData.GenerateAsync(dataSource, scale, today, seed: 20261121, ct);
        var allVisible = await BenchData.MilestonesAllVisibleAsync(dataSource, ct);
        figures.Add(($"generate {scale.Tasks:N0} tasks, {scale.Tasks * scale.MilestonesPerTask:N0} milestones (COPY)", stopwatch.Elapsed.TotalSeconds,
            string.Create(CultureInfo.InvariantCulture, $"{scale.Units:N0} units with contacts; vacuumed: {allVisible:P0} of milestone pages all-visible")));

        var calendar = await new CalendarStore(dataSource).LoadAsync(ct);
        var options = services.GetRequiredService<IOptions<SupervisionOptions>>().Value;
        var scans = new MilestoneScanStore(dataSource);
        stopwatch.Restart();
        var first = await scans.ScanAsync(asOf, zone, calendar, options, ct);
        figures.Add(("milestone scan + reminders owed, first ever", stopwatch.Elapsed.TotalSeconds, $"goal ≤ 2 s; no history: {first.RemindersOwed:N0} owed, {first.Counts.Overdue:N0} overdue"));
        stopwatch.Restart();
        var again = await scans.ScanAsync(asOf.AddMinutes(15), zone, calendar, options, ct);
        figures.Add(("milestone scan, 15 min later (steady state)", stopwatch.Elapsed.TotalSeconds, $"goal ≤ 2 s; {again.RemindersOwed:N0} added"));

        var nextDay = calendar.AddWorkingDays(today, 1).ToDateTime(new TimeOnly(9, 0));
        stopwatch.Restart();
        var daily = await scans.ScanAsync(new DateTimeOffset(nextDay, zone.GetUtcOffset(nextDay)), zone, calendar, options, ct);
        figures.Add(("milestone scan, next working day (daily case)", stopwatch.Elapsed.TotalSeconds, $"goal ≤ 2 s; {daily.RemindersOwed:N0} reminders owed"));

        var rates = new RatesStore(dataSource);
        var best = double.MaxValue;
        IReadOnlyList<UnitRate> computed = [];
        for (var i = 0; i < 3; i++)
        {
            stopwatch.Restart();
            computed = await rates.ComputeAsync(today, zone, calendar, options, ct);
            best = Math.Min(best, stopwatch.Elapsed.TotalSeconds);
        }

        figures.Add(("per-unit rates, one set-based query (best of 3)", best, $"goal ≤ 1 s; {computed.Count:N0} units"));
        stopwatch.Restart();
        var perUnit = await RatesBaseline.AllUnitsAsync(dataSource, computed.Select(u => u.UnitId), today, zone, calendar, options, ct);
        var baseline = stopwatch.Elapsed.TotalSeconds;
        var agree = computed.All(u => perUnit[u.UnitId].SameAs(u));
        figures.Add(("baseline: one query per unit", baseline,
            string.Create(CultureInfo.InvariantCulture, $"{baseline / best:F1}× the set-based query (goal ≥ 10×); lead and co counts, worst overdue and due soon {(agree ? "agree" : "DISAGREE")} for every unit")));

        // The console's 任务 page: every task's light (overdue, due soon, behind its reported progress), one query.
        var lightsBest = double.MaxValue;
        IReadOnlyList<TaskLight> lights = [];
        for (var i = 0; i < 3; i++)
        {
            stopwatch.Restart();
            lights = await rates.TaskLightsAsync(today, zone, calendar, options, null, ct);
            lightsBest = Math.Min(lightsBest, stopwatch.Elapsed.TotalSeconds);
        }

        figures.Add(("task lights, every task, one query (best of 3)", lightsBest,
            string.Create(CultureInfo.InvariantCulture, $"no goal in the issue; the console's task list; {lights.Count:N0} tasks, {lights.Count(l => l.Light == Light.Red):N0} red")));

        // Where the baseline's time goes: the same number of statements that read nothing.
        stopwatch.Restart();
        await RatesBaseline.EmptyRoundTripsAsync(dataSource, computed.Count, ct);
        var fixedCost = stopwatch.Elapsed.TotalSeconds;
        figures.Add(("profile: one statement reading nothing per unit, same connection", fixedCost,
            string.Create(CultureInfo.InvariantCulture, $"{computed.Count:N0} statements; {fixedCost / baseline:P0} of the baseline is per-statement cost, not rows")));
        return figures;
    }
}
