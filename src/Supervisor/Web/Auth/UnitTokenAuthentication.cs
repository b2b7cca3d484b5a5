using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Web.Auth;

/// <summary><c>Authorization: Bearer TOKEN</c> with a per-unit API token (unit_api_tokens keeps only its hash).</summary>
public sealed class UnitTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UnitTokenStore tokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "unit-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        var unit = token.Length == 0 ? null : await tokens.FindUnitAsync(token, time.GetUtcNow(), Context.RequestAborted);
        if (unit is null)
        {
            return AuthenticateResult.Fail("unknown or revoked token");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"unit-token:{unit.Value.TokenName}"),
                new Claim(ClaimTypes.Role, ConsolePolicies.UnitRole),
                new Claim(ConsolePolicies.UnitIdClaim, unit.Value.UnitId.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
