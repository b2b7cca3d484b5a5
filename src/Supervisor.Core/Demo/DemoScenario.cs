using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;

namespace Supervisor.Core.Demo;

/// <summary>A milestone of the demo plan as the scenario reads it.</summary>
/// <param name="Leads">The task's lead units (the first one acts); none for a task only a collective reference answers for.</param>
/// <param name="Untouched">Nobody has acted on it (no report, 办结, application, 签收, 延期 or audit row): the scenario may.</param>
public sealed record DemoMilestone(
    long Id, long TaskId, int TaskPosition, string Kind, string Title, DateOnly Due, DateOnly? TaskDeadline,
    IReadOnlyList<long> Leads, IReadOnlyList<long> CoUnits, bool Untouched);

/// <summary>One thing a unit or the office does in the demo, at a time in the past; the recorder replays them through the stores.</summary>
public abstract record DemoStep(long MilestoneId, DateTimeOffset At);

/// <summary>签收: the unit signs for the milestone.</summary>
public sealed record DemoSign(long MilestoneId, long UnitId, DateTimeOffset At) : DemoStep(MilestoneId, At);

/// <summary>报送进展 with a percentage (on a 进展报送 milestone it fulfils it).</summary>
public sealed record DemoReport(long MilestoneId, long UnitId, int Percent, string Note, DateTimeOffset At) : DemoStep(MilestoneId, At);

/// <summary>The lead unit's 办结 (an application while the office reviews completions), the photo attached when asked.</summary>
public sealed record DemoFinish(long MilestoneId, long UnitId, string Note, bool WithPhoto, DateTimeOffset At) : DemoStep(MilestoneId, At);

/// <summary>The office approves (销号) the milestone's pending application.</summary>
public sealed record DemoApprove(long MilestoneId, DateTimeOffset At) : DemoStep(MilestoneId, At);

/// <summary>The office returns (退回) the milestone's pending application with a reason.</summary>
public sealed record DemoReturn(long MilestoneId, string Reason, DateTimeOffset At) : DemoStep(MilestoneId, At);

/// <summary>
/// The sample activity a newcomer's demo shows, decided from the plan and today only (no I/O, no clock): units sign for
/// their tasks early in the year; past-due milestones are mostly done on time, some late, a few left overdue; quarterly
/// reports carry percentages near 序时进度; one completion waits in the 待审核 queue with a photo and one was returned
/// (退回) with a reason. Each lead unit keeps one habit (prompt, steady, behind), so the lights and the ranking differ.
/// Every step is before <c>now</c>; only untouched milestones are used.
/// </summary>
public static class DemoScenario
{
    public const string ReturnReason = "佐证材料不全：请补充验收或核查结论等证明材料后重新申请办结。";

    private static readonly string[] BuildingWords = ["建成", "施工", "完工", "竣工", "通车", "改造", "建设"];

    private enum Habit
    {
        Prompt,
        Steady,
        Behind,
    }

    // By lead unit in id order (import order): a mix of lights, not one colour.
    private static readonly Habit[] Habits = [Habit.Prompt, Habit.Steady, Habit.Behind, Habit.Steady];

    /// <param name="hasPending">The plan already has a demo application waiting (a run that stopped half-way): do not add another.</param>
    /// <param name="hasReturned">The plan already has a returned demo application.</param>
    public static IReadOnlyList<DemoStep> Plan(
        IReadOnlyList<DemoMilestone> milestones, int planYear, DateTimeOffset now, TimeZoneInfo zone, WorkingCalendar calendar, bool hasPending = false, bool hasReturned = false)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(calendar);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var yearStart = new DateOnly(planYear, 1, 1);
        DateTimeOffset At(DateOnly date, int hour, int minute)
        {
            var local = date.ToDateTime(new TimeOnly(hour, minute));
            var instant = new DateTimeOffset(local, zone.GetUtcOffset(local));

            // Never in the future: a step "today" is placed just before now.
            return instant < now ? instant : now.AddMinutes(-5);
        }

        var candidates = milestones.Where(m => m.Untouched && m.Leads.Count > 0).OrderBy(m => m.Due).ThenBy(m => m.TaskPosition).ThenBy(m => m.Id).ToList();
        var habits = milestones.SelectMany(m => m.Leads).Distinct().Order().Select((unit, i) => (unit, Habits[i % Habits.Length])).ToDictionary(x => x.unit, x => x.Item2);

