using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a job: one line per job, e.g. <c>services.AddSupervisorJob&lt;MilestoneScanJob&gt;("milestone-scan", "节点扫描")</c>,
    /// plus its <c>Jobs:milestone-scan</c> section in appsettings.json. The job is resolved in a scope per pass.
    /// </summary>
    public static IServiceCollection AddSupervisorJob<TJob>(this IServiceCollection services, string name, string displayName)
        where TJob : class, ISupervisorJob
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!JobCatalog.IsValidName(name))
        {
            throw new ArgumentException($"Job name '{name}' must be lowercase words joined by hyphens, e.g. 'milestone-scan'.", nameof(name));
        }

        if (services.Any(d => d.ServiceType == typeof(JobRegistration) && d.ImplementationInstance is JobRegistration r && r.Name == name))
        {
            throw new InvalidOperationException($"Job '{name}' is registered twice.");
        }

        services.AddSingleton(new JobRegistration(name, typeof(TJob), displayName));
        services.AddKeyedScoped<ISupervisorJob, TJob>(name);
        return services;
    }

    /// <summary>
    /// What every command shares: options, the catalog, the pass runner, Hangfire's storage and client (so a compose run
    /// by hand can still start a dispatch on the serving nodes), and the jobs this build has. No Hangfire server: that is
    /// <see cref="AddSupervisorHangfireServer"/>, for <c>serve</c>.
    /// </summary>
    public static IServiceCollection AddSupervisorJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<JobsOptions>(o => JobsOptions.Bind(configuration.GetSection(JobsOptions.Section), o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>());
        services.AddValidatedOptions<HousekeepingOptions, HousekeepingOptionsValidator>(configuration.GetSection(HousekeepingOptions.Section));

        services.TryAddSingleton<JobCatalog>();
        services.TryAddSingleton<JobRunStore>();
        services.TryAddSingleton<JobPauseStore>();
        services.TryAddSingleton<HousekeepingStore>();
        services.TryAddSingleton<JobPassRunner>();
        services.TryAddTransient<HangfireJobs>();
        services.TryAddSingleton<JobListing>();
        services.TryAddSingleton<JobControl>();
        services.TryAddSingleton<ImmediateDispatch>();
        services.AddSupervisorHangfireStorage();

        // The jobs of this build, one line each; the others are added by their own features.
        services.AddSupervisorJob<MilestoneScanJob>("milestone-scan", Labels.Job("milestone-scan"));
        services.AddSupervisorJob<RatesSnapshotJob>("rates-snapshot", Labels.Job("rates-snapshot"));
        services.AddSupervisorJob<HousekeepingJob>("housekeeping", Labels.Job("housekeeping"));
        services.AddSupervisorJob<UnitDigestJob>("unit-digest", Labels.Job("unit-digest"));
        services.AddSupervisorJob<ReminderDispatchJob>("reminder-dispatch", Labels.Job("reminder-dispatch"));
        services.AddSupervisorJob<SupervisionDigestJob>("supervision-digest", Labels.Job("supervision-digest"));
        return services;
    }

    /// <summary>
    /// Hangfire's storage on our database (schema <see cref="Migrator.HangfireSchema"/>, made by <c>supervisor migrate</c>,
    /// never here) through our one NpgsqlDataSource, and its client. Registered in the container, not in Hangfire's
    /// static <c>JobStorage.Current</c>, so several hosts in one process (the tests) each keep their own database.
    /// </summary>
    private static IServiceCollection AddSupervisorHangfireStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<JobStorage>(sp =>
        {
            // Applies the serializer settings below before anything is written with them.
            _ = sp.GetRequiredService<IGlobalConfiguration>();
            HangfireLogging.Use(sp.GetRequiredService<ILoggerFactory>());
            var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            return new PostgreSqlStorage(new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()), new PostgreSqlStorageOptions
            {
                SchemaName = Migrator.HangfireSchema,
                PrepareSchemaIfNecessary = false,
                QueuePollInterval = jobs.QueuePollInterval,
                InvisibilityTimeout = jobs.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
                DistributedLockTimeout = jobs.DistributedLockTimeout,
                AllowUnsafeValues = true,
            });
        });
        services.TryAddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        return services;
    }

    /// <summary>
    /// <c>serve</c>: this process is a Hangfire server (one per node; all nodes share the storage). Its recurring jobs are
    /// brought in line with configuration first, after checking the database is migrated.
    /// </summary>
    public static IServiceCollection AddSupervisorHangfireServer(this IServiceCollection services)
    {
        // Before the server's hosted service, so the recurring jobs are as configured when it starts scheduling.
        services.AddHostedService<RecurringJobSync>();
        services.AddHangfireServer((sp, server) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.ServerName = JobPassRunner.NodeInstanceId;
            server.WorkerCount = jobs.WorkerCount;
            server.SchedulePollingInterval = jobs.SchedulePollingInterval;
            server.HeartbeatInterval = jobs.HeartbeatInterval;
        });
        return services;
    }

    /// <summary>Hangfire.PostgreSql's connections come from our pooled data source: one pool per process, one connection string.</summary>
    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
