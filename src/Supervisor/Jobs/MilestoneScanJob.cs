using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// milestone-scan: classify every milestone and record the reminders owed, as of the slot's scheduled time (so a late
/// or repeated pass for the same slot computes the same thing; the reminders' unique key makes it add nothing twice).
/// </summary>
public sealed class MilestoneScanJob(SupervisionEngine engine) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        var result = await engine.ScanAsync(context.ScheduledAt, ct);
        return JobPassResult.Done(
            ("localDate", result.LocalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("workingDay", result.WorkingDay),
            ("upcoming", result.Counts.Upcoming),
            ("dueSoon", result.Counts.DueSoon),
            ("dueToday", result.Counts.DueToday),
            ("overdue", result.Counts.Overdue),
            ("done", result.Counts.Done),
            ("remindersOwed", result.RemindersOwed),
            ("acknowledgementReminders", result.AcknowledgementRemindersOwed));
    }
}

/// <summary>rates-snapshot: at 00:30, the unit rates of the day just ended, written once per day (re-runs replace it).</summary>
public sealed class RatesSnapshotJob(SupervisionEngine engine) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        var (date, units) = await engine.SnapshotAsync(context.ScheduledLocalDate.AddDays(-1), ct);
        return JobPassResult.Done(("snapshotDate", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("units", units));
    }
}