        // The 待审核 item: a completion milestone not yet due (applied early, so nothing about it is late), building work
        // first (the photo shows a building site), else the latest one already due; the 退回 item: the most recent
        // completion milestone already due (overdue again once returned).
        var completions = candidates.Where(m => m.Kind == "completion").ToList();
        var pending = hasPending ? null
            : completions.Where(m => m.Due >= today).OrderBy(m => BuildingWords.Any(m.Title.Contains) ? 0 : 1).ThenBy(m => m.Due).ThenBy(m => m.TaskPosition).FirstOrDefault()
              ?? completions.OrderByDescending(m => m.Due).ThenBy(m => m.TaskPosition).FirstOrDefault();
        var returned = hasReturned ? null
            : completions.Where(m => m != pending).OrderBy(m => m.Due < today ? 0 : 1).ThenBy(m => Math.Abs(m.Due.DayNumber - today.DayNumber)).ThenBy(m => m.TaskPosition)
                .FirstOrDefault();

        var steps = new List<DemoStep>();
        var pastIndex = new Dictionary<long, int>();
        var reportedAhead = new HashSet<long>();

        // Tasks whose final completion milestone is done: later reports say 100%.
        var finished = new HashSet<long>();
        foreach (var m in candidates)
        {
            var unit = m.Leads[0];
            var habit = habits[unit];
            var spread = Spread(m);
            if (m == pending)
            {
                var applied = calendar.PreviousWorkingDayOnOrBefore(m.Due < today ? m.Due : today.AddDays(-1));
                steps.Add(new DemoFinish(m.Id, unit, "已全部完成，现场已验收，附施工现场照片。", WithPhoto: true, At(applied, 15, 30)));
                continue;
            }

            if (m == returned)
            {
                var applied = calendar.PreviousWorkingDayOnOrBefore(Min(m.Due.AddDays(-2), today.AddDays(-3)));
                var decided = At(calendar.AddWorkingDays(applied, 2), 10, 20);
                steps.Add(new DemoFinish(m.Id, unit, "已完成，申请办结。", WithPhoto: false, At(applied, 16, 0)));
                steps.Add(new DemoReturn(m.Id, ReturnReason, decided));
                continue;
            }

            if (m.Due >= today)
            {
                // Not due yet: a report on the task's next completion milestone from the lead unit and its co units, so
                // 序时进度 has a figure beside it on every unit's page. (A report on a 进展报送 milestone would fulfil it early.)
                if (m.Kind == "completion" && reportedAhead.Add(m.TaskId))
                {
                    foreach (var (reporter, i) in m.CoUnits.Prepend(unit).Select((u, i) => (u, i)))
                    {
                        var day = calendar.PreviousWorkingDayOnOrBefore(today.AddDays(-1 - ((spread + (3 * i)) % 8)));
                        if (day >= yearStart)
                        {
                            steps.Add(Report(m, reporter, i == 0 ? habit : Habit.Steady, day, At(day, 9 + i, 40), planYear, finished.Contains(m.TaskId), co: i > 0));
                        }
                    }
                }

                continue;
            }

            var k = pastIndex[unit] = pastIndex.GetValueOrDefault(unit, -1) + 1;
            var outcome = habit switch
            {
                Habit.Prompt => Outcome.OnTime,
                Habit.Steady => k % 3 == 2 ? Outcome.Late : Outcome.OnTime,
                _ => (k % 3) switch { 0 => Outcome.OnTime, 1 => Outcome.Late, _ => Outcome.Open },
            };
            var done = outcome switch
            {
                Outcome.OnTime => calendar.PreviousWorkingDayOnOrBefore(Max(m.Due.AddDays(-(spread % 4)), yearStart)),
                Outcome.Late => calendar.NextWorkingDayOnOrAfter(m.Due.AddDays(4 + (spread % 9))),
                _ => m.Due,
            };
            if (outcome == Outcome.Late && done >= today)
            {
                // Too recent to be late yet: done on time instead.
                done = calendar.PreviousWorkingDayOnOrBefore(m.Due);
            }

            if (outcome == Outcome.Open)
            {
                // Left overdue: a completion milestone still shows the last figure reported before it slipped.
                var before = calendar.PreviousWorkingDayOnOrBefore(Max(m.Due.AddDays(-10), yearStart));
                if (m.Kind == "completion")
                {
                    steps.Add(Report(m, unit, habit, before, At(before, 11, 10), planYear, finished.Contains(m.TaskId), co: false));
                }

                continue;
            }

            var at = At(done, 10 + (spread % 6), 15 * (spread % 4));
            if (m.Kind == "report")
            {
                steps.Add(Report(m, unit, habit, done, at, planYear, finished.Contains(m.TaskId), co: false));
                continue;
            }

            steps.Add(new DemoFinish(m.Id, unit, $"“{m.Title}”已完成，相关材料已归档。", WithPhoto: false, at));
            var approved = At(calendar.AddWorkingDays(done, 1 + (spread % 3)), 9 + (spread % 3), 10 * (spread % 6));
            steps.Add(new DemoApprove(m.Id, approved > at ? approved : at.AddMinutes(1)));
            if (m.TaskDeadline is { } deadline && m.Due >= deadline)
            {
                finished.Add(m.TaskId);
            }
        }

