namespace Supervisor.Core.Engine;

/// <summary>
/// 序时进度: the share of a task's window that has elapsed, in percent — the progress a task "should" have reported by
/// now. The window runs from the plan year's 1 January to the task's deadline (calendar days). The task light turns
/// yellow when the reported figure trails it by more than <see cref="SupervisionOptions.BehindSchedulePercent"/>
/// points; the unit page shows both side by side. One formula for both.
/// </summary>
public static class ScheduleProgress
{
    /// <summary>0–100 on <paramref name="asOf"/>; null when the task has no deadline or its deadline is not after the window's start.</summary>
    public static double? ExpectedPercent(int planYear, DateOnly? deadline, DateOnly asOf)
    {
        if (deadline is not { } end)
        {
            return null;
        }

        var start = new DateOnly(planYear, 1, 1);
        var window = end.DayNumber - start.DayNumber;
        if (window <= 0)
        {
            return null;
        }

        var elapsed = Math.Clamp(asOf.DayNumber - start.DayNumber, 0, window);
        return 100.0 * elapsed / window;
    }

    /// <summary>Behind schedule: a reported figure that trails 序时进度 by more than <paramref name="behindPoints"/>. Nothing reported is not judged.</summary>
    public static bool IsBehind(int? reportedPercent, double? expectedPercent, int behindPoints) =>
        reportedPercent is { } reported && expectedPercent is { } expected && expected - reported > behindPoints;
}
