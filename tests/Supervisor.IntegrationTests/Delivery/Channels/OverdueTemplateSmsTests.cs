using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Delivery.Sms;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>
/// Template SMS say overdue the one way (已逾期1个工作日（3天）): the 催办 and 督办 templates carry the working days and the
/// calendar days of the same milestone as number variables, and the fakes — holding the approved template texts and
/// checking them as the providers do — render what the handset shows. A template approved before (four variables) keeps
/// working when Sms:Templates:Variables names what it takes.
/// </summary>
// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class OverdueTemplateSmsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly ProviderFakes _fakes = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _fakes.StartAsync();
        await DeliveryData.WriteAsync(_db.DataSource);
    }

    public async Task DisposeAsync()
    {
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task RunAsync(Dictionary<string, string?> settings)
    {
        await using var services = TestServices.Create(_db, settings, new FixedTimeProvider(Monday10));
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10), "test-worker", CancellationToken.None);
    }

    private static string Phone(string provider, string phone) => provider == "Tencent" ? "+86" + phone : phone;

    [Theory]
    [InlineData("Aliyun")]
    [InlineData("Tencent")]
    public async Task OverdueAndEscalationTexts_SayWorkingDaysWithCalendarDaysInBrackets_AsTheHandsetShowsThem(string provider)
    {
        if (provider == "Aliyun")
        {
            _fakes.TemplateTexts["SMS_0002"] = "${unit}有${count}项重点工作已逾期，最早已逾期${workdays}个工作日（${days}天），请抓紧办理并反馈。";
            _fakes.TemplateTexts["SMS_0003"] = "${name}：${unit}牵头的${count}项重点工作已逾期${days}个工作日（${caldays}天），已提请督办。";
            _fakes.NumberVariables.UnionWith(["count", "days", "workdays", "caldays"]);
        }
        else
        {
            // Tencent: positions; the link ({4}) goes empty (links may not be variables there) and the text carries none.
            _fakes.TemplateTexts["SMS_0002"] = "{1}有{2}项重点工作已逾期，最早已逾期{5}个工作日（{3}天），请抓紧办理并反馈。{4}";
            _fakes.TemplateTexts["SMS_0003"] = "{1}：{2}牵头的{3}项重点工作已逾期{4}个工作日（{6}天），已提请督办。{5}";
        }

        await RunAsync(_fakes.Settings(provider));

        Assert.Equal(0, _fakes.BadSignatures);
        var liaison = Assert.Single(_fakes.Accepted, a => a.Recipient == Phone(provider, "13800000101"));
        Assert.Equal("【某县督查室】区发改局有1项重点工作已逾期，最早已逾期1个工作日（3天），请抓紧办理并反馈。", liaison.Text);
        var leader = Assert.Single(_fakes.Accepted, a => a.Recipient == Phone(provider, "13900000201"));
        Assert.Equal("【某县督查室】杜新国：区发改局牵头的1项重点工作已逾期6个工作日（10天），已提请督办。", leader.Text);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where channel = 'sms' and state <> 'sent'"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TencentTemplateApprovedWithFourVariables_IsSentItsFour_WhenSmsTemplatesVariablesNamesThem(bool named)
    {
        _fakes.TemplateTexts["SMS_0002"] = "{1}有{2}项重点工作已逾期，最早已逾期{3}天，请抓紧办理并反馈。{4}";
        var settings = _fakes.Settings("Tencent");
        if (named)
        {
            settings["Sms:Templates:Variables:Overdue"] = "unit,count,days,link";
        }

        await RunAsync(settings);

        await using var c = await _db.DataSource.OpenConnectionAsync();
        var (state, error) = await c.QuerySingleAsync<(string, string?)>("select state, last_error from messages where recipient_address = '13800000101' and channel = 'sms'");
        if (named)
        {
            Assert.Equal("sent", state);
            Assert.Equal("【某县督查室】区发改局有1项重点工作已逾期，最早已逾期3天，请抓紧办理并反馈。", Assert.Single(_fakes.Accepted, a => a.Recipient == "+8613800000101").Text);
        }
        else
        {
            // The provider refuses five values for four placeholders: dead at once with its code, for the office to see.
            Assert.Equal("dead", state);
            Assert.Contains("TemplateParamSetNotMatchApprovedTemplate", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SmsTemplatesVariables_NamingAVariableTheTemplateDoesNotHave_StopsStartUpNamingIt()
    {
        var options = new SmsOptions { Provider = SmsProvider.Gateway };
        options.Templates.Variables["Overdue"] = "unit,count,dayz,link";
        options.Templates.Variables["Reminders"] = "unit";

        var result = new SmsProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Sms:Templates:Variables:Overdue 'unit,count,dayz,link' names dayz, not a variable of that template (unit, count, days, link, workdays)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Sms:Templates:Variables:Reminders names no template", result.FailureMessage, StringComparison.Ordinal);
    }
}
