using System.CommandLine;
using Supervisor.Core;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>tokens list [--unit NAME]</c> / <c>tokens revoke ID</c>: the units' API tokens (never the tokens themselves).</summary>
public static class TokenCommands
{
    public static Command Tokens()
    {
        var tokens = new Command("tokens", "Unit API tokens: list them, revoke one (its next call gets 401).");

        var unit = new Option<string>("--unit") { Description = "Only this unit's tokens (name or alias)" };
        var list = new Command("list", "Every token: id, unit, name, created, expires, last used, revoked.") { unit };
        list.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                long? unitId = null;
                if (parse.GetValue(unit) is { } name)
                {
                    unitId = (await services.GetRequiredService<UnitQueries>().UnitByNameAsync(name.Trim(), token)
                        ?? throw new BadInputException($"no unit named '{name.Trim()}'")).Id;
                }

                var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                Console.WriteLine("id\tunit\tname\tcreated\texpires\tlast_used\tstate");
                foreach (var t in await services.GetRequiredService<UnitTokenStore>().ListAsync(unitId, token))
                {
                    var state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "live";
                    Console.WriteLine(FormattableString.Invariant(
                        $"{t.Id}\t{t.Unit}\t{t.Name}\t{t.CreatedAt:yyyy-MM-dd HH:mm}\t{t.ExpiresAt:yyyy-MM-dd HH:mm}\t{(t.LastUsedAt is { } u ? u.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "-")}\t{state}"));
                }

                return ExitCodes.Ok;
            },
            ct));

        var id = new Argument<long>("ID") { Description = "The token's id (from 'tokens list')" };
        var revoke = new Command("revoke", "Revoke a token at once; exit 2 if no unrevoked token has that id.") { id };
        revoke.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var tokenId = parse.GetValue(id);
                var unitId = await services.GetRequiredService<UnitTokenStore>().RevokeAsync(tokenId, "cli", services.GetRequiredService<TimeProvider>().GetUtcNow(), token)
                    ?? throw new BadInputException($"no unrevoked token with id {tokenId}");
                Console.WriteLine(FormattableString.Invariant($"Token {tokenId} of unit {unitId} revoked."));
                return ExitCodes.Ok;
            },
            ct));

        tokens.Subcommands.Add(list);
        tokens.Subcommands.Add(revoke);
        return tokens;
    }
}
