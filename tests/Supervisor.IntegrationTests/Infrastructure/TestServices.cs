using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Supervisor.Hosting;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>The container the CLI and serve build (AddSupervisor), pointed at a test database.</summary>
public static class TestServices
{
    public static ServiceProvider Create(TestDatabase db, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Supervisor"] = db.ConnectionString,
            ["Supervisor:TimeZone"] = "Asia/Shanghai",

            // Composed reminders carry signed links, as under `serve`.
            ["Console:LinkSecret"] = SupervisorProcess.TestLinkSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        // The shipped appsettings.json first (job schedules, defaults), then the test's values, as a deployment would layer them.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(values)
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSupervisor(configuration);
        var provider = services.BuildServiceProvider();
        provider.ValidateOptions();
        return provider;
    }
}
