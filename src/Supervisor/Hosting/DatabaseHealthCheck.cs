using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Hosting;

/// <summary>Ready means the database answers and is migrated for this build: every migration and Hangfire's schema.</summary>
public sealed class DatabaseHealthCheck(Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await migrator.MissingAsync(cancellationToken) is { } missing
                ? HealthCheckResult.Unhealthy("database not migrated: " + missing)
                : HealthCheckResult.Healthy("database migrated");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unavailable", ex);
        }
    }
}
