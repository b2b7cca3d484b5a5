using Supervisor.Core.Calendar;

namespace Supervisor.Core.Tests;

public sealed class LabelsTests
{
    [Fact]
    public void PendingExtension_ReadsAwaitingApproval_NotAwaitingSending()
    {
        Assert.Equal("待审批", Labels.ExtensionStatus("pending"));
        Assert.Equal("待发送", Labels.MessageState("pending"));
    }

    [Fact]
    public void Tracking_IsNotTheEscalationLevel()
    {
        Assert.Equal("督办", Labels.Level(3));
        Assert.DoesNotContain("督办", Labels.Tracking, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quiet hours", "免打扰时段")]
    [InlineData("robot rate limit", "限流")]
    [InlineData("daily SMS cap 5 reached", "每日短信上限（5 条）")]
    [InlineData("gave up after 1.00:00:00: 550 mailbox unavailable", "已放弃：550 mailbox unavailable")]
    public void DeliveryError_SaysTheDispatchersOwnReasonsInChinese(string error, string expected) =>
        Assert.Contains(expected, Labels.DeliveryError(error), StringComparison.Ordinal);

    [Fact]
    public void DeliveryError_KeepsAProvidersTextAsWritten() =>
        Assert.Equal("isv.BUSINESS_LIMIT_CONTROL", Labels.DeliveryError("isv.BUSINESS_LIMIT_CONTROL"));

    [Fact]
    public void EveryWorkingDayRule_HasAChineseName()
    {
        foreach (var rule in Enum.GetValues<WorkingDayRule>())
        {
            Assert.DoesNotMatch("[A-Za-z]", Labels.Rule(rule));
        }
    }

    [Theory]
    [InlineData("link", "办理链接")]
    [InlineData("sms", "短信")]
    [InlineData("sent", "已送达服务商")]
    public void StoredCodes_ReadInChinese(string code, string expected) =>
        Assert.Contains(expected, new[] { Labels.Source(code), Labels.Channel(code), Labels.AttemptOutcome(code) });

    [Fact]
    public void UnknownCode_IsShownAsStored_SoItIsNoticed() => Assert.Equal("new_state", Labels.MessageState("new_state"));

    [Theory]
    [InlineData("system", "系统自动")]
    [InlineData("link:unit:7", "单位（办理链接）")]
    [InlineData("zhangsan", "zhangsan")]
    public void Actor_NamesTheProductAndALinkInWords(string actor, string expected) => Assert.Equal(expected, Labels.Actor(actor));
}
