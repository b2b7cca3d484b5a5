namespace Supervisor.Core.Engine;

/// <summary>Configuration section "Supervision": when things count as due soon, overdue, escalated, behind, red.</summary>
public sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>An open milestone due within this many working days is "due soon" (level-1 提醒).</summary>
    public int DueSoonWorkingDays { get; set; } = 3;

    /// <summary>催办 (level 2) repeats every this many working days while a milestone stays overdue.</summary>
    public int OverdueRepeatWorkingDays { get; set; } = 2;

    /// <summary>督办 (level 3) once a milestone is overdue by at least this many working days; also the unit's red line.</summary>
    public int EscalateAfterWorkingDays { get; set; } = 5;

    /// <summary>督办 repeats every this many working days while still overdue; 0 = once.</summary>
    public int EscalationRepeatWorkingDays { get; set; } = 5;

    /// <summary>A task is yellow when its reported progress trails 序时进度 (elapsed share of its window) by more than this many points.</summary>
    public int BehindSchedulePercent { get; set; } = 20;

    /// <summary>A unit whose on-time rate is below this (0–1) is red.</summary>
    public double RedBelowOnTimeRate { get; set; } = 0.6;

    /// <summary>
    /// A unit that has not signed (签收) a task this many working days after it was assigned or changed gets one 签收
    /// reminder in its digest; 0 = no 签收 reminders.
    /// </summary>
    public int AcknowledgeWithinWorkingDays { get; set; } = 2;

    /// <summary>
    /// 办结 needs the office's review: a lead unit's 办结 is an application (待审核, not chased, not yet done) until the office
    /// approves it (销号, done as of the application) or returns it (退回, with a reason). False: 办结 takes effect at once.
    /// </summary>
    public bool CompletionNeedsReview { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (DueSoonWorkingDays is < 0 or > 30)
        {
            yield return "Supervision:DueSoonWorkingDays must be 0–30";
        }

        if (OverdueRepeatWorkingDays is < 1 or > 30)
        {
            yield return "Supervision:OverdueRepeatWorkingDays must be 1–30";
        }

        if (EscalateAfterWorkingDays is < 1 or > 60)
        {
            yield return "Supervision:EscalateAfterWorkingDays must be 1–60";
        }

        if (EscalationRepeatWorkingDays is < 0 or > 60)
        {
            yield return "Supervision:EscalationRepeatWorkingDays must be 0–60 (0 = once)";
        }

        if (BehindSchedulePercent is < 0 or > 100)
        {
            yield return "Supervision:BehindSchedulePercent must be 0–100";
        }

        if (AcknowledgeWithinWorkingDays is < 0 or > 30)
        {
            yield return "Supervision:AcknowledgeWithinWorkingDays must be 0–30 (0 = no 签收 reminders)";
        }

        if (RedBelowOnTimeRate is < 0 or > 1)
        {
            yield return "Supervision:RedBelowOnTimeRate must be between 0 and 1";
        }
    }
}
