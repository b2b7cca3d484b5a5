namespace Supervisor.Core.Milestones;

public enum ReportSchedule
{
    None,
    Monthly,
    Quarterly,
}

public enum DueDateShift
{
    None,
    PreviousWorkingDay,
    NextWorkingDay,
}

/// <summary>Configuration section "Milestones".</summary>
public sealed class MilestoneOptions
{
    public const string Section = "Milestones";

    public ReportSchedule ReportSchedule { get; set; } = ReportSchedule.Quarterly;

    /// <summary>Day of the period's last month on which a progress report is due.</summary>
    public int ReportDayOfMonth { get; set; } = 25;

    /// <summary>What to do with a due date that falls on a non-working day.</summary>
    public DueDateShift NonWorkingDueDate { get; set; } = DueDateShift.PreviousWorkingDay;
}
