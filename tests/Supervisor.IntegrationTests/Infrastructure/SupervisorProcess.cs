using System.Diagnostics;
using System.Text;

namespace Supervisor.IntegrationTests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the real <c>supervisor</c> executable (built beside the tests) as a user would.</summary>
public static class SupervisorProcess
{
    /// <summary>`serve` refuses to start without Console:LinkSecret; tests use this one.</summary>
    public const string TestLinkSecret = "test-link-secret-0123456789abcdef";

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

    /// <summary>
    /// Starts a long-running supervisor (serve, dispatch) with stdout and stderr drained in the background: a child
    /// whose redirected output nobody reads blocks as soon as the pipe buffer fills. The last lines are kept.
    /// </summary>
    public static RunningSupervisor Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = new Process { StartInfo = StartInfo(args, environment) };
        var tail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            tail.Enqueue(e.Data);
            while (tail.Count > 200 && tail.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningSupervisor(process, tail);
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
        ["Console__LinkSecret"] = TestLinkSecret,
    };
}

/// <summary>A started supervisor process whose output is being drained; <see cref="Tail"/> holds its last lines.</summary>
public sealed class RunningSupervisor(Process process, System.Collections.Concurrent.ConcurrentQueue<string> tail) : IDisposable
{
    public Process Process { get; } = process;

    public string Tail => string.Join('\n', tail);

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