        steps.InsertRange(0, Signatures(milestones, candidates, steps, yearStart, calendar, At));
        return [.. steps.OrderBy(s => s.At).ThenBy(s => s is DemoSign ? 0 : 1)];
    }

    private enum Outcome
    {
        OnTime,
        Late,
        Open,
    }

    /// <summary>
    /// 签收: each unit of a task signs for its untouched milestones in the year's first working days (before its first step
    /// on them), except about one co unit in four, which leaves its task unsigned (the office sees 未签收).
    /// A unit that already signed for a task (any of its milestones) is left alone.
    /// </summary>
    private static IEnumerable<DemoSign> Signatures(
        IReadOnlyList<DemoMilestone> all, IReadOnlyList<DemoMilestone> candidates, IReadOnlyList<DemoStep> steps, DateOnly yearStart,
        WorkingCalendar calendar, Func<DateOnly, int, int, DateTimeOffset> at)
    {
        var firstStep = steps.GroupBy(s => s.MilestoneId).ToDictionary(g => g.Key, g => g.Min(s => s.At));
        foreach (var task in candidates.GroupBy(m => m.TaskId))
        {
            if (all.Any(m => m.TaskId == task.Key && !m.Untouched))
            {
                // Someone has acted on this task already: whether its units signed is theirs to say.
                continue;
            }

            var first = task.First();
            var earliest = task.Select(m => firstStep.GetValueOrDefault(m.Id, DateTimeOffset.MaxValue)).Min();
            foreach (var (unit, lead) in first.Leads.Select(u => (u, true)).Concat(first.CoUnits.Select(u => (u, false))).DistinctBy(x => x.u))
            {
                if (!lead && (first.TaskPosition + unit) % 4 == 0)
                {
                    // Some co units never signed: the office sees 未签收.
                    continue;
                }

                var day = calendar.NextWorkingDayOnOrAfter(yearStart.AddDays(2 + (int)(unit % 4)));
                var when = at(day, 9, (int)(unit % 4) * 10);
                if (earliest <= when)
                {
                    when = earliest.AddHours(-1);
                }

                foreach (var m in task)
                {
                    yield return new DemoSign(m.Id, unit, when);
                }
            }
        }
    }

    /// <summary>
    /// A report at <paramref name="day"/>: near 序时进度 (ahead for a prompt unit, behind for one that is behind), in fives;
    /// 100% once the task's work is done (or its deadline passed, for a unit that is not behind); a co unit speaks of its own part.
    /// </summary>
    private static DemoReport Report(DemoMilestone m, long unit, Habit habit, DateOnly day, DateTimeOffset at, int planYear, bool taskDone, bool co)
    {
        if (taskDone || (habit != Habit.Behind && m.TaskDeadline is { } deadline && day >= deadline))
        {
            return new DemoReport(m.Id, unit, 100, "任务已完成，持续巩固成效，按季度报送进展。", at);
        }

        var expected = ScheduleProgress.ExpectedPercent(planYear, m.TaskDeadline ?? new DateOnly(planYear, 12, 31), day) ?? 50;
        var delta = habit switch { Habit.Prompt => 8, Habit.Steady => 2, _ => -25 };
        var percent = Math.Clamp((int)Math.Round((expected + delta) / 5) * 5, 5, 95);
        var note = (co, habit, Spread(m) % 3) switch
        {
            (true, _, _) => string.Create(CultureInfo.InvariantCulture, $"配合牵头单位推进，本单位负责部分完成约{percent}%。"),
            (_, Habit.Behind, _) => string.Create(CultureInfo.InvariantCulture, $"受资金和审批进度影响，完成约{percent}%，正在协调推进。"),
            (_, _, 0) => string.Create(CultureInfo.InvariantCulture, $"按计划推进，累计完成约{percent}%。"),
            (_, _, 1) => string.Create(CultureInfo.InvariantCulture, $"已召开推进会，完成约{percent}%，下一步加快进度。"),
            _ => string.Create(CultureInfo.InvariantCulture, $"阶段目标基本完成（约{percent}%），相关台账已更新。"),
        };
        return new DemoReport(m.Id, unit, percent, note, at);
    }

    // A stable small number per milestone (not its id, which differs between databases): varies days and times.
    private static int Spread(DemoMilestone m) => Math.Abs((m.TaskPosition * 7) + (m.Due.DayNumber % 11));

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
