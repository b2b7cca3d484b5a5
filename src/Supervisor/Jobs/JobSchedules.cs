using Quartz;
using Supervisor.Core.Calendar;

namespace Supervisor.Jobs;

/// <summary>How a job's schedule becomes a Quartz job and trigger, and when it will next really do its work.</summary>
public static class JobSchedules
{
    /// <summary>The Quartz group of every Supervisor job and trigger.</summary>
    public const string Group = "supervisor";

    /// <summary>How many cron fire times <see cref="NextEffectiveFire"/> looks at: over a year of a daily cron, enough for any working-day rule.</summary>
    public const int MaxFireTimesScanned = 400;

    public static JobKey JobKey(string name) => new(name, Group);

    public static TriggerKey TriggerKey(string name) => new(name, Group);

    /// <summary>Durable (it stays while its trigger is removed, for <c>job run</c>) and recovered when its node dies mid-fire.</summary>
    /// <remarks>
    /// Quartz advances the trigger past a slot when it marks the slot fired, before our listener records it in
    /// job_runs. A node killed between the two would lose the slot unless the job requests recovery: then another node
    /// fires it again (Quartz's recovery trigger) once it finds the node dead. <see cref="JobRunRecorder"/> lets that
    /// fire run only if the slot has no run yet, so a pass the dead node had recorded — finished or cut off — is not
    /// run again; the next fire catches up on what it left.
    /// </remarks>
    public static IJobDetail JobDetail(string name) =>
        JobBuilder.Create<SupervisorJobAdapter>()
            .WithIdentity(JobKey(name))
            .WithDescription($"Supervisor job {name}")
            .StoreDurably(true)
            .RequestRecovery(true)
            .Build();

    /// <summary>The job's cron trigger in the office's zone, starting at <paramref name="clock"/>'s now.</summary>
    /// <remarks>
    /// Misfire policy: a fire missed by more than <c>Jobs:MisfireThreshold</c> (all nodes down, or blocked behind a long
    /// pass) is fired once as soon as a node can, then the cron goes on — <see cref="CronTriggerMisfireInstruction.FireAndProceed"/>,
    /// Quartz's "fire once now". However many slots were missed, the job runs once: each pass works from the state of
    /// the database, so one late pass does what the missed ones would have. Firing every missed slot would send a
    /// day's reminder-dispatch passes in a burst; doing nothing would drop the 09:00 digest until tomorrow.
    /// </remarks>
    public static ITrigger Trigger(string name, JobSchedule schedule, TimeZoneInfo zone, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return TriggerBuilder.Create(clock)
            .WithIdentity(TriggerKey(name))
            .ForJob(JobKey(name))
            .WithDescription($"{schedule.Cron} {zone.Id}, rule {schedule.Rule}")
            .WithSchedule(CronScheduleBuilder.Create(schedule.Cron)
                .InTimeZone(zone)
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .StartAt(clock.GetUtcNow())
            .Build();
    }

    /// <summary>Whether a stored trigger fires as configured: same cron, zone and misfire policy.</summary>
    public static bool Matches(ICronTrigger stored, JobSchedule schedule, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(schedule);
        return string.Equals(stored.CronExpressionString, schedule.Cron, StringComparison.Ordinal)
            && string.Equals(stored.TimeZone.Id, zone.Id, StringComparison.Ordinal)
            && stored.MisfireInstruction == CronTriggerMisfireInstruction.FireAndProceed;
    }

    /// <summary>
    /// The first of the fire times starting at <paramref name="first"/> (each next one from <paramref name="next"/>)
    /// whose local date the rule allows; null when none of the next <see cref="MaxFireTimesScanned"/> is.
    /// </summary>
    public static DateTimeOffset? NextEffectiveFire(
        DateTimeOffset? first, Func<DateTimeOffset, DateTimeOffset?> next, WorkingDayRule rule, WorkingCalendar calendar, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(next);
        var fire = first;
        for (var i = 0; i < MaxFireTimesScanned && fire is { } candidate; i++)
        {
            if (rule.Allows(calendar, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(candidate, zone).DateTime)))
            {
                return candidate;
            }

            fire = next(candidate);
        }

        return null;
    }

    /// <summary>The configured cron's fire times after <paramref name="after"/>, for a job whose trigger is not stored yet.</summary>
    public static Func<DateTimeOffset, DateTimeOffset?> CronFireTimes(string cron, TimeZoneInfo zone)
    {
        var expression = new CronExpression(cron, zone);
        return expression.GetNextValidTimeAfter;
    }
}
