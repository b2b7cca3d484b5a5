using System.CommandLine;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Supervisor.Core;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>users add NAME --role admin|supervisor|viewer</c>, <c>users password NAME</c>: console accounts.</summary>
public static class UserCommands
{
    public const int MinPasswordLength = 8;

    public static Command Users()
    {
        var users = new Command("users", "Staff accounts of the admin console.");
        var name = new Argument<string>("NAME") { Description = "Login name" };
        var role = new Option<string>("--role") { Description = "admin, supervisor (督查室) or viewer", Required = true };
        var add = new Command("add", $"Add a user; the password comes from SUPERVISOR_PASSWORD or a prompt (at least {MinPasswordLength} characters).") { name, role };
        add.SetAction((parse, ct) =>
        {
            var userName = parse.GetValue(name)!.Trim();
            var userRole = parse.GetValue(role)!.Trim();
            if (!UserStore.Roles.Contains(userRole))
            {
                return Task.FromResult(CliHost.Report(new BadInputException($"--role '{userRole}' must be one of {string.Join(", ", UserStore.Roles)}")));
            }

            if (userName.Length is 0 or > 100)
            {
                return Task.FromResult(CliHost.Report(new BadInputException("NAME must be 1–100 characters")));
            }

            var password = Environment.GetEnvironmentVariable("SUPERVISOR_PASSWORD") ?? Prompt($"Password for {userName}: ");
            if (password.Length < MinPasswordLength)
            {
                return Task.FromResult(CliHost.Report(new BadInputException($"the password must have at least {MinPasswordLength} characters")));
            }

            return CliHost.RunAsync(
                async (services, token) =>
                {
                    var hash = new PasswordHasher<string>().HashPassword(userName, password);
                    var id = await services.GetRequiredService<UserStore>().AddAsync(userName, hash, userRole, services.GetRequiredService<TimeProvider>().GetUtcNow(), token);
                    Console.WriteLine($"User {userName} ({userRole}) added, id {id}.");
                    return ExitCodes.Ok;
                },
                ct);
        });
        users.Subcommands.Add(add);

        var passwordName = new Argument<string>("NAME") { Description = "Login name" };
        var password = new Command("password", "Set a user's password (SUPERVISOR_PASSWORD or a prompt) and end every session of that user.") { passwordName };
        password.SetAction((parse, ct) =>
        {
            var userName = parse.GetValue(passwordName)!.Trim();
            var secret = Environment.GetEnvironmentVariable("SUPERVISOR_PASSWORD") ?? Prompt($"New password for {userName}: ");
            if (secret.Length < MinPasswordLength)
            {
                return Task.FromResult(CliHost.Report(new BadInputException($"the password must have at least {MinPasswordLength} characters")));
            }

            return CliHost.RunAsync(
                async (services, token) =>
                {
                    var hash = new PasswordHasher<string>().HashPassword(userName, secret);
                    if (!await services.GetRequiredService<UserStore>().SetPasswordAsync(userName, hash, "cli", services.GetRequiredService<TimeProvider>().GetUtcNow(), token))
                    {
                        throw new BadInputException($"no user named '{userName}'");
                    }

                    Console.WriteLine($"Password of {userName} changed; every session of {userName} has ended.");
                    return ExitCodes.Ok;
                },
                ct);
        });
        users.Subcommands.Add(password);
        return users;
    }

    private static string Prompt(string text)
    {
        Console.Error.Write(text);
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? "";
        }

        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
