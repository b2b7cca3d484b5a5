using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}

/// <summary>Runs one CLI command inside a DI container built like <c>serve</c>'s, and turns failures into one stderr line and an exit code.</summary>
public static class CliHost
{
    public static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken ct, Action<IServiceCollection>? configure = null)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                ContentRootPath = AppContext.BaseDirectory,
                ApplicationName = "supervisor",
            });
            // stdout belongs to the command's output (tables, --json); logs go to stderr.
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            configure?.Invoke(builder.Services);
            builder.Services.AddSupervisor(builder.Configuration);
            using var host = builder.Build();
            host.Services.ValidateOptions();
            return await body(host.Services, ct);
        }
        catch (Exception ex)
        {
            return Report(ex);
        }
    }

    /// <summary>One clear line on stderr, no stack trace; the exit code says whose fault it is.</summary>
    public static int Report(Exception ex)
    {
        var (code, message) = Describe(ex);
        Console.Error.WriteLine("supervisor: " + message);
        return code;
    }

    public static (int Code, string Message) Describe(Exception ex) => ex switch
    {
        BadInputException => (ExitCodes.BadInput, ex.Message),
        OptionsValidationException o => (ExitCodes.BadInput, "configuration: " + string.Join("; ", o.Failures)),
        MigrationException => (ExitCodes.Failure, ex.Message),
        PostgresException p => (ExitCodes.Failure, $"PostgreSQL error {p.SqlState}: {p.MessageText}"),
        NpgsqlException n => (ExitCodes.Failure, "cannot reach PostgreSQL: " + Flatten(n)),
        SocketException s => (ExitCodes.Failure, "network error: " + s.Message),
        OperationCanceledException => (ExitCodes.Failure, "cancelled"),
        _ => (ExitCodes.Failure, Flatten(ex)),
    };

    private static string Flatten(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            var text = e.Message.ReplaceLineEndings(" ").Trim();
            if (text.Length > 0 && !parts.Any(p => p.Contains(text, StringComparison.Ordinal)))
            {
                parts.Add(text);
            }
        }

        return string.Join(": ", parts);
    }
}
