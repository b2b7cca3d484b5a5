using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Supervisor.Hosting;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>The services of a <c>supervisor</c> command, built in the test process on a test database.</summary>
internal static class JobsHost
{
    /// <param name="server">Whether this host is a Hangfire server, as <c>serve</c> is.</param>
    public static IHost Build(TestDatabase db, bool server, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "supervisor",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:Supervisor"] = db.ConnectionString,
        });
        builder.Logging.ClearProviders();
        configure?.Invoke(builder.Services);
        builder.Services.AddSupervisor(builder.Configuration);
        if (server)
        {
            builder.Services.AddSupervisorHangfireServer();
        }

        var host = builder.Build();
        host.Services.ValidateOptions();
        return host;
    }
}
