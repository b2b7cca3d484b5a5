using System.Globalization;
using Microsoft.Extensions.Options;
using Quartz;
using Supervisor.Core.Calendar;

namespace Supervisor.Jobs;

/// <summary>
/// Configuration section "Jobs": one sub-section per job, named like the job (<c>Jobs:housekeeping:Cron</c>, env
/// <c>Jobs__housekeeping__Cron</c>), beside the cluster settings. The time zone is <c>Supervisor:TimeZone</c>.
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// How often a node records in the Quartz store that it is alive; a node silent for about two intervals is taken as
    /// dead and the fires it had taken are recovered. Each check-in is 9 statements (docs/BENCHMARKS.md, idle scheduler):
    /// 30 s keeps an idle node under one statement a second. Triggers are never owned by a node — a survivor fires the
    /// next slot of every trigger whether or not the dead node has been detected yet; only a fire the dead node had
    /// already taken waits for the detection.
    /// </summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A fire later than this is a misfire and follows the misfire policy (one catch-up run) instead of firing every missed slot.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Schedules by job name (case-insensitive, as configuration keys are).</summary>
    public Dictionary<string, JobSchedule> Schedules { get; } = new(StringComparer.OrdinalIgnoreCase);

    // Values that did not parse, reported by the validator with the setting's name (exit 2) rather than thrown
    // by the binder as an unexplained failure.
    internal List<string> BindingErrors { get; } = [];

    /// <summary>Reads the section: the two cluster settings, then every other child as a job's schedule.</summary>
    public static void Bind(IConfigurationSection section, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var child in section.GetChildren())
        {
            if (child.Key.Equals(nameof(CheckinInterval), StringComparison.OrdinalIgnoreCase))
            {
                options.CheckinInterval = ReadTimeSpan(child, options.CheckinInterval, options.BindingErrors);
            }
            else if (child.Key.Equals(nameof(MisfireThreshold), StringComparison.OrdinalIgnoreCase))
            {
                options.MisfireThreshold = ReadTimeSpan(child, options.MisfireThreshold, options.BindingErrors);
            }
            else
            {
                options.Schedules[child.Key] = JobSchedule.Read(child, options.BindingErrors);
            }
        }
    }

    internal static TimeSpan ReadTimeSpan(IConfigurationSection setting, TimeSpan fallback, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(setting.Value))
        {
            return fallback;
        }

        if (TimeSpan.TryParse(setting.Value, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{setting.Path} '{setting.Value}' is not a duration (hh:mm:ss, or d.hh:mm:ss)");
        return fallback;
    }
}

/// <summary>When one job fires and on which days it does its work.</summary>
public sealed class JobSchedule
{
    /// <summary>Quartz cron with seconds: "sec min hour day-of-month month day-of-week", one of the two day fields '?'.</summary>
    public string Cron { get; set; } = "";

    /// <summary>False: the job's trigger is removed from the store at start-up; <c>job run</c> still runs it by hand.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>On which local dates a fire does the work; on the others it is recorded as skipped.</summary>
    public WorkingDayRule Rule { get; set; } = WorkingDayRule.Always;

    internal static JobSchedule Read(IConfigurationSection section, List<string> errors)
    {
        var schedule = new JobSchedule { Cron = section[nameof(Cron)]?.Trim() ?? "" };
        if (section[nameof(Enabled)] is { Length: > 0 } enabled)
        {
            if (bool.TryParse(enabled, out var value))
            {
                schedule.Enabled = value;
            }
            else
            {
                errors.Add($"{section.Path}:{nameof(Enabled)} '{enabled}' is not true or false");
            }
        }

        if (section[nameof(Rule)] is { Length: > 0 } rule)
        {
            if (Enum.TryParse<WorkingDayRule>(rule, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(rule, out _))
            {
                schedule.Rule = value;
            }
            else
            {
                errors.Add($"{section.Path}:{nameof(Rule)} '{rule}' is not one of {string.Join(", ", Enum.GetNames<WorkingDayRule>())}");
            }
        }

        return schedule;
    }
}

/// <summary>Every configured cron parses, every registered job has a schedule, the cluster timings are sane.</summary>
public sealed class JobsOptionsValidator(JobCatalog catalog) : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(options.BindingErrors);
        if (options.CheckinInterval < TimeSpan.FromMilliseconds(500) || options.CheckinInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Jobs:CheckinInterval {options.CheckinInterval} must be between 00:00:00.5 and 00:10:00");
        }

        if (options.MisfireThreshold < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Jobs:MisfireThreshold {options.MisfireThreshold} must be at least 00:00:01");
        }

        foreach (var (job, schedule) in options.Schedules.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (schedule.Cron.Length == 0)
            {
                if (schedule.Enabled && catalog.Find(job) is not null)
                {
                    failures.Add($"Jobs:{job}:Cron is missing: job '{job}' needs a Quartz cron expression (e.g. \"0 0 3 * * ?\") or Enabled false");
                }

                continue;
            }

            if (CronError(schedule.Cron) is { } error)
            {
                failures.Add($"Jobs:{job}:Cron '{schedule.Cron}' is not a valid Quartz cron expression for job '{job}' (sec min hour day-of-month month day-of-week): {error}");
            }
        }

        foreach (var registration in catalog.All)
        {
            if (!options.Schedules.ContainsKey(registration.Name))
            {
                failures.Add($"Jobs:{registration.Name} is missing: job '{registration.Name}' is registered but has no Cron (add it to appsettings.json or set Jobs__{registration.Name}__Cron)");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Quartz's own reason a cron does not parse, or null when it does.</summary>
    public static string? CronError(string cron)
    {
        try
        {
            _ = CronExpression.Parse(cron);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }
}
