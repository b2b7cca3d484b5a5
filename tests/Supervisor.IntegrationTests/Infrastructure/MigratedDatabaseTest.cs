using Microsoft.Extensions.DependencyInjection;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>A test class with its own migrated database and the real DI container pointed at it.</summary>
public abstract class MigratedDatabaseTest : IAsyncLifetime
{
    protected TestDatabase Db { get; } = new();

    protected ServiceProvider Services { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await Db.MigrateAsync();
        Services = TestServices.Create(Db);
    }

    public virtual async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
