using Supervisor.Core.Units;

namespace Supervisor.Core.Tests.Units;

public sealed class UnitNameResolverTests
{
    private static UnitResolution Resolve(string[] raws, params DirectoryUnit[] directory) => UnitNameResolver.Resolve(raws, directory);

    private static DirectoryUnit Unit(string name, params string[] aliases) => new(name, aliases);

    [Fact]
    public void Resolve_MergesAPrefixedAndABareName_IntoThePrefixedOne()
    {
        var result = Resolve(["区发改局", "发改局"]);

        Assert.Equal("区发改局", result.CanonicalByRaw["区发改局"]);
        Assert.Equal("区发改局", result.CanonicalByRaw["发改局"]);
        Assert.Equal(["发改局"], result.Aliases["区发改局"]);
        Assert.Single(result.Aliases);
    }

    [Theory]
    [InlineData("县自然资源局", "自然资源局")]
    [InlineData("市生态环境局", "生态环境局")]
    [InlineData("镇政府", "政府")]
    [InlineData("市政府办", "政府办")]
    [InlineData("县市场监督管理局", "市场监督管理局")]
    public void Resolve_MergesEachJurisdictionPrefix(string prefixed, string bare)
    {
        var result = Resolve([bare, prefixed]);
        Assert.Equal(prefixed, result.CanonicalByRaw[bare]);
        Assert.Equal([bare], result.Aliases[prefixed]);
    }

    [Fact]
    public void Resolve_UsesTheDirectoryName_WhenARawNameIsAnAlias()
    {
        var result = Resolve(["区发改局", "发改局", "区林业局"], Unit("区发展和改革局", "区发改局"), Unit("区林业局"));

        Assert.Equal("区发展和改革局", result.CanonicalByRaw["区发改局"]);
        Assert.Equal("区发展和改革局", result.CanonicalByRaw["发改局"]);
        Assert.Equal("区林业局", result.CanonicalByRaw["区林业局"]);
        Assert.Equal(["区发改局", "发改局"], result.Aliases["区发展和改革局"]);
        Assert.False(result.Aliases.ContainsKey("区林业局"));
    }

    [Fact]
    public void Resolve_UsesTheDirectoryName_WhenTheBareFormIsListed()
    {
        var result = Resolve(["区发改局"], Unit("发改局"));
        Assert.Equal("发改局", result.CanonicalByRaw["区发改局"]);
        Assert.Equal(["区发改局"], result.Aliases["发改局"]);
    }

    [Fact]
    public void Resolve_UsesTheDirectoryName_WhenOnlyThePrefixedFormIsListed()
    {
        var result = Resolve(["发改局"], Unit("区发改局"));
        Assert.Equal("区发改局", result.CanonicalByRaw["发改局"]);
    }

    [Fact]
    public void Resolve_KeepsBothUnits_WhenTheDirectoryListsThemSeparately()
    {
        var result = Resolve(["区发改局", "发改局"], Unit("区发改局"), Unit("发改局"));

        Assert.Equal("区发改局", result.CanonicalByRaw["区发改局"]);
        Assert.Equal("发改局", result.CanonicalByRaw["发改局"]);
        Assert.Empty(result.Aliases);
    }

    [Fact]
    public void Resolve_NeverShortensMarketRegulation_To场监督管理局()
    {
        var result = Resolve(["市场监督管理局", "场监督管理局"]);

        Assert.Equal("市场监督管理局", result.CanonicalByRaw["市场监督管理局"]);
        Assert.Equal("场监督管理局", result.CanonicalByRaw["场监督管理局"]);
        Assert.Empty(result.Aliases);
        Assert.Null(UnitNameResolver.StripPrefix("市场监督管理局"));
    }

    [Fact]
    public void Resolve_DoesNotMatchMarketRegulation_ToAStrippedDirectoryName()
    {
        var result = Resolve(["市场监督管理局"], Unit("场监督管理局"));
        Assert.Equal("市场监督管理局", result.CanonicalByRaw["市场监督管理局"]);
    }

    [Fact]
    public void Resolve_LeavesTheBareNameAlone_WhenTwoPrefixesClaimIt()
    {
        var result = Resolve(["区发改局", "县发改局", "发改局"]);

        Assert.Equal(["区发改局", "县发改局", "发改局"], result.CanonicalByRaw.Values.Order(StringComparer.Ordinal));
        Assert.Equal("发改局", result.CanonicalByRaw["发改局"]);
        Assert.Empty(result.Aliases);
    }

    [Fact]
    public void Resolve_DoesNotMergeTwoPrefixedNames()
    {
        var result = Resolve(["区发改局", "县发改局"], Unit("发改局"));
        Assert.Equal("区发改局", result.CanonicalByRaw["区发改局"]);
        Assert.Equal("县发改局", result.CanonicalByRaw["县发改局"]);
    }

    [Fact]
    public void Resolve_IgnoresWhitespaceAndFullWidthForms()
    {
        var result = Resolve(["区 发改局", " 发改局\u3000", "第１中学", "第1中学", "区林业局（筹）"], Unit("区林业局(筹)"));

        Assert.Equal("区发改局", result.CanonicalByRaw["区 发改局"]);
        Assert.Equal("区发改局", result.CanonicalByRaw[" 发改局\u3000"]);
        Assert.Equal("第1中学", result.CanonicalByRaw["第１中学"]);
        Assert.Equal("第1中学", result.CanonicalByRaw["第1中学"]);
        Assert.Equal("区林业局(筹)", result.CanonicalByRaw["区林业局（筹）"]);
        Assert.Equal(["发改局"], result.Aliases["区发改局"]);
        Assert.False(result.Aliases.ContainsKey("第1中学"));
        Assert.False(result.Aliases.ContainsKey("区林业局(筹)"));
    }

    [Fact]
    public void Resolve_GivesTheSameAnswer_WhateverTheOrderOfRawNames()
    {
        string[] raws = ["区发改局", "发改局", "区 林业局", "林业局", "市场监督管理局", "县委办", "委办"];
        var forward = Resolve(raws);
        var backward = Resolve([.. raws.Reverse()]);

        Assert.Equal(forward.CanonicalByRaw, backward.CanonicalByRaw);
        Assert.Equal(forward.CanonicalByRaw.Keys, backward.CanonicalByRaw.Keys);
        Assert.Equal(forward.Aliases.Keys, backward.Aliases.Keys);
        Assert.Equal("委办", forward.CanonicalByRaw["委办"]);
    }

    [Fact]
    public void Resolve_SkipsBlankNames()
    {
        var result = Resolve(["", "  ", "区林业局"]);
        Assert.Equal(["区林业局"], result.CanonicalByRaw.Keys);
    }
}
