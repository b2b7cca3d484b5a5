using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Review;

/// <summary>
/// 办结 review against a real database: applications, 销号 as of the application, 退回 with a reason the unit's next
/// digest names, the scan and the rates. Dates in June–July 2023 (Asia/Shanghai); 2023-06-30 is a Friday.
/// </summary>
public sealed class CompletionReviewTests : MigratedDatabaseTest
{
    private static readonly DateOnly Due = new(2023, 6, 30);

    private long _lead;
    private long _co;
    private long _milestone;
    private long _other;

    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    private ProgressStore Progress => Services.GetRequiredService<ProgressStore>();

    private ReviewStore Reviews => Services.GetRequiredService<ReviewStore>();

    private SupervisionEngine Engine => Services.GetRequiredService<SupervisionEngine>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_lead, _co, _milestone, _other) = await WriteAsync(Db.DataSource);
    }

    /// <summary>A lead unit with a liaison, a co unit, and two tasks each with a completion milestone due <see cref="Due"/>.</summary>
    internal static async Task<(long Lead, long Co, long Milestone, long Other)> WriteAsync(Npgsql.NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        var now = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var plan = await c.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (2023, '2023年重点工作', @now, @now) returning id", new { now });
        var lead = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values ('区发改局', @now) returning id", new { now });
        var co = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values ('区财政局', @now) returning id", new { now });
        await c.ExecuteAsync(
            "insert into contacts (unit_id, role, name, phone, email, updated_at) values (@lead, 'liaison', '张联络', '13800000101', 'zhang@fgj.gov.cn', @now)", new { lead, now });
        async Task<long> Milestone(string code, string title, string kind, string key, DateOnly due)
        {
            var task = await c.ExecuteScalarAsync<long>(
                "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, @code, @title, @title, @position, @now, @now) returning id",
                new { plan, code, title, position = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), now });
            await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@task, @lead, 'lead'), (@task, @co, 'co')", new { task, lead, co });
            return await c.ExecuteScalarAsync<long>(
                "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, @key, @kind, @title, @due, @due, @now, @now) returning id",
                new { task, key, kind, title, due, now });
        }

        var milestone = await Milestone("1", "建成城区污水管网", "completion", "completion", Due);
        var other = await Milestone("2", "完成老旧小区改造", "completion", "completion", Due);
        return (lead, co, milestone, other);
    }

    private async Task<T> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    private async Task<int> RemindersAsync(long milestone, DateOnly day) =>
        await QueryAsync<int>("select count(*)::int from reminders where milestone_id = @milestone and local_date = @day", new { milestone, day });

    private async Task<RoleCounts> LeadRatesAsync(DateOnly asOf) =>
        (await Engine.RatesAsync(asOf, CancellationToken.None)).Single(r => r.UnitId == _lead).Lead;

    [Fact]
    public async Task ApplicationMadeOnTime_ApprovedLate_CountsOnTimeInTheRates()
    {
        var finished = await Progress.FinishAsync(_milestone, _lead, "管网全线贯通", null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        Assert.True(finished.PendingReview);

        // Pending over the due date: not done, so the rates count it overdue and open.
        var pending = await LeadRatesAsync(new DateOnly(2023, 7, 4));
        Assert.Equal((2, 0, 0, 2), (pending.Due, pending.OnTime, pending.Late, pending.OverdueOpen));

        Assert.True(await Reviews.ApproveAsync(finished.ApplicationId!.Value, "督查室王科", At("2023-07-05T16:00:00"), CancellationToken.None));
        var approved = await LeadRatesAsync(new DateOnly(2023, 7, 5));
        Assert.Equal((2, 1, 0, 1), (approved.Due, approved.OnTime, approved.Late, approved.OverdueOpen));
        Assert.Equal(At("2023-06-29T10:00:00"), new DateTimeOffset(DateTime.SpecifyKind(
            await QueryAsync<DateTime>("select completed_at from milestones where id = @_milestone", new { _milestone }), DateTimeKind.Utc)));

        var audit = await QueryAsync<(string Actor, DateTime At, string Details)>(
            "select actor, at, details::text from audit_log where action = 'completion.approve' and target = @target", new { target = $"milestone:{_milestone}" });
        Assert.Equal("督查室王科", audit.Actor);
        Assert.Equal(At("2023-07-05T16:00:00").UtcDateTime, audit.At);
        Assert.True(JsonDocument.Parse(audit.Details).RootElement.GetProperty("onTime").GetBoolean());
        Assert.Equal($"link:unit:{_lead}", await QueryAsync<string>("select actor from audit_log where action = 'completion.apply'"));
    }

    [Fact]
    public async Task PendingApplication_IsNotChased_WhileAnOverdueMilestoneWithoutOneIs()
    {
        await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        var monday = new DateOnly(2023, 7, 3);
        await Engine.ScanAsync(At("2023-07-03T09:00:00"), CancellationToken.None);

        Assert.Equal(0, await RemindersAsync(_milestone, monday));
        Assert.Equal(1, await RemindersAsync(_other, monday));
        var info = (await Services.GetRequiredService<MilestoneQueries>().MilestoneAsync(_milestone, CancellationToken.None))!;
        Assert.Equal(("open", "pending"), (info.Status, info.ReviewState));
    }

    [Fact]
    public async Task Returned_IsOverdueAgain_ChasedAgain_AndTheUnitsNextMessageNamesTheReason()
    {
        var finished = await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        Assert.True(await Reviews.ReturnAsync(finished.ApplicationId!.Value, "缺少竣工验收报告，请补充后重新申请", "督查室王科", At("2023-07-03T15:00:00"), CancellationToken.None));

        var tuesday = new DateOnly(2023, 7, 4);
        await Engine.ScanAsync(At("2023-07-04T09:00:00"), CancellationToken.None);
        Assert.Equal(1, await RemindersAsync(_milestone, tuesday));
        Assert.Equal(2, (await LeadRatesAsync(tuesday)).OverdueOpen);
        var info = (await Services.GetRequiredService<MilestoneQueries>().MilestoneAsync(_milestone, CancellationToken.None))!;
        Assert.Equal(("open", "returned", "缺少竣工验收报告，请补充后重新申请"), (info.Status, info.ReviewState, info.ReturnReason));

        await Services.GetRequiredService<ReminderComposer>().ComposeAsync(At("2023-07-04T10:00:00"), ReminderComposer.AllLevels, CancellationToken.None);
        var mail = await QueryAsync<(string Text, string Html)>(
            "select body_text, body_html from messages where channel = 'email' and recipient_address = 'zhang@fgj.gov.cn' and local_date = @tuesday", new { tuesday });
        Assert.Contains("退回理由：缺少竣工验收报告，请补充后重新申请", mail.Text, StringComparison.Ordinal);
        Assert.Contains("1 建成城区污水管网：建成城区污水管网（完成时限 2023-06-30，2023年7月3日退回）", mail.Text, StringComparison.Ordinal);
        Assert.Contains("缺少竣工验收报告，请补充后重新申请", mail.Html, StringComparison.Ordinal);

        var audit = await QueryAsync<(string Actor, string Details)>("select actor, details::text from audit_log where action = 'completion.return'");
        Assert.Equal("督查室王科", audit.Actor);
        Assert.Equal("缺少竣工验收报告，请补充后重新申请", JsonDocument.Parse(audit.Details).RootElement.GetProperty("reason").GetString());

        // Applying again is allowed once returned; the returned line then leaves the unit's messages.
        await Progress.FinishAsync(_milestone, _lead, "已补充验收报告", null, "link", $"link:unit:{_lead}", At("2023-07-04T11:00:00"), CancellationToken.None);
        Assert.Empty(await Reviews.ReturnedAsync([_lead], CancellationToken.None));
    }

    [Fact]
    public async Task ReturnWithoutReason_IsRefusedInChinese_AndNothingChanges()
    {
        var finished = await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<BadInputException>(() => Reviews.ReturnAsync(finished.ApplicationId!.Value, "  ", "督查室王科", At("2023-07-03T15:00:00"), CancellationToken.None));
        Assert.Contains("请填写退回理由", refused.Chinese, StringComparison.Ordinal);
        var tooLong = await Assert.ThrowsAsync<BadInputException>(
            () => Reviews.ReturnAsync(finished.ApplicationId!.Value, new string('理', InputLimits.DecisionNote + 1), "督查室王科", At("2023-07-03T15:00:00"), CancellationToken.None));
        Assert.Contains("退回理由不能超过", tooLong.Chinese, StringComparison.Ordinal);

        Assert.Equal("pending", await QueryAsync<string>("select state from completion_applications"));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from audit_log where action like 'completion.return%'"));
    }

    [Fact]
    public async Task SecondApplicationWhileOneWaits_IsRefused_DirectCompletionWaitsForTheReview_AndACoUnitCannotApply()
    {
        await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        var again = await Assert.ThrowsAsync<BadInputException>(
            () => Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T11:00:00"), CancellationToken.None));
        Assert.Contains("等待督查室审核", again.Chinese, StringComparison.Ordinal);
        var direct = await Assert.ThrowsAsync<BadInputException>(
            () => Progress.CompleteAsync(_milestone, At("2023-06-29T12:00:00"), Engine.Zone, "cli", "admin", CancellationToken.None));
        Assert.Contains("待审核", direct.Chinese, StringComparison.Ordinal);
        var co = await Assert.ThrowsAsync<BadInputException>(
            () => Progress.ApplyAsync(_other, _co, null, null, "console", "督查室王科", At("2023-06-29T12:00:00"), CancellationToken.None, "区财政局"));
        Assert.Contains("只有牵头单位可以申请办结", co.Chinese, StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync<int>("select count(*)::int from completion_applications"));
    }

    [Fact]
    public async Task ReopenedAfterApproval_IsOpenAndUncounted_AndMayBeAppliedForAgain()
    {
        var finished = await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);
        await Reviews.ApproveAsync(finished.ApplicationId!.Value, "督查室王科", At("2023-06-30T09:00:00"), CancellationToken.None);
        Assert.True(await Progress.ReopenAsync(_milestone, "验收未通过", "督查室王科", At("2023-07-03T09:00:00"), CancellationToken.None));

        Assert.Equal(0, (await LeadRatesAsync(new DateOnly(2023, 7, 3))).OnTime);
        var info = (await Services.GetRequiredService<MilestoneQueries>().MilestoneAsync(_milestone, CancellationToken.None))!;
        Assert.Equal(("open", (string?)null), (info.Status, info.ReviewState));
        var second = await Progress.FinishAsync(_milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-07-03T10:00:00"), CancellationToken.None);
        Assert.True(second.PendingReview);
        Assert.Equal(["approved", "pending"], (await QueryAsyncList<string>("select state from completion_applications order by id")).ToArray());
    }

    [Fact]
    public async Task ProgressReport_FulfilsA进展报送Milestone_OnTimeByItsDueDate_LateAfter_ButNotWithoutAUnit()
    {
        await using var c = await Db.DataSource.OpenConnectionAsync();
        var task = await c.ExecuteScalarAsync<long>("select task_id from milestones where id = @_milestone", new { _milestone });
        async Task<long> Report(string key, DateOnly due) => await c.ExecuteScalarAsync<long>(
            "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, @key, 'report', '按季度报送进展', @due, @due, now(), now()) returning id",
            new { task, key, due });
        var q1 = await Report("report-2023Q1", new DateOnly(2023, 3, 31));
        var q2 = await Report("report-2023Q2", new DateOnly(2023, 6, 30));
        var q3 = await Report("report-2023Q3", new DateOnly(2023, 9, 30));

        await Progress.ReportAsync(q2, 50, "二季度完成管网铺设一半", _co, "link", $"link:unit:{_co}", At("2023-06-28T10:00:00"), CancellationToken.None);
        await Progress.ReportAsync(q1, 20, "一季度完成设计", _lead, "link", $"link:unit:{_lead}", At("2023-04-03T10:00:00"), CancellationToken.None);
        await Progress.ReportAsync(q3, 70, "督查室记录", null, "console", "督查室王科", At("2023-07-03T10:00:00"), CancellationToken.None);

        Assert.Equal("done", await QueryAsync<string>("select status from milestones where id = @q2", new { q2 }));
        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @q3", new { q3 }));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from completion_applications"));
        var rates = await LeadRatesAsync(new DateOnly(2023, 7, 3));
        Assert.Equal((4, 1, 1), (rates.Due, rates.OnTime, rates.Late));

        // And the scan no longer chases the report made.
        await Engine.ScanAsync(At("2023-07-03T09:00:00"), CancellationToken.None);
        Assert.Equal(0, await RemindersAsync(q2, new DateOnly(2023, 7, 3)));
    }

    [Fact]
    public async Task WithReviewOff_ALeadUnitsCompletionTakesEffectAtOnce_AsBefore()
    {
        await using var services = TestServices.Create(Db, new Dictionary<string, string?> { ["Supervision:CompletionNeedsReview"] = "false" });
        var finished = await services.GetRequiredService<ProgressStore>().FinishAsync(
            _milestone, _lead, null, null, "link", $"link:unit:{_lead}", At("2023-06-29T10:00:00"), CancellationToken.None);

        Assert.False(finished.PendingReview);
        Assert.True(finished.Completion!.OnTime);
        Assert.Equal("done", await QueryAsync<string>("select status from milestones where id = @_milestone", new { _milestone }));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from completion_applications"));
        Assert.Equal(1, (await LeadRatesAsync(new DateOnly(2023, 7, 3))).OnTime);
    }

    private async Task<IReadOnlyList<T>> QueryAsyncList<T>(string sql)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql)];
    }
}
