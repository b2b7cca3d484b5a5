using System.CommandLine;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>link --unit NAME</c>: print a signed link to the unit's page (for demos and for sending by hand).</summary>
public static class LinkCommands
{
    public static Command Link()
    {
        var unit = new Option<string>("--unit") { Description = "The unit's name or alias", Required = true };
        var command = new Command("link", "Print a signed link (Console:LinkSecret, Console:LinkLifetime) to a unit's page for 签收, progress, completion and extensions.") { unit };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var options = services.GetRequiredService<IOptions<SignedLinkOptions>>().Value;
                var name = parse.GetValue(unit)!.Trim();
                var found = await services.GetRequiredService<UnitQueries>().UnitByNameAsync(name, token)
                    ?? throw new BadInputException($"no unit named '{name}'");
                var signer = services.GetRequiredService<LinkSigner>();
                Console.WriteLine(signer.Url(found.Id));
                Console.Error.WriteLine($"{found.Name}: valid until {signer.ExpiresAt():yyyy-MM-dd HH:mm} UTC ({options.LinkLifetime.TotalDays:0.#} days)");
                return ExitCodes.Ok;
            },
            ct));
        return command;
    }
}
