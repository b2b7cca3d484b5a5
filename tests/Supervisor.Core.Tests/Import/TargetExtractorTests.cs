using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class TargetExtractorTests
{
    [Fact]
    public void Extract_ReturnsEachQuantifiedClause()
    {
        var targets = TargetExtractor.Extract("经济总量稳步提升，地区生产总值增长 8%以上，总量达到 420 亿元；新增企业40家。加强统筹协调。");

        Assert.Equal(["地区生产总值增长 8%以上", "总量达到 420 亿元", "新增企业40家"], targets);
    }

    [Theory]
    [InlineData("城镇登记失业率控制在4.5%以内")]
    [InlineData("粮食产量稳定在23万吨")]
    [InlineData("力争在全省考核中进入前13名")]
    [InlineData("常住人口城镇化率提高1个百分点左右")]
    [InlineData("旅游接待总人次突破1000万")]
    public void Extract_RecognisesQuantities(string clause)
    {
        Assert.Equal([clause], TargetExtractor.Extract(clause));
    }

    [Theory]
    [InlineData("确保2023年确定的重点任务全面完成")]
    [InlineData("6月底前完成验收")]
    [InlineData("加快G536丁家垅至天岳公路建设")]
    [InlineData("确保107国道咸安绕城段建成通车")]
    [InlineData("加快5G网络建设")]
    [InlineData("城乡居民收入增长与经济增长基本同步")]
    public void Extract_IgnoresYearsDatesAndCodes(string clause)
    {
        Assert.Empty(TargetExtractor.Extract(clause));
    }
}
