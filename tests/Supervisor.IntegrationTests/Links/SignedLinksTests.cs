using Supervisor.Infrastructure.Links;

namespace Supervisor.IntegrationTests.Links;

/// <summary>Issue 12, finding 8: a signature has exactly one accepted spelling.</summary>
public sealed class SignedLinksTests
{
    private const string Secret = "test-link-secret-0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> OtherSpellings()
    {
        var token = SignedLinks.Create(42, Now.AddDays(14), Secret);
        var mac = token[(token.LastIndexOf('.') + 1)..];
        var head = token[..(token.LastIndexOf('.') + 1)];

        // 32 bytes in 43 characters: the last carries 4 bits and 2 unused ones, so 4 spellings decoded to the same bytes.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var last = alphabet.IndexOf(mac[^1], StringComparison.Ordinal);
        var data = new TheoryData<string>();
        for (var low = 1; low < 4; low++)
        {
            data.Add(head + mac[..^1] + alphabet[(last & ~3) | ((last & 3) ^ low)]);
        }

        data.Add(token + "=");
        data.Add(token + "==");
        data.Add(head + mac[..10] + " " + mac[10..]);
        data.Add(head + mac[..10] + "\t" + mac[10..]);
        data.Add(head + mac[..10] + "\r\n" + mac[10..]);
        data.Add(" " + token);
        data.Add(token + " ");
        data.Add("+" + token);
        data.Add("042" + token[2..]);
        var plus = mac.Replace('-', '+').Replace('_', '/');
        data.Add(head + (plus == mac ? "+" + mac[1..] : plus));
        return data;
    }

    [Fact]
    public void Signature_Verifies_InTheOneSpellingCreateWrites()
    {
        var token = SignedLinks.Create(42, Now.AddDays(14), Secret);

        Assert.Equal(LinkCheck.Valid, SignedLinks.Verify(token, Secret, Now, out var unit));
        Assert.Equal(42, unit);
    }

    [Theory]
    [MemberData(nameof(OtherSpellings))]
    public void OneSignatureManySpellings_EveryOtherSpellingIsRefused(string spelling)
    {
        Assert.NotEqual(LinkCheck.Valid, SignedLinks.Verify(spelling, Secret, Now, out var unit));
        Assert.Equal(0, unit);
    }

    [Fact]
    public void ShortLink_Verifies_ForItsUnitUntilTheEndOfItsExpiryDay_AndIsSixteenCharacters()
    {
        var code = SignedLinks.CreateShort(42, Now.AddDays(14), Secret);

        Assert.Equal(16, code.Length);
        Assert.Equal(LinkCheck.Valid, SignedLinks.VerifyShort(code, Secret, Now, out var unit, out var expires));
        Assert.Equal(42, unit);
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 0, 0, 0, TimeSpan.Zero), expires);
        Assert.Equal(LinkCheck.Expired, SignedLinks.VerifyShort(code, Secret, expires, out _, out _));
        Assert.Equal(LinkCheck.BadSignature, SignedLinks.VerifyShort(code, "another-secret-0123456789", Now, out _, out _));
    }

    [Fact]
    public void ShortLink_AnyChangedCharacterOrOtherSpelling_IsRefused()
    {
        var code = SignedLinks.CreateShort(300_000, Now.AddDays(14), Secret);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < code.Length; i++)
        {
            foreach (var c in alphabet.Where(c => c != code[i]))
            {
                var changed = code[..i] + c + code[(i + 1)..];
                Assert.NotEqual(LinkCheck.Valid, SignedLinks.VerifyShort(changed, Secret, Now, out _, out _));
            }
        }

        foreach (var other in new[] { code + "=", code + " ", " " + code, code.Replace('-', '+').Replace('_', '/') + (code.Contains('-') || code.Contains('_') ? "" : "+"), code[..8] + "%20" + code[8..] })
        {
            Assert.NotEqual(LinkCheck.Valid, SignedLinks.VerifyShort(other, Secret, Now, out _, out _));
        }
    }
}
