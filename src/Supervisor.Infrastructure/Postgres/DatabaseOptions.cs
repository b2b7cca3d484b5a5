using Microsoft.Extensions.Options;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>The connection string <c>ConnectionStrings:Supervisor</c> (env: <c>ConnectionStrings__Supervisor</c>).</summary>
public sealed class DatabaseOptions
{
    public string ConnectionString { get; set; } = "";
}

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Supervisor is empty: set it in appsettings.json or the environment variable ConnectionStrings__Supervisor (scripts/dev-db url prints one)");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"ConnectionStrings:Supervisor is not a valid PostgreSQL connection string: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
