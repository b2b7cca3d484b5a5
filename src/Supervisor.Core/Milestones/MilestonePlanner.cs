using Supervisor.Core.Calendar;

namespace Supervisor.Core.Milestones;

public enum MilestoneKind
{
    Report,
    Completion,
}

/// <summary>A milestone to store; <see cref="Key"/> identifies it within its task across re-imports.</summary>
public sealed record PlannedMilestone(string Key, MilestoneKind Kind, DateOnly Due, string Title);

/// <summary><see cref="Deadline"/> is the date the document names (before any working-day shift); null when ongoing or unstated.</summary>
public sealed record MilestonePlan(DateOnly? Deadline, IReadOnlyList<PlannedMilestone> Milestones);

public static class MilestonePlanner
{
    public static MilestonePlan Plan(string text, string? deadlineText, int planYear, WorkingCalendar calendar, MilestoneOptions options)
        => throw new NotImplementedException();
}
