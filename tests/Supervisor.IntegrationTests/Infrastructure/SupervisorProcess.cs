using System.Diagnostics;
using System.Text;

namespace Supervisor.IntegrationTests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the real <c>supervisor</c> executable (built beside the tests) as a user would.</summary>
public static class SupervisorProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "supervisor.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"supervisor {string.Join(' ', args)} did not finish in {timeout ?? TimeSpan.FromMinutes(2)}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public static Dictionary<string, string?> Env(TestDatabase db) => new()
    {
        ["ConnectionStrings__Supervisor"] = db.ConnectionString,

        // serve refuses to start without a signed-link secret.
        ["Console__LinkSecret"] = "test-link-secret-0123456789abcdef",
    };
}
