using Supervisor.Core.Calendar;

namespace Supervisor.Core.Tests.Engine;

/// <summary>The official 2023–2026 calendar (2023's 端午: holidays 06-22..24, make-up working Sunday 06-25).</summary>
internal static class EngineCalendar
{
    public static readonly WorkingCalendar Official = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));

    public static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
