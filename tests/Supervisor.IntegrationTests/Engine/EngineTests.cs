using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Engine;

public sealed class EngineTests : MigratedDatabaseTest
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ScanTwiceInARow_SecondAddsNoReminders()
    {
        await RandomPlan.WriteAsync(Db.DataSource, seed: 7, tasks: 60, new DateOnly(2023, 5, 1), new DateOnly(2023, 8, 31), At("2023-06-26T09:00:00"));
        var env = SupervisorProcess.Env(Db);

        var first = await SupervisorProcess.RunAsync(["scan", "--as-of", "2023-06-26T09:00+08:00", "--json"], env);
        var second = await SupervisorProcess.RunAsync(["scan", "--as-of", "2023-06-26T09:00+08:00", "--json"], env);

        Assert.Equal(0, first.ExitCode);
        using var a = JsonDocument.Parse(first.StdOut);
        using var b = JsonDocument.Parse(second.StdOut);
        Assert.True(a.RootElement.GetProperty("remindersOwed").GetInt32() > 0);
        Assert.Equal(0, b.RootElement.GetProperty("remindersOwed").GetInt32());
        Assert.Equal(a.RootElement.GetProperty("counts").ToString(), b.RootElement.GetProperty("counts").ToString());
    }

    [Fact]
    public async Task ScanEveryDayForTwoMonths_RecordsExactlyWhatTheReminderPolicySays()
    {
        var (milestones, _, _) = await RandomPlan.WriteAsync(Db.DataSource, seed: 11, tasks: 80, new DateOnly(2023, 9, 1), new DateOnly(2023, 11, 15), At("2099-01-01T00:00:00"));
        var engine = Services.GetRequiredService<SupervisionEngine>();
        var calendar = await Services.GetRequiredService<CalendarStore>().LoadAsync(CancellationToken.None);
        var options = new SupervisionOptions();
        var expected = new HashSet<(long, int, DateOnly)>();
        var history = milestones.ToDictionary(m => m.Id, _ => new ReminderHistory(null, null));

        // The walk crosses the National Day week (2023-09-29..10-06) and its make-up Saturday 2023-10-07.
        for (var day = new DateOnly(2023, 9, 1); day <= new DateOnly(2023, 11, 30); day = day.AddDays(1))
        {
            var scan = await engine.ScanAsync(new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)), CancellationToken.None);
            var states = new Dictionary<MilestoneState, int>();
            foreach (var m in milestones)
            {
                var done = m.CompletedAt is { } c && c <= new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
                var standing = MilestoneClassifier.Classify(m.Due, done, day, calendar, options.DueSoonWorkingDays);
                states[standing.State] = states.GetValueOrDefault(standing.State) + 1;
                foreach (var level in ReminderPolicy.Owed(standing, acknowledged: false, history[m.Id], day, calendar, options))
                {
                    expected.Add((m.Id, level, day));
                    history[m.Id] = level switch
                    {
                        2 => history[m.Id] with { LastLevel2 = day },
                        3 => history[m.Id] with { LastLevel3 = day },
                        _ => history[m.Id],
                    };
                }
            }

            // The scan's counts are Core's classification of the same milestones, state by state.
            var expectedCounts = new ScanCounts(
                states.GetValueOrDefault(MilestoneState.Upcoming), states.GetValueOrDefault(MilestoneState.DueSoon),
                states.GetValueOrDefault(MilestoneState.DueToday), states.GetValueOrDefault(MilestoneState.Overdue),
                states.GetValueOrDefault(MilestoneState.Done));
            Assert.True(expectedCounts == scan.Counts, $"{day}: scan counted {scan.Counts}, Core classifies {expectedCounts}");
        }

        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var actual = (await connection.QueryAsync<(long Id, short Level, DateTime Day)>("select milestone_id, level, local_date from reminders"))
            .Select(r => (r.Id, (int)r.Level, DateOnly.FromDateTime(r.Day))).ToHashSet();
        Assert.NotEmpty(expected);
        var missing = expected.Except(actual).OrderBy(r => r.Item3).FirstOrDefault();
        if (missing != default)
        {
            var m = milestones.Single(x => x.Id == missing.Item1);
            Assert.Fail($"missing {missing}: due {m.Due} completed {m.CompletedAt}; actual for it: {string.Join(", ", actual.Where(a => a.Item1 == m.Id).OrderBy(a => a.Item3))}");
        }

        Assert.Empty(actual.Except(expected));
        Assert.DoesNotContain(actual, r => !calendar.IsWorkingDay(r.Item3));
        Assert.Contains(actual, r => r.Item3 == new DateOnly(2023, 10, 7));
    }

    [Fact]
    public async Task PausedTaskAndTasksLedOnlyByAPausedUnit_OweNothing_UntilResumed()
    {
        var scanDay = new DateOnly(2023, 11, 20);
        var (milestones, roles, units) = await RandomPlan.WriteAsync(Db.DataSource, seed: 23, tasks: 60, new DateOnly(2023, 10, 9), new DateOnly(2023, 11, 30), At("2099-01-01T00:00:00"));
        var engine = Services.GetRequiredService<SupervisionEngine>();
        var calendar = await Services.GetRequiredService<CalendarStore>().LoadAsync(CancellationToken.None);
        var options = new SupervisionOptions();
        var at = new DateTimeOffset(scanDay.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        var owedByPolicy = milestones
            .SelectMany(m => ReminderPolicy.Owed(
                    MilestoneClassifier.Classify(m.Due, m.CompletedAt is { } c && c <= at, scanDay, calendar, options.DueSoonWorkingDays),
                    acknowledged: false, new ReminderHistory(null, null), scanDay, calendar, options)
                .Select(level => (m.Id, level)))
            .ToHashSet();
        var taskOf = milestones.ToDictionary(m => m.Id, m => m.TaskId);
        var leads = roles.Where(r => r.Role == "lead").ToLookup(r => r.TaskId, r => r.UnitId);

        // Pause the task owing the most, and the unit leading the most tasks alone (it also leads others with a partner).
        var pausedTask = owedByPolicy.GroupBy(o => taskOf[o.Id]).MaxBy(g => g.Count())!.Key;
        var pausedUnit = units.Keys.MaxBy(u => leads.Count(l => l.Contains(u) && l.Count() == 1))!;
        await using (var connection = await Db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update tasks set paused_at = now(), paused_by = 'test' where id = @pausedTask", new { pausedTask });
            await connection.ExecuteAsync("update units set paused_at = now(), paused_by = 'test' where id = @pausedUnit", new { pausedUnit });
        }

        bool Silenced(long taskId) => taskId == pausedTask || (leads[taskId].Any() && leads[taskId].All(u => u == pausedUnit));
        var expectedWhilePaused = owedByPolicy.Where(o => !Silenced(taskOf[o.Id])).ToHashSet();
        Assert.Contains(owedByPolicy, o => taskOf[o.Id] != pausedTask && Silenced(taskOf[o.Id]));
        Assert.Contains(expectedWhilePaused, o => leads[taskOf[o.Id]].Contains(pausedUnit));

        await engine.ScanAsync(at, CancellationToken.None);
        Assert.Equal(expectedWhilePaused.Order(), (await RemindersAsync()).Order());

        // Resumed: the same day's next scan owes what was held back, and nothing twice.
        await using (var connection = await Db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update tasks set paused_at = null, paused_by = null; update units set paused_at = null, paused_by = null");
        }

        await engine.ScanAsync(at.AddMinutes(15), CancellationToken.None);
        Assert.Equal(owedByPolicy.Order(), (await RemindersAsync()).Order());

        async Task<List<(long, int)>> RemindersAsync()
        {
            await using var connection = await Db.DataSource.OpenConnectionAsync();
            return [.. (await connection.QueryAsync<(long Id, short Level)>("select milestone_id, level from reminders")).Select(r => (r.Id, (int)r.Level))];
        }
    }

    [Theory]
    [InlineData("2023-06-21")] // the day before the Dragon Boat holiday (06-22..24)
    [InlineData("2023-06-25")] // its make-up Sunday
    [InlineData("2023-07-10")]
    public async Task TaskLights_AreWhatCoreSaysOfEachTasksOpenMilestones(string date)
    {
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var (milestones, _, _) = await RandomPlan.WriteAsync(Db.DataSource, seed: 31, tasks: 80, new DateOnly(2023, 6, 1), new DateOnly(2023, 7, 31), At("2023-07-05T12:00:00"));
        var calendar = await Services.GetRequiredService<CalendarStore>().LoadAsync(CancellationToken.None);
        var options = new SupervisionOptions();
        var endOfDay = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        var expected = milestones.GroupBy(m => m.TaskId).ToDictionary(g => g.Key, g =>
        {
            var states = g.Select(m => MilestoneClassifier.Classify(m.Due, m.CompletedAt is { } c && c < endOfDay, day, calendar, options.DueSoonWorkingDays).State).ToList();
            return states.Contains(MilestoneState.Overdue) ? Light.Red
                : states.Contains(MilestoneState.DueToday) || states.Contains(MilestoneState.DueSoon) ? Light.Yellow
                : Light.Green;
        });

        var lights = await Services.GetRequiredService<SupervisionEngine>().TaskLightsAsync(day, null, CancellationToken.None);

        Assert.Equal(expected.Count, lights.Count);
        Assert.All(lights, l => Assert.True(expected[l.TaskId] == l.Light, $"task {l.Code} on {day}: {l.Light}, Core says {expected[l.TaskId]}"));
        Assert.Contains(lights, l => l.Light == Light.Red);
        Assert.Contains(lights, l => l.Light == Light.Yellow);
        Assert.Contains(lights, l => l.Light == Light.Green);
    }

    [Fact]
    public async Task RatesJson_EqualsANaivePerUnitLoopOverTheSameRows()
    {
        var asOf = new DateOnly(2023, 7, 14);
        var (milestones, roles, units) = await RandomPlan.WriteAsync(Db.DataSource, seed: 3, tasks: 150, new DateOnly(2023, 3, 1), new DateOnly(2023, 9, 30), At("2023-08-31T00:00:00"));
        var calendar = await Services.GetRequiredService<CalendarStore>().LoadAsync(CancellationToken.None);
        var options = new SupervisionOptions();

        var result = await SupervisorProcess.RunAsync(["rates", "--as-of", "2023-07-14", "--json"], SupervisorProcess.Env(Db));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StdOut);
        var actual = json.RootElement.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("unit").GetString()!);
        Assert.Equal(units.Count, actual.Count);
        var endOfDay = new DateTimeOffset(asOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        foreach (var (unitId, name) in units)
        {
            (int Due, int OnTime, int Late, int Open, int Worst) Count(string role)
            {
                int due = 0, onTime = 0, late = 0, open = 0, worst = 0;
                foreach (var m in milestones.Where(m => roles.Any(r => r.TaskId == m.TaskId && r.UnitId == unitId && r.Role == role)))
                {
                    if (m.Due > asOf)
                    {
                        continue;
                    }

                    due++;
                    if (m.CompletedAt is { } c && c < endOfDay)
                    {
                        if (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c, Shanghai).DateTime) <= m.Due)
                        {
                            onTime++;
                        }
                        else
                        {
                            late++;
                        }
                    }
                    else
                    {
                        open++;
                        if (m.Due < asOf)
                        {
                            worst = Math.Max(worst, calendar.WorkingDaysBetween(m.Due, asOf));
                        }
                    }
                }

                return (due, onTime, late, open, worst);
            }

            var lead = Count("lead");
            var co = Count("co");
            var unit = actual[name];
            Assert.Equal(lead.Due, unit.GetProperty("due").GetInt32());
            Assert.Equal(lead.OnTime, unit.GetProperty("onTime").GetInt32());
            Assert.Equal(lead.Late, unit.GetProperty("late").GetInt32());
            Assert.Equal(lead.Open, unit.GetProperty("overdueOpen").GetInt32());
            Assert.Equal(lead.Worst, unit.GetProperty("worstOverdueWorkingDays").GetInt32());
            if (lead.Due == 0)
            {
                Assert.Equal(JsonValueKind.Null, unit.GetProperty("onTimeRate").ValueKind);
                Assert.Equal(JsonValueKind.Null, unit.GetProperty("completionRate").ValueKind);
            }
            else
            {
                Assert.Equal(Math.Round((double)lead.OnTime / lead.Due, 4), unit.GetProperty("onTimeRate").GetDouble(), 4);
                Assert.Equal(Math.Round((double)(lead.OnTime + lead.Late) / lead.Due, 4), unit.GetProperty("completionRate").GetDouble(), 4);
            }

            Assert.Equal(co.Due, unit.GetProperty("co").GetProperty("due").GetInt32());
            Assert.Equal(co.OnTime, unit.GetProperty("co").GetProperty("onTime").GetInt32());
            Assert.Equal(co.Late, unit.GetProperty("co").GetProperty("late").GetInt32());
            Assert.Equal(co.Open, unit.GetProperty("co").GetProperty("overdueOpen").GetInt32());
        }

        var ranks = json.RootElement.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("rank").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, units.Count), ranks);
        _ = options;
    }

    [Theory]
    [InlineData("2023-06-30T23:59:59", "dueToday")]
    [InlineData("2023-07-01T00:00:01", "overdue")]
    public async Task Scan_AroundMidnight_SwitchesFromDueTodayToOverdue(string local, string expected)
    {
        await using (var connection = await Db.DataSource.OpenConnectionAsync())
        {
            var now = At("2023-01-01T00:00:00").ToUniversalTime();
            var plan = await connection.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (2023, 'p', @now, @now) returning id", new { now });
            var task = await connection.ExecuteScalarAsync<long>("insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, '1', 't', 't', 1, @now, @now) returning id", new { plan, now });
            await connection.ExecuteAsync("insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, 'completion', 'completion', '完成', '2023-06-30', '2023-06-30', @now, @now)", new { task, now });
        }

        var result = await SupervisorProcess.RunAsync(["scan", "--as-of", local + "+08:00", "--json"], SupervisorProcess.Env(Db));

        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal(1, json.RootElement.GetProperty("counts").GetProperty(expected).GetInt32());
    }
}
