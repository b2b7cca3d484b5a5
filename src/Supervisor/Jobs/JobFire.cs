using System.Globalization;
using Quartz;

namespace Supervisor.Jobs;

/// <summary>
/// Which slot a Quartz fire is for, read the same way by the listeners that record it and by the adapter that runs
/// it. A scheduled fire's slot is the trigger's scheduled fire time; a manual run carries its kind and "as of"
/// instant in the trigger's data, put there by <see cref="ManualJobRunner"/>. A fire that recovers one a failed
/// cluster node had taken (Quartz's recovery trigger, <see cref="IJobExecutionContext.Recovering"/>) is for the slot
/// of the fire it stands in for, which Quartz keeps in the recovery trigger's data, to the second.
/// </summary>
/// <param name="Recovered">A scheduled slot fired again by cluster recovery; its <paramref name="ScheduledAt"/> is whole seconds.</param>
public sealed record JobFire(string JobName, TriggerKind Kind, DateTimeOffset ScheduledAt, bool Recovered = false)
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

        // A recovery trigger's own fire time is when the original fired (milliseconds late); the slot is the original's
        // scheduled fire time, written by Quartz as DateTimeOffset.ToString(InvariantCulture): whole seconds.
        if (context.Recovering
            && data.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var original) && original is string originalText
            && DateTimeOffset.TryParse(originalText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var slot))
        {
            return new JobFire(context.JobDetail.Key.Name, TriggerKind.Schedule, slot, Recovered: true);
        }

        return new JobFire(context.JobDetail.Key.Name, TriggerKind.Schedule, context.ScheduledFireTimeUtc ?? context.FireTimeUtc);
    }

    public static JobDataMap ManualData(DateTimeOffset asOf) => new()
    {
        [KindKey] = "manual",
        [ScheduledAtKey] = asOf.ToString("O", CultureInfo.InvariantCulture),
    };
}
