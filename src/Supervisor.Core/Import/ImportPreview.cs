using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Core.Milestones;

namespace Supervisor.Core.Import;

/// <summary>
/// What the office should know before confirming an import, on the local date it imports: milestones already past
/// their due date, the reminders the next scan would record for them (a plan imported in autumn owes 催办 and 督办 at
/// once for everything due in spring), and units no reminder can reach.
/// </summary>
public sealed record ImportPreview(int Overdue, DateOnly? EarliestOverdue, int DueSoon, int Level1, int Level2, int Level3, IReadOnlyList<string> UnreachableUnits)
{
    /// <summary>
    /// <paramref name="reachable"/>: the plan's units that have a contact (phone, e-mail) or a group robot; null when no
    /// directory was consulted (a dry run without a database), and nothing is said about reachability.
    /// </summary>
    public static ImportPreview Of(AssembledPlan plan, DateOnly today, WorkingCalendar calendar, SupervisionOptions options, IReadOnlySet<string>? reachable)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(options);
        var overdue = 0;
        var dueSoon = 0;
        DateOnly? earliest = null;
        var levels = new int[4];
        var noHistory = new ReminderHistory(null, null);

        // The scan owes reminders on working days: on the next one if today is not.
        var scanDay = calendar.NextWorkingDayOnOrAfter(today);
        foreach (var task in plan.Tasks)
        {
            foreach (var milestone in task.Milestones)
            {
                var standing = MilestoneClassifier.Classify(milestone.Due, done: false, today, calendar, options.DueSoonWorkingDays);
                if (standing.State == MilestoneState.Overdue)
                {
                    overdue++;
                    earliest = earliest is { } e && e <= milestone.Due ? e : milestone.Due;
                }
                else if (standing.State is MilestoneState.DueSoon or MilestoneState.DueToday)
                {
                    dueSoon++;
                }

                var onScanDay = MilestoneClassifier.Classify(milestone.Due, done: false, scanDay, calendar, options.DueSoonWorkingDays);
                foreach (var level in ReminderPolicy.Owed(onScanDay, acknowledged: false, noHistory, scanDay, calendar, options))
                {
                    levels[level]++;
                }
            }
        }

        var unreachable = reachable is null
            ? []
            : plan.Units.Select(u => u.Name).Where(name => !reachable.Contains(name)).Order(StringComparer.Ordinal).ToList();
        return new ImportPreview(overdue, earliest, dueSoon, levels[1], levels[2], levels[3], unreachable);
    }

    /// <summary>The preview as warnings in the office's words (line 0: about the whole plan).</summary>
    public IEnumerable<ParseWarning> Warnings()
    {
        if (Overdue > 0)
        {
            yield return new ParseWarning(0, string.Create(CultureInfo.InvariantCulture,
                $"导入时已有{Overdue}个时间节点逾期（最早 {EarliestOverdue:yyyy-MM-dd}）：催办从今天开始，逾期天数仍从原定日期算起，下次扫描将一次记录{Level2}条催办、{Level3}条督办（督办同时发给责任领导）。如这些节点已完成，请导入后办结，或核对年度是否正确"));
        }

        if (Level1 > 0)
        {
            yield return new ParseWarning(0, string.Create(CultureInfo.InvariantCulture,
                $"{DueSoon}个时间节点即将到期，下次扫描将记录{Level1}条提醒"));
        }

        if (UnreachableUnits.Count > 0)
        {
            var names = string.Join("、", UnreachableUnits.Take(20)) + (UnreachableUnits.Count > 20 ? "等" : "");
            yield return new ParseWarning(0, string.Create(CultureInfo.InvariantCulture,
                $"{UnreachableUnits.Count}个单位在通讯录中没有联系人手机、邮箱或工作群机器人，提醒和催办无法送达：{names}。请先导入单位通讯录"));
        }
    }
}
