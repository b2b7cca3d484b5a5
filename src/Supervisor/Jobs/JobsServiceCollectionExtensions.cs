using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>Which Quartz scheduler a command needs.</summary>
public enum SchedulerMode
{
    /// <summary><c>serve</c>: the persistent store on our database, clustered, started by the host.</summary>
    Cluster,

    /// <summary><c>job list</c>: the same store, read but never started, so this process does not join the cluster.</summary>
    StoreReader,

    /// <summary><c>job run</c>: a private in-memory scheduler in this process, through the same job adapter and listeners.</summary>
    InMemory,
}

public static class JobsServiceCollectionExtensions
{
    public const string SchedulerName = "supervisor";

    /// <summary>
    /// Registers a job: one line per job, e.g. <c>services.AddSupervisorJob&lt;MilestoneScanJob&gt;("milestone-scan")</c>,
    /// plus its <c>Jobs:milestone-scan</c> section in appsettings.json. The job is resolved in a scope per pass.
    /// </summary>
    public static IServiceCollection AddSupervisorJob<TJob>(this IServiceCollection services, string name)
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

        services.AddSingleton(new JobRegistration(name, typeof(TJob)));
        services.AddKeyedScoped<ISupervisorJob, TJob>(name);
        return services;
    }

    /// <summary>What every command shares: options, the catalog, recording, the adapter, and the jobs this build has.</summary>
    public static IServiceCollection AddSupervisorJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<JobsOptions>(o => JobsOptions.Bind(configuration.GetSection(JobsOptions.Section), o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>());
        services.AddValidatedOptions<HousekeepingOptions, HousekeepingOptionsValidator>(configuration.GetSection(HousekeepingOptions.Section));

        services.TryAddSingleton<JobCatalog>();
        services.TryAddSingleton<JobRunStore>();
        services.TryAddSingleton<HousekeepingStore>();
        services.TryAddSingleton<JobRunRecorder>();
        services.TryAddTransient<SupervisorJobAdapter>();
        services.TryAddSingleton<ManualJobRunner>();
        services.TryAddSingleton<JobListing>();
        services.TryAddSingleton<JobControl>();

        // The jobs of this build, one line each; the others are added by their own features.
        services.AddSupervisorJob<MilestoneScanJob>("milestone-scan");
        services.AddSupervisorJob<RatesSnapshotJob>("rates-snapshot");
        services.AddSupervisorJob<HousekeepingJob>("housekeeping");
        services.AddSupervisorJob<UnitDigestJob>("unit-digest");
        services.AddSupervisorJob<ReminderDispatchJob>("reminder-dispatch");
        services.AddSupervisorJob<SupervisionDigestJob>("supervision-digest");
        return services;
    }

    /// <summary>The Quartz scheduler named "supervisor", as <paramref name="mode"/> needs it.</summary>
    public static IServiceCollection AddSupervisorScheduler(this IServiceCollection services, SchedulerMode mode)
    {
        services.AddQuartz(SchedulerName, q =>
        {
            // Each process is its own cluster node, with an id generated at start-up ("AUTO": host name and clock).
            q.ConfigureScheduler(s => s.GenerateInstanceId = true);

            // Quartz keeps the real clock even under --as-of; only the passes read the injected TimeProvider.
            q.UseTimeProvider(TimeProvider.System);
            q.UseDefaultThreadPool(4);

            // All triggers: a manual run's trigger (TriggerJob) is named and grouped by Quartz, not by us.
            q.AddTriggerListener(sp => sp.GetRequiredService<JobRunRecorder>(), [Matchers.AllTriggers()]);
            q.AddJobListener(sp => sp.GetRequiredService<JobRunRecorder>(), [GroupMatcher<JobKey>.GroupEquals(JobSchedules.Group)]);

            if (mode == SchedulerMode.InMemory)
            {
                q.UseInMemoryStore(_ => { });
                return;
            }

            q.UsePersistentStore(store =>
            {
                // Our pooled data source: one pool per process, the same connection string as everything else.
                store.UsePostgres(ds => ds.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.UseClustering(_ => { });
                store.UseSystemTextJsonSerializer(_ => { });
                store.ConfigureStore(s =>
                {
                    // One node at a time acquires triggers, under the TRIGGER_ACCESS row lock.
                    s.AcquireTriggersWithinLock = true;

                    // The qrtz_* tables come from sql/0003 via `supervisor migrate`; Quartz only checks they are there.
                    s.SchemaProvisioning = SchemaProvisioning.Validate;
                });
            });
        });

        // Declared jobs and triggers already stored are kept, not overwritten (FACTS: overwriting on each node's
        // start is what fires a slot twice). JobScheduleReconciler applies configuration changes one trigger at a time.
        services.Configure<QuartzOptions>(SchedulerName, o =>
        {
            o.Scheduling.OverwriteExistingData = false;
            o.Scheduling.IgnoreDuplicates = true;
        });
        services.AddOptions<ClusteringOptions>(SchedulerName).Configure<IOptions<JobsOptions>>((c, jobs) =>
        {
            c.CheckinInterval = jobs.Value.CheckinInterval;

            // A node is taken as dead after missing about one more check-in.
            c.CheckinMisfireThreshold = jobs.Value.CheckinInterval;
        });
        services.AddOptions<AdoJobStoreOptions>(SchedulerName).Configure<IOptions<JobsOptions>>((s, jobs) => s.MisfireThreshold = jobs.Value.MisfireThreshold);
        services.AddOptions<InMemoryJobStoreOptions>(SchedulerName).Configure<IOptions<JobsOptions>>((s, jobs) => s.MisfireThreshold = jobs.Value.MisfireThreshold);

        if (mode == SchedulerMode.Cluster)
        {
            // Before Quartz's hosted service, so the store holds the configured triggers when the scheduler starts.
            services.AddHostedService<JobScheduleReconciler>();
            services.AddQuartzHostedService(SchedulerName, o => o.WaitForJobsToComplete = true);
        }

        return services;
    }
}
