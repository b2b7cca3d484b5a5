using System.CommandLine;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary>The command tree. Each command is a thin shell over a service; the work is done where the scheduler would do it.</summary>
public static class SupervisorCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Supervisor: follow-up of government key tasks (督查督办) — import plans, scan milestones, chase units, report.");
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(ImportCommands.Import());
        root.Subcommands.Add(ImportCommands.Units());
        root.Subcommands.Add(ImportCommands.Leaders());
        root.Subcommands.Add(ImportCommands.Calendar());
        root.Subcommands.Add(ExportCommands.Export());
        root.Subcommands.Add(EngineCommands.Scan());
        root.Subcommands.Add(EngineCommands.Rates());
        root.Subcommands.Add(EngineCommands.Progress());
        root.Subcommands.Add(EngineCommands.Complete());
        root.Subcommands.Add(JobCommands.Job());
        root.Subcommands.Add(DeliveryCommands.Preview());
        root.Subcommands.Add(DeliveryCommands.Dispatch());
        root.Subcommands.Add(DeliveryCommands.Digest());
        root.Subcommands.Add(UserCommands.Users());
        root.Subcommands.Add(TokenCommands.Tokens());
        root.Subcommands.Add(LinkCommands.Link());
        root.Subcommands.Add(DemoCommands.Demo());

        return await InvokeAsync(root, "supervisor", args);
    }

    /// <summary>Parses and runs a command tree; a parse error or a missing command is one stderr line and exit 2.</summary>
    /// <param name="name">The program's name as the user types it, for the error line.</param>
    public static async Task<int> InvokeAsync(RootCommand root, string name, string[] args)
    {
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Most specific first: "Unrecognized command 'x'" says more than "Required command was not provided".
            var errors = parseResult.Errors.Select(e => e.Message.TrimEnd('.')).Distinct().OrderBy(m => m.StartsWith("Required command", StringComparison.Ordinal));
            Console.Error.WriteLine($"{name}: {string.Join("; ", errors)} (see '{name} --help')");
            return ExitCodes.BadInput;
        }

        if (parseResult.CommandResult.Command == root && parseResult.Action is null)
        {
            Console.Error.WriteLine($"{name}: no command given (see '{name} --help')");
            return ExitCodes.BadInput;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await parseResult.InvokeAsync(cancellationToken: cancel.Token);
    }

    private static Command ServeCommand()
    {
        var command = new Command("serve", "Run the scheduler and the admin console (default http://127.0.0.1:5080) until stopped.");
        command.SetAction((_, ct) => ServeHost.RunAsync(ct));
        return command;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply pending database migrations (safe to run on several nodes at once).");
        command.SetAction((_, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var result = await services.GetRequiredService<Migrator>().MigrateAsync(token);
                Console.WriteLine(result.Applied.Count == 0
                    ? $"Schema up to date ({result.AlreadyApplied} migrations applied earlier)."
                    : $"Applied {result.Applied.Count} migration(s): {string.Join(", ", result.Applied)}.");
                return ExitCodes.Ok;
            },
            ct));
        return command;
    }
}
