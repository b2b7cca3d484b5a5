using Supervisor.Infrastructure.Delivery.Robots;
using Supervisor.Infrastructure.Delivery.Sms;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>Each provider's worked example from its own documentation, reproduced byte for byte (no I/O).</summary>
public sealed class SigningTests
{
    // Alibaba Cloud SMS "签名机制" example: AccessKeyId testId, AccessKeySecret testSecret, SendSms to 15300000001.
    private static readonly KeyValuePair<string, string>[] AliyunSmsExample =
    [
        new("AccessKeyId", "testId"), new("Action", "SendSms"), new("Format", "XML"), new("OutId", "123"), new("PhoneNumbers", "15300000001"),
        new("RegionId", "cn-hangzhou"), new("SignName", "阿里云短信测试专用"), new("SignatureMethod", "HMAC-SHA1"),
        new("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"), new("SignatureVersion", "1.0"), new("TemplateCode", "SMS_71390007"),
        new("TemplateParam", "{\"customer\":\"test\"}"), new("Timestamp", "2017-07-12T02:42:19Z"), new("Version", "2017-05-25"),
    ];

    [Fact]
    public void AliyunSignature_ReproducesTheSmsDocumentationExample_StringToSignAndSignature()
    {
        var stringToSign = AliyunSignature.StringToSign("GET", AliyunSmsExample);

        Assert.Equal(
            "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25",
            stringToSign);
        Assert.Equal("zJDF+Lrzhj/ThnlvIToysFRq6t4=", AliyunSignature.Sign("testSecret", stringToSign));
    }

    [Fact]
    public void AliyunSignature_ReproducesTheRpcDocumentationExample()
    {
        KeyValuePair<string, string>[] describeRegions =
        [
            new("Format", "XML"), new("AccessKeyId", "testid"), new("Action", "DescribeRegions"), new("SignatureMethod", "HMAC-SHA1"),
            new("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"), new("SignatureVersion", "1.0"), new("Version", "2014-05-26"),
            new("Timestamp", "2016-02-23T12:46:24Z"),
        ];

        Assert.Equal("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", AliyunSignature.Sign("testsecret", AliyunSignature.StringToSign("GET", describeRegions)));
    }

    [Fact]
    public void AliyunPercentEncode_FollowsRfc3986_SpaceIsPercent20_TildeStays()
    {
        Assert.Equal("a%20b%2A~-_.%2F%E6%B4%BE", AliyunSignature.PercentEncode("a b*~-_./派"));
    }

    // Tencent Cloud API 3.0 "Signature v3" example: CVM DescribeInstances, timestamp 1551113065.
    [Fact]
    public void Tc3Signature_ReproducesTheDocumentationExample_HashesAndSignature()
    {
        const string payload = """{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}""";
        var canonical = Tc3Signature.CanonicalRequest("application/json; charset=utf-8", "cvm.tencentcloudapi.com", payload);
        var stringToSign = Tc3Signature.StringToSign(1551113065, "cvm", canonical);

        Assert.Equal("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064", Tc3Signature.Sha256Hex(payload));
        Assert.Equal("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031", Tc3Signature.Sha256Hex(canonical));
        Assert.Equal("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031", stringToSign);
        Assert.Equal("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", Tc3Signature.Signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", stringToSign));
    }

    [Fact]
    public void Tc3Date_IsTheUtcDate_NotBeijings()
    {
        // 1551113065 is 2019-02-26 00:44:25 in Beijing and 2019-02-25 in UTC: the documentation's own warning.
        Assert.Equal("2019-02-25", Tc3Signature.Date(1551113065));
    }

    // DingTalk's documentation gives the algorithm and a Python sample but no figures; the expected value was computed with
    // that sample (hmac.new(secret, f"{ts}\n{secret}", sha256) → base64 → urllib.parse.quote_plus) under Debian's python3.
    [Fact]
    public void DingTalkSign_MatchesTheDocumentedPythonSample()
    {
        const string secret = "SEC1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcd";

        Assert.Equal("TFTdAQatcUBwmt%2FQla4qejjk5jK9m%2BuCWfch4Lgkji0%3D", DingTalkSignature.Sign(secret, 1700000000000));
        Assert.Equal(
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=TFTdAQatcUBwmt%2FQla4qejjk5jK9m%2BuCWfch4Lgkji0%3D",
            DingTalkSignature.SignedUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", secret, 1700000000000));
    }
}
