using System.Globalization;
using Cronos;
using Microsoft.Extensions.Options;
using Supervisor.Core.Calendar;

namespace Supervisor.Jobs;

/// <summary>
/// Configuration section "Jobs": one sub-section per job, named like the job (<c>Jobs:housekeeping:Cron</c>, env
/// <c>Jobs__housekeeping__Cron</c>), beside the Hangfire server settings. The time zone is <c>Supervisor:TimeZone</c>.
/// </summary>
/// <remarks>
/// The server settings trade pick-up latency for idle load: every worker polls the queue, and the schedulers poll for
/// due recurring and delayed jobs. Their defaults keep an idle node under one statement a second (docs/scheduling.md):
/// a recurring pass starts up to <see cref="SchedulePollingInterval"/> after its slot, and a job enqueued by another
/// process waits up to <see cref="QueuePollInterval"/>; one enqueued in the same process (the immediate dispatch after
/// a compose) wakes a local worker at once.
/// </remarks>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Hangfire workers per node: passes that can run at once on it.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>How often an idle worker asks the queue for a job.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a node looks for recurring jobs (and delayed jobs) that are due.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a node writes its heartbeat (the dashboard's 服务器 page).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a fetched job stays invisible to other workers without a sign of life. Sliding: a running pass keeps
    /// extending it, so a long pass is never fetched a second time; a pass whose node died is fetched again after this
    /// and finds its claim in job_runs taken.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a Hangfire lock held by a node that died blocks the others (recurring-job updates).</summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Schedules by job name (case-insensitive, as configuration keys are).</summary>
    public Dictionary<string, JobSchedule> Schedules { get; } = new(StringComparer.OrdinalIgnoreCase);

    // Values that did not parse, reported by the validator with the setting's name (exit 2) rather than thrown
    // by the binder as an unexplained failure.
    internal List<string> BindingErrors { get; } = [];

    /// <summary>Reads the section: the server settings, then every other child as a job's schedule.</summary>
    public static void Bind(IConfigurationSection section, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var child in section.GetChildren())
        {
            switch (child.Key.ToLowerInvariant())
            {
                case "workercount":
                    if (!string.IsNullOrWhiteSpace(child.Value))
                    {
                        if (int.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var workers))
                        {
                            options.WorkerCount = workers;
                        }
                        else
                        {
                            options.BindingErrors.Add($"{child.Path} '{child.Value}' is not a whole number");
                        }
                    }

                    break;
                case "queuepollinterval":
                    options.QueuePollInterval = ReadTimeSpan(child, options.QueuePollInterval, options.BindingErrors);
                    break;
                case "schedulepollinginterval":
                    options.SchedulePollingInterval = ReadTimeSpan(child, options.SchedulePollingInterval, options.BindingErrors);
                    break;
                case "heartbeatinterval":
                    options.HeartbeatInterval = ReadTimeSpan(child, options.HeartbeatInterval, options.BindingErrors);
                    break;
                case "invisibilitytimeout":
                    options.InvisibilityTimeout = ReadTimeSpan(child, options.InvisibilityTimeout, options.BindingErrors);
                    break;
                case "distributedlocktimeout":
                    options.DistributedLockTimeout = ReadTimeSpan(child, options.DistributedLockTimeout, options.BindingErrors);
                    break;
                default:
                    options.Schedules[child.Key] = JobSchedule.Read(child, options.BindingErrors);
                    break;
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
    /// <summary>Cron as Hangfire reads it: "min hour day month weekday", or six fields with seconds first.</summary>
    public string Cron { get; set; } = "";

    /// <summary>False: the job's recurring job is removed from Hangfire at <c>serve</c> start-up; <c>job run</c> still runs it by hand.</summary>
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

/// <summary>Every configured cron parses, every registered job has a schedule, the server settings are sane.</summary>
public sealed class JobsOptionsValidator(JobCatalog catalog) : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(options.BindingErrors);
        if (options.WorkerCount is < 1 or > 64)
        {
            failures.Add($"Jobs:WorkerCount {options.WorkerCount} must be between 1 and 64");
        }

        Between(failures, "QueuePollInterval", options.QueuePollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10));
        Between(failures, "SchedulePollingInterval", options.SchedulePollingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Between(failures, "HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Between(failures, "InvisibilityTimeout", options.InvisibilityTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromDays(1));
        Between(failures, "DistributedLockTimeout", options.DistributedLockTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));

        foreach (var (job, schedule) in options.Schedules.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (schedule.Cron.Length == 0)
            {
                if (schedule.Enabled && catalog.Find(job) is not null)
                {
                    failures.Add($"Jobs:{job}:Cron is missing: job '{job}' needs a cron expression (e.g. \"0 3 * * *\") or Enabled false");
                }

                continue;
            }

            if (CronError(schedule.Cron) is { } error)
            {
                failures.Add($"Jobs:{job}:Cron '{schedule.Cron}' is not a valid cron expression for job '{job}' (min hour day month weekday, or seconds first): {error}");
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

    /// <summary>Why a cron does not parse the way Hangfire reads it, or null when it does.</summary>
    public static string? CronError(string cron)
    {
        try
        {
            _ = JobSchedules.Parse(cron);
            return null;
        }
        catch (CronFormatException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    private static void Between(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Jobs:{setting} {value} must be between {min} and {max}"));
        }
    }
}
