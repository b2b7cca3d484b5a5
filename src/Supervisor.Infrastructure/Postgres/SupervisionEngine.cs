using Microsoft.Extensions.Options;
using Supervisor.Core.Engine;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>One pass of the scan or of the rates, with the calendar and options loaded: shared by the CLI and the jobs.</summary>
public sealed class SupervisionEngine(
    MilestoneScanStore scans,
    RatesStore rates,
    CalendarStore calendars,
    IOptions<SupervisionOptions> options,
    TimeZoneInfo zone)
{
    public TimeZoneInfo Zone => zone;

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public async Task<ScanResult> ScanAsync(DateTimeOffset asOf, CancellationToken ct) =>
        await scans.ScanAsync(asOf, zone, await calendars.LoadAsync(ct), options.Value, ct);

    public async Task<IReadOnlyList<UnitRate>> RatesAsync(DateOnly asOf, CancellationToken ct) =>
        await rates.ComputeAsync(asOf, zone, await calendars.LoadAsync(ct), options.Value, ct);

    /// <summary>Unit rates and ranking as of a local date over one plan's tasks (null: every plan).</summary>
    public async Task<IReadOnlyList<UnitRate>> RatesAsync(DateOnly asOf, long? planId, CancellationToken ct) =>
        await rates.ComputeAsync(asOf, zone, await calendars.LoadAsync(ct), options.Value, planId, ct);

    public async Task<IReadOnlyList<TaskLight>> TaskLightsAsync(DateOnly asOf, long? planId, CancellationToken ct) =>
        await rates.TaskLightsAsync(asOf, zone, await calendars.LoadAsync(ct), options.Value, planId, ct);

    /// <summary>The daily snapshot of the day just ended (the job runs at 00:30): idempotent per day.</summary>
    public async Task<(DateOnly Date, int Units)> SnapshotAsync(DateOnly date, CancellationToken ct)
    {
        var computed = await RatesAsync(date, ct);
        await rates.SnapshotAsync(date, computed, ct);
        return (date, computed.Count);
    }
}
