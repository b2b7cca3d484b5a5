using Supervisor.Core.Units;

namespace Supervisor.Core.Tests.Units;

public sealed class UnitDirectoryParserTests
{
    private static readonly string[] Header = ["单位名称", "联络员", "联络员手机", "联络员邮箱", "企业微信机器人", "钉钉机器人", "钉钉加签"];

    private static DirectoryParseResult<UnitDirectoryEntry> Parse(params string[][] rows) =>
        UnitDirectoryParser.ParseUnits([Header, .. rows]);

    [Theory]
    [InlineData("a,b@x.cn")]
    [InlineData("x\"><svg onload=alert(1)>@x.cn")]
    [InlineData("张三 <zhang@x.cn>")]
    [InlineData("zhang@x")]
    [InlineData("zhang@@x.cn")]
    [InlineData("zhang@x.cn\r\nBcc: all@x.cn")]
    [InlineData("zhang@-x.cn")]
    public void Finding06_UnitsImport_RejectsAnAddressNoMailLibraryShouldBuild_NamingTheRow(string email)
    {
        var result = Parse(["区发改局", "张三", "13800000101", "ok@fgj.gov.cn"], ["区财政局", "李四", "13800000201", email]);

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Row);
        Assert.Contains("联络员邮箱", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(["区发改局"], result.Entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("张\n三")]
    [InlineData("张三\r李四")]
    [InlineData("张\u0000三")]
    [InlineData("张\u2028三")]
    public void Finding06_UnitsImport_RejectsLineBreaksAndControlCharactersInNames(string name)
    {
        var result = Parse(["区财政局", name, "13800000201", "li@czj.gov.cn"]);

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Row);
        Assert.Contains("联络员姓名", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Entries);
    }

    [Theory]
    [InlineData("1380000010")]
    [InlineData("12800000101")]
    [InlineData("138000001011")]
    [InlineData("138-0000-01ab")]
    public void Finding06_UnitsImport_RejectsAPhoneThatIsNotAMainlandMobile(string phone)
    {
        var error = Assert.Single(Parse(["区财政局", "李四", phone, ""]).Errors);

        Assert.Contains("不是有效的11位手机号", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finding06_UnitsImport_AcceptsOrdinaryContacts()
    {
        var result = Parse(["区财政局", "李四", "+86 138-0000-0201", "li.si+duban@czj.gov.cn"]);

        Assert.Empty(result.Errors);
        var liaison = Assert.Single(result.Entries).Liaison!;
        Assert.Equal(("李四", "13800000201", "li.si+duban@czj.gov.cn"), (liaison.Name, liaison.Phone, liaison.Email));
    }

    [Fact]
    public void Robots_AreReadFromTheirColumns_WithTheDingTalkSecret()
    {
        var result = Parse(["区财政局", "", "", "", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "https://oapi.dingtalk.com/robot/send?access_token=t1", "SECabc"]);

        Assert.Empty(result.Errors);
        Assert.Equal(
            [new RobotEntry("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", null), new RobotEntry("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t1", "SECabc")],
            Assert.Single(result.Entries).Robots);
    }

    [Theory]
    [InlineData("https://evil.example.com/cgi-bin/webhook/send?key=k1", "evil.example.com")]
    [InlineData("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "https://")]
    [InlineData("https://user:pw@qyapi.weixin.qq.com/x", "不是有效的网址")]
    [InlineData("https://127.0.0.1/cgi-bin/webhook/send?key=k1", "127.0.0.1")]
    [InlineData("qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "不是有效的网址")]
    public void Finding06_RobotUrl_MustBeHttpsOnAnAllowedHost(string url, string reason)
    {
        var error = Assert.Single(Parse(["区财政局", "", "", "", url, "", ""]).Errors);

        Assert.Equal(2, error.Row);
        Assert.Contains("企业微信机器人地址", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RobotUrl_OnAnotherHost_IsAcceptedWhenRobotsAllowedHostsNamesIt()
    {
        var rows = new[] { Header, ["区财政局", "", "", "", "", "https://robots.example.gov.cn/robot/send?access_token=t", ""] };

        Assert.Empty(UnitDirectoryParser.ParseUnits(rows, ["robots.example.gov.cn"]).Errors);
        Assert.Single(UnitDirectoryParser.ParseUnits(rows).Errors);
    }

    [Fact]
    public void DingTalkSecret_WithoutARobot_IsAnError()
    {
        var error = Assert.Single(Parse(["区财政局", "", "", "", "", "", "SECabc"]).Errors);

        Assert.Contains("钉钉加签", error.Message, StringComparison.Ordinal);
    }
}
