using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Supervisor.Hosting;

/// <summary>Ready means the database answers and the schema is migrated.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<int?>(
                new CommandDefinition("select count(*)::int from schema_migrations", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy($"{applied} migrations applied");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unavailable", ex);
        }
    }
}
