using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core.Engine;
using Supervisor.Core.Milestones;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;

namespace Supervisor.Hosting;

/// <summary>All DI wiring in one place, shared by <c>serve</c> and the one-shot CLI commands.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddSupervisor(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingletonTimeProvider();

        services.AddOptions<SupervisorOptions>().Bind(configuration.GetSection(SupervisorOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>();
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        services.AddOptions<MilestoneOptions>().Bind(configuration.GetSection(MilestoneOptions.Section)).ValidateOnStart();
        services.AddOptions<DatabaseOptions>()
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Supervisor") ?? "")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            // No session state is kept on pooled connections (advisory locks are released explicitly, no SET), so the
            // DISCARD ALL Npgsql sends on every return to the pool is pure overhead: one statement per use when idle.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            return builder.Build();
        });
        services.AddSingleton(sp => TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<IOptions<SupervisorOptions>>().Value.TimeZone));
        services.AddOptions<SupervisionOptions>().Bind(configuration.GetSection(SupervisionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupervisionOptions>, SupervisionOptionsValidator>();
        services.AddSingleton<MilestoneScanStore>();
        services.AddSingleton<RatesStore>();
        services.AddSingleton<ProgressStore>();
        services.AddSingleton<SupervisionEngine>();
        services.AddSingleton<PlanStore>();
        services.AddSingleton<PlanExportStore>();
        services.AddSingleton<DirectoryStore>();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ConsoleStore>();

        // Signed links: bound here so delivery can make links; validated by the commands that need the secret (serve, link).
        services.AddOptions<Supervisor.Infrastructure.Links.SignedLinkOptions>().Bind(configuration.GetSection(Supervisor.Infrastructure.Links.SignedLinkOptions.Section));
        services.AddSingleton<IValidateOptions<Supervisor.Infrastructure.Links.SignedLinkOptions>, Supervisor.Infrastructure.Links.LinkOptionsValidator>();
        services.AddSingleton<Supervisor.Infrastructure.Links.LinkSigner>();
        services.AddSingleton<UnitTokenStore>();
        services.AddSingleton<Supervisor.Infrastructure.Import.PlanImportService>();
        services.AddDelivery(configuration);
        services.AddSingleton<Migrator>(sp => new Migrator(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Migrator>>()));

        // Jobs, their options and recording; the Quartz scheduler itself is added per command (AddSupervisorScheduler).
        services.AddSupervisorJobs(configuration);
        return services;
    }

    /// <summary>Resolves every validated option so bad configuration fails before any work, as <c>ValidateOnStart</c> does for hosted services.</summary>
    public static void ValidateOptions(this IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
        _ = services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        _ = services.GetRequiredService<IOptions<MilestoneOptions>>().Value;
        _ = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SupervisionOptions>>().Value;
        _ = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<HousekeepingOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SmsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Supervisor.Infrastructure.Delivery.Robots.RobotOptions>>().Value;
        _ = services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        _ = services.GetRequiredService<IOptions<OfficeOptions>>().Value;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        // `--as-of` replaces this with a fixed clock before the container is built.
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
