using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Supervisor.Cli;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web;
using Supervisor.Web.Dashboard;

namespace Supervisor.Hosting;

/// <summary><c>supervisor serve</c>: migrate (under the advisory lock), then a Hangfire server, the console and the dashboard in one process.</summary>
public static class ServeHost
{
    public static async Task<int> RunAsync(CancellationToken ct)
    {
        try
        {
            var app = Build();
            var options = app.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
            app.Services.ValidateOptions();
            _ = app.Services.GetRequiredService<IOptions<Supervisor.Infrastructure.Links.SignedLinkOptions>>().Value;
            if (options.MigrateOnStart)
            {
                await app.Services.GetRequiredService<Migrator>().MigrateAsync(ct);
            }

            await app.RunAsync(ct);
            return ExitCodes.Ok;
        }
        catch (Exception ex)
        {
            return CliHost.Report(ex);
        }
    }

    /// <param name="settings">Configuration laid over appsettings.json and the environment (tests use it).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "supervisor",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.UseUrls(builder.Configuration.GetSection(ConsoleOptions.Section)[nameof(ConsoleOptions.Urls)] ?? new ConsoleOptions().Urls);
        builder.Services.AddSupervisor(builder.Configuration);

        // This node's Hangfire server: its hosted services start in app.RunAsync, so after RunAsync has migrated.
        builder.Services.AddSupervisorHangfireServer();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.Services.AddSupervisorConsole(builder.Configuration);
        builder.Services.AddSupervisorDashboard();

        var app = builder.Build();
        app.UseSupervisorConsole();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapSupervisorConsole();
        app.MapSupervisorDashboard();
        return app;
    }
}
