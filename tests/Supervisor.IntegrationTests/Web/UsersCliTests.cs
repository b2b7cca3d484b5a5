using Dapper;
using Microsoft.AspNetCore.Identity;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Web;

public sealed class UsersCliTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private Task<ProcessResult> AddAsync(string name, string role, string password)
    {
        var env = SupervisorProcess.Env(_db);
        env["SUPERVISOR_PASSWORD"] = password;
        return SupervisorProcess.RunAsync(["users", "add", name, "--role", role], env);
    }

    [Fact]
    public async Task UsersAdd_StoresAPasswordHash_AndRefusesBadRolesShortPasswordsAndDuplicates()
    {
        var ok = await AddAsync("张督查", "supervisor", "long-enough-1");
        Assert.True(ok.ExitCode == 0, ok.StdErr);

        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var (hash, role) = await connection.QuerySingleAsync<(string, string)>("select password_hash, role from users where name = '张督查'");
        Assert.Equal("supervisor", role);
        Assert.DoesNotContain("long-enough-1", hash, StringComparison.Ordinal);
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<string>().VerifyHashedPassword("张督查", hash, "long-enough-1"));

        var badRole = await AddAsync("someone", "root", "long-enough-1");
        Assert.Equal(2, badRole.ExitCode);
        Assert.Contains("--role", badRole.StdErr, StringComparison.Ordinal);
        var shortPassword = await AddAsync("someone", "viewer", "short");
        Assert.Equal(2, shortPassword.ExitCode);
        Assert.Contains("at least 8", shortPassword.StdErr, StringComparison.Ordinal);
        var duplicate = await AddAsync("张督查", "viewer", "long-enough-2");
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Equal(1, await connection.QuerySingleAsync<int>("select count(*)::int from users"));
    }

    [Fact]
    public async Task Serve_WithoutALinkSecret_RefusesToStart()
    {
        var env = SupervisorProcess.Env(_db);
        env["Console__LinkSecret"] = "";
        env["Console__Urls"] = "http://127.0.0.1:0";
        var result = await SupervisorProcess.RunAsync(["serve"], env, TimeSpan.FromSeconds(60));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Console:LinkSecret", result.StdErr, StringComparison.Ordinal);
    }
}
