using System.CommandLine;
using System.Globalization;
using Supervisor.Core;
using Supervisor.Jobs;

namespace Supervisor.Cli;

/// <summary><c>job list</c> and <c>job run NAME [--as-of …]</c>.</summary>
public static class JobCommands
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss zzz";

    private static readonly string[] ListHeader = ["JOB", "CRON", "RULE", "ZONE", "NEXT FIRE (RULE APPLIED)", "PREVIOUS FIRE", "STATE", "LAST RUN"];

    public static Command Job()
    {
        var job = new Command("job", "The scheduled jobs: their schedules and runs.");
        job.Subcommands.Add(List());
        job.Subcommands.Add(Run());
        return job;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the jobs as one JSON array" };
        var command = new Command("list", "Each job: cron, working-day rule, zone, next fire on which the rule lets it work, previous fire, state (paused?), last run.")
        {
            json,
        };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var rows = await services.GetRequiredService<JobListing>().ListAsync(token);
                var zone = services.GetRequiredService<TimeZoneInfo>();
                if (parse.GetValue(json))
                {
                    Json.Print(rows.Select(r => new
                    {
                        name = r.Name,
                        displayName = r.DisplayName,
                        cron = r.Cron,
                        rule = r.Rule.ToString(),
                        timeZone = r.TimeZone,
                        enabled = r.Enabled,
                        nextFire = r.NextEffectiveFire,
                        previousFire = r.PreviousFire,
                        state = r.State,
                        storedCron = r.StoredCron,
                        paused = r.Pause is { } pause ? new { pause.PausedAt, pause.PausedBy } : null,
                        lastRun = r.LastRun is { } last ? new { last.Outcome, last.TriggerKind, last.ScheduledAt, last.StartedAt, last.FinishedAt, last.Error } : null,
                    }));
                    return ExitCodes.Ok;
                }

                var table = new List<string[]> { ListHeader };
                foreach (var r in rows)
                {
                    var last = r.LastRun is { } run ? $"{run.Outcome} {Local(run.StartedAt, zone)} ({run.TriggerKind})" : "—";
                    var state = r.StoredCron is null ? r.State : $"{r.State}; stored {r.StoredCron}, serve updates it";
                    table.Add([r.Name, r.Cron, r.Rule.ToString(), r.TimeZone, r.NextEffectiveFire is { } n ? Local(n, zone) : "—", r.PreviousFire is { } p ? Local(p, zone) : "—", state, last]);
                }

                var widths = Enumerable.Range(0, table[0].Length).Select(c => table.Max(row => row[c].Length)).ToArray();
                foreach (var row in table)
                {
                    Console.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    private static Command Run()
    {
        var name = new Argument<string>("NAME") { Description = "The job, as `job list` names it" };
        var asOf = new Option<string?>("--as-of")
        {
            Description = "Run as if it were then: 2023-06-26T09:00+08:00, or a date (09:00 that day in Supervisor:TimeZone)",
        };
        var json = new Option<bool>("--json") { Description = "Print the outcome and summary as one JSON object" };
        var command = new Command("run", "Run one pass of a job now, in this process (not on a Hangfire server), recorded in job_runs as a manual run.") { name, asOf, json };
        command.SetAction((parse, ct) =>
        {
            var asOfText = parse.GetValue(asOf);
            return CliHost.RunAsync(
                async (services, token) =>
                {
                    // Resolving the clock parses --as-of, so a bad value stops here, before anything runs.
                    _ = services.GetRequiredService<TimeProvider>();
                    var runner = services.GetRequiredService<JobPassRunner>();
                    var job = runner.Require(parse.GetValue(name)!);
                    var result = await runner.RunAsync(new JobFire(job.Name, TriggerKind.Manual, runner.Now, null), JobPassRunner.CliInstanceId, token);
                    var zone = services.GetRequiredService<TimeZoneInfo>();
                    if (parse.GetValue(json))
                    {
                        Json.Print(new
                        {
                            job = result.JobName,
                            asOf = result.ScheduledAt,
                            outcome = result.Outcome,
                            error = result.Error,
                            elapsedMs = (long)result.Elapsed.TotalMilliseconds,
                            summary = result.Result?.Summary,
                        });
                    }
                    else
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{result.JobName}: {result.Outcome} in {result.Elapsed.TotalSeconds:0.00} s (manual run as of {Local(result.ScheduledAt, zone)})"));
                        foreach (var (key, value) in result.Result?.Summary ?? new Dictionary<string, object?>())
                        {
                            Console.WriteLine($"  {key}: {Format(value, zone)}");
                        }
                    }

                    if (result.Outcome is "failed" or "duplicate")
                    {
                        Console.Error.WriteLine($"supervisor: job {result.JobName} {result.Outcome}: {result.Error}");
                        return ExitCodes.Failure;
                    }

                    return ExitCodes.Ok;
                },
                ct,
                services =>
                {
                    if (asOfText is not null)
                    {
                        services.AddSingleton<TimeProvider>(sp => new FixedTimeProvider(AsOf.Parse(asOfText, sp.GetRequiredService<TimeZoneInfo>())));
                    }
                });
        });
        return command;
    }

    private static string Local(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string Format(object? value, TimeZoneInfo zone) => value switch
    {
        null => "—",
        DateTimeOffset instant => Local(instant, zone),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
