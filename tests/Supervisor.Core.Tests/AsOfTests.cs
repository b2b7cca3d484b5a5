namespace Supervisor.Core.Tests;

public sealed class AsOfTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("2023-06-26T09:00+08:00", "2023-06-26T01:00:00Z")]
    [InlineData("2023-06-26T09:00:30+08:00", "2023-06-26T01:00:30Z")]
    [InlineData("2023-06-26T01:00Z", "2023-06-26T01:00:00Z")]
    [InlineData("2023-06-26T09:00:00.5+08:00", "2023-06-26T01:00:00.5Z")]
    [InlineData("2023-06-26", "2023-06-26T01:00:00Z")] // 09:00 in Shanghai
    [InlineData(" 2026-02-16 ", "2026-02-16T01:00:00Z")]
    public void Parse_AcceptsAnInstantWithOffset_OrADateAtNineLocal(string text, string expectedUtc) =>
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), AsOf.Parse(text, Shanghai));

    [Theory]
    [InlineData("2023-06-26T09:00")] // no offset: which zone?
    [InlineData("2023-13-01")]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData("2023-06-26 09:00+08:00")]
    public void Parse_RejectsAnythingElse_NamingTheOption(string text)
    {
        var error = Assert.Throws<BadInputException>(() => AsOf.Parse(text, Shanghai));
        Assert.StartsWith($"--as-of '{text}' is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedTimeProvider_ReturnsTheSameInstant_InUtc()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.Parse("2023-06-26T09:00+08:00", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTimeOffset(2023, 6, 26, 1, 0, 0, TimeSpan.Zero), clock.GetUtcNow());
        Assert.Equal(TimeSpan.Zero, clock.GetUtcNow().Offset);
        Assert.Equal(clock.GetUtcNow(), clock.GetUtcNow());
    }
}
