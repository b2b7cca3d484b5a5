using Supervisor.Core.Import;

namespace Supervisor.Core.Tests.Import;

public class UnitListParserTests
{
    [Fact]
    public void Parse_SplitsOnAllListSeparators()
    {
        var list = UnitListParser.Parse("区发改局、区林业局,区经发集团，区财政局;区税务局；区人社局");

        Assert.Equal(["区发改局", "区林业局", "区经发集团", "区财政局", "区税务局", "区人社局"], list.Units);
        Assert.Empty(list.Groups);
    }

    [Fact]
    public void Parse_SeparatesUnitsBeforeDengFromTheGroupAfterIt()
    {
        var list = UnitListParser.Parse("汀泗桥镇、向阳湖镇等相关乡镇办场");

        Assert.Equal(["汀泗桥镇", "向阳湖镇"], list.Units);
        Assert.Equal(["相关乡镇办场"], list.Groups);
    }

    [Fact]
    public void Parse_DropsTrailingDengAndGenericWordsAfterIt()
    {
        Assert.Equal(["发改局", "交通局"], UnitListParser.Parse("发改局、交通局等").Units);
        Assert.Equal(["发改局", "交通局"], UnitListParser.Parse("发改局、交通局等单位").Units);
        Assert.Empty(UnitListParser.Parse("发改局、交通局等部门").Groups);
    }

    [Theory]
    [InlineData("各乡镇")]
    [InlineData("相关单位")]
    [InlineData("相关乡镇办")]
    [InlineData("有关部门")]
    [InlineData("区直各部门")]
    [InlineData("区直相关部门")]
    [InlineData("区竹产业发展领导小组成员单位")]
    public void Parse_MakesCollectivePhrasesGroups(string phrase)
    {
        var list = UnitListParser.Parse("区发改局、" + phrase);

        Assert.Equal(["区发改局"], list.Units);
        Assert.Equal([phrase], list.Groups);
    }

    [Fact]
    public void Parse_KeepsGeXianShiQuZhengFuAsOneGroup()
    {
        var list = UnitListParser.Parse("省发改委、各县、市、区政府，省财政厅");

        Assert.Equal(["省发改委", "省财政厅"], list.Units);
        Assert.Equal(["各县、市、区政府"], list.Groups);
    }

    [Fact]
    public void Parse_KeepsGeXiangZhenJieDaoAsOneGroup()
    {
        var list = UnitListParser.Parse("各乡镇、街道，区直各部门");

        Assert.Empty(list.Units);
        Assert.Equal(["各乡镇、街道", "区直各部门"], list.Groups);
    }

    [Fact]
    public void Parse_DoesNotSplitInsideParentheses()
    {
        var list = UnitListParser.Parse("区委人才办(区委组织部、区编办)、区财政局");

        Assert.Equal(["区委人才办(区委组织部、区编办)", "区财政局"], list.Units);
    }

    [Fact]
    public void Parse_RemovesBoldMarksSpacesAndDuplicates()
    {
        var list = UnitListParser.Parse(" **区发改局** 、 区 财政局，区发改局。");

        Assert.Equal(["区发改局", "区财政局"], list.Units);
    }

    [Fact]
    public void Parse_KeepsDengInsideAName()
    {
        Assert.Equal(["市高等职业学校", "区教育局"], UnitListParser.Parse("市高等职业学校、区教育局").Units);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("、，,;；")]
    [InlineData("等")]
    public void Parse_ReturnsNothing_ForEmptyLists(string list)
    {
        var parsed = UnitListParser.Parse(list);

        Assert.Empty(parsed.Units);
        Assert.Empty(parsed.Groups);
    }
}
