using System.Globalization;
using Quartz;

namespace Supervisor.Jobs;

/// <summary>
/// Which slot a Quartz fire is for, read the same way by the listeners that record it and by the adapter that runs
/// it. A scheduled fire's slot is the trigger's scheduled fire time; a manual run carries its kind and "as of"
/// instant in the trigger's data, put there by <see cref="ManualJobRunner"/>.
/// </summary>
public sealed record JobFire(string JobName, TriggerKind Kind, DateTimeOffset ScheduledAt)
{
    public const string KindKey = "supervisor.trigger-kind";
    public const string ScheduledAtKey = "supervisor.scheduled-at";

    public string KindText => Kind == TriggerKind.Manual ? "manual" : "schedule";

    public static JobFire Read(IJobExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Trigger.JobDataMap;
        if (data.TryGetValue(KindKey, out var kind) && "manual".Equals(kind as string, StringComparison.Ordinal)
            && data.TryGetValue(ScheduledAtKey, out var at) && at is string text)
        {
            return new JobFire(context.JobDetail.Key.Name, TriggerKind.Manual, DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        }

        return new JobFire(context.JobDetail.Key.Name, TriggerKind.Schedule, context.ScheduledFireTimeUtc ?? context.FireTimeUtc);
    }

    public static JobDataMap ManualData(DateTimeOffset asOf) => new()
    {
        [KindKey] = "manual",
        [ScheduledAtKey] = asOf.ToString("O", CultureInfo.InvariantCulture),
    };
}
