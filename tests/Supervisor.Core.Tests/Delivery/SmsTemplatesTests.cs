using Supervisor.Core.Delivery;

namespace Supervisor.Core.Tests.Delivery;

public sealed class SmsTemplatesTests
{
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["unit"] = "区住房和城乡建设局城市更新与历史文化街区保护利用工作专班办公室联络组第一小组第二分队",
        ["count"] = "12",
        ["days"] = "35",
        ["link"] = "progress/123456",
    };

    [Fact]
    public void Fit_AliyunLimit35_CutsALongUnitNameTo35CharactersEndingInEllipsis()
    {
        var fitted = SmsTemplates.Fit(SmsTemplateKind.Overdue, Values, 35);

        var unit = fitted.Single(v => v.Name == "unit").Value;
        Assert.Equal(35, SmsText.Length(unit));
        Assert.EndsWith("…", unit, StringComparison.Ordinal);
        Assert.StartsWith("区住房和城乡建设局", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_TencentLimit12_CutsTo12Characters_NumbersUntouched()
    {
        var fitted = SmsTemplates.Fit(SmsTemplateKind.Overdue, Values, 12);

        Assert.Equal(["unit", "count", "days", "link", "workdays"], fitted.Select(v => v.Name));
        Assert.Equal("区住房和城乡建设局城市…", fitted[0].Value);
        Assert.Equal(("12", "35"), (fitted[1].Value, fitted[2].Value));
    }

    [Fact]
    public void Fit_ALinkIsNeverCut_ItIsLeftOutWhenLongerThanTheLimit()
    {
        Assert.Equal("progress/123456", SmsTemplates.Fit(SmsTemplateKind.Overdue, Values, 35).Single(v => v.Name == "link").Value);
        Assert.Equal("", SmsTemplates.Fit(SmsTemplateKind.Overdue, Values, 12).Single(v => v.Name == "link").Value);
    }

    [Fact]
    public void Fit_AMissingVariable_IsSentEmpty_InItsDeclaredPlace()
    {
        var fitted = SmsTemplates.Fit(SmsTemplateKind.Reminder, new Dictionary<string, string> { ["unit"] = "区财政局" }, 35);

        Assert.Equal([("unit", "区财政局"), ("count", ""), ("due", ""), ("link", "")], fitted);
    }

    [Fact]
    public void Fit_WithTheVariablesATemplateWasApprovedWith_SendsThoseInThatOrder_AndTheNewOnesLast()
    {
        var values = new Dictionary<string, string>(Values, StringComparer.Ordinal) { ["workdays"] = "24" };

        Assert.Equal(["unit", "count", "days", "link"], SmsTemplates.Fit(SmsTemplateKind.Overdue, values, 35, ["unit", "count", "days", "link"]).Select(v => v.Name));
        Assert.Equal([("count", "12"), ("workdays", "24"), ("days", "35")], SmsTemplates.Fit(SmsTemplateKind.Overdue, values, 35, ["count", "workdays", "days"]));
        Assert.Equal(["unit", "count", "days", "link", "workdays"], SmsTemplates.Overdue.Select(v => v.Name));
        Assert.Equal(["name", "unit", "count", "days", "link", "caldays"], SmsTemplates.Escalation.Select(v => v.Name));
    }

    [Fact]
    public void Cut_CountsASurrogatePairAsOneCharacter()
    {
        Assert.Equal("𠀀𠀀…", SmsTemplates.Cut("𠀀𠀀𠀀𠀀", 3));
        Assert.Equal("𠀀𠀀𠀀", SmsTemplates.Cut("𠀀𠀀𠀀", 3));
    }

    [Fact]
    public void EveryTemplate_DeclaresItsVariablesOnce()
    {
        foreach (var kind in Enum.GetValues<SmsTemplateKind>())
        {
            var names = SmsTemplates.Variables(kind).Select(v => v.Name).ToList();
            Assert.Equal(names.Distinct().Count(), names.Count);
            Assert.Equal(kind, SmsTemplates.Parse(SmsTemplates.Name(kind)));
        }
    }

    [Fact]
    public void RobotKey_HidesTheWebhookToken()
    {
        var key = MessageKey.For(MessageKey.RobotAddress("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key"), "wecom", "unit_digest", new DateOnly(2023, 6, 26));

        Assert.DoesNotContain("secret-key", key, StringComparison.Ordinal);
        Assert.Matches("^wecom:[0-9a-f]{16}\\|wecom\\|unit_digest\\|2023-06-26$", key);
    }
}
