using System.Diagnostics;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (scripts/dev-db in a directory under .data/), for tests that stop and
/// restart the server — the shared test server must keep running for the other test classes.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(RepoFiles.Root, ".data", "faults-pg-" + Guid.NewGuid().ToString("N")[..8]);

    public string ConnectionString { get; private set; } = "";

    public async Task StartAsync() => ConnectionString = (await DevDbAsync("start")).Trim();

    public Task StopAsync() => DevDbAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await DevDbAsync("stop");
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> DevDbAsync(string verb)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoFiles.Root, "scripts", "dev-db"));
        info.ArgumentList.Add(verb);
        info.Environment["SUPERVISOR_PG_DIR"] = _dir;
        info.Environment["SUPERVISOR_PG_DATABASE"] = "supervisor";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/dev-db {verb} failed: {await stderr}");
        }

        return await stdout;
    }
}
