using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core.Engine;
using Supervisor.Core.Milestones;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Infrastructure.Delivery.Email;

namespace Supervisor.Hosting;

/// <summary>All DI wiring in one place, shared by <c>serve</c> and the one-shot CLI commands.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddSupervisor(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingletonTimeProvider();

        services.AddValidatedOptions<SupervisorOptions, SupervisorOptionsValidator>(configuration.GetSection(SupervisorOptions.Section));
        services.AddValidatedOptions<ConsoleOptions, ConsoleOptionsValidator>(configuration.GetSection(ConsoleOptions.Section));
        services.AddValidatedOptions<MilestoneOptions>(o => configuration.GetSection(MilestoneOptions.Section).Bind(o));
        services.AddValidatedOptions<DatabaseOptions>(o => o.ConnectionString = configuration.GetConnectionString("Supervisor") ?? "");
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
        services.AddValidatedOptions<SupervisionOptions, SupervisionOptionsValidator>(configuration.GetSection(SupervisionOptions.Section));
        services.AddSingleton<MilestoneScanStore>();
        services.AddSingleton<RatesStore>();
        services.AddSingleton<ProgressStore>();
        services.AddSingleton<ReviewStore>();
        services.AddSingleton<Infrastructure.Demo.DemoActivity>();
        services.AddSingleton<EvidenceStore>();
        services.AddValidatedOptions<Web.Evidence.EvidenceOptions, Web.Evidence.EvidenceOptionsValidator>(configuration.GetSection(Web.Evidence.EvidenceOptions.Section));
        services.AddSingleton<SupervisionEngine>();
        services.AddSingleton<PlanStore>();
        services.AddSingleton<PlanExportStore>();
        services.AddSingleton<DirectoryStore>();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<UnitQueries>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<AcknowledgementQueries>();
        services.AddSingleton<MilestoneQueries>();
        services.AddSingleton<MessageQueries>();
        services.AddSingleton<PauseStore>();
        services.AddSingleton<ExtensionStore>();
        services.AddSingleton<UnitPageQueries>();
        services.AddSingleton<UploadFolder>();

        // Signed links: bound here so delivery can make links; validated by the commands that need the secret (serve, link).
        services.AddOptions<Supervisor.Infrastructure.Links.SignedLinkOptions>().Bind(configuration.GetSection(Supervisor.Infrastructure.Links.SignedLinkOptions.Section));
        services.AddSingleton<IValidateOptions<Supervisor.Infrastructure.Links.SignedLinkOptions>, Supervisor.Infrastructure.Links.LinkOptionsValidator>();
        services.AddSingleton<Supervisor.Infrastructure.Links.LinkSigner>();
        services.AddSingleton<UnitTokenStore>();
        services.AddSingleton<Supervisor.Infrastructure.Import.PlanImportService>();
        services.AddValidatedOptions<Supervisor.Infrastructure.Import.ImportOptions, Supervisor.Infrastructure.Import.ImportOptionsValidator>(
            configuration.GetSection(Supervisor.Infrastructure.Import.ImportOptions.Section));
        services.AddDelivery(configuration);
        services.AddSingleton<Migrator>(sp => new Migrator(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Migrator>>()));

        // Jobs, their options, recording and Hangfire's storage and client; the Hangfire server only in serve (AddSupervisorHangfireServer).
        services.AddSupervisorJobs(configuration);
        return services;
    }

    /// <summary>Every section registered through <see cref="ValidatedOptions"/>, checked before any work; <c>import --dry-run</c> may run without a database.</summary>
    public static void ValidateOptions(this IServiceProvider services, bool withDatabase = true)
    {
        if (withDatabase)
        {
            services.ValidateAll();
            return;
        }

        foreach (var entry in services.GetServices<ValidatedOptionsEntry>().Where(e => e.OptionsType != typeof(DatabaseOptions)))
        {
            _ = entry.Resolve(services);
        }
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
