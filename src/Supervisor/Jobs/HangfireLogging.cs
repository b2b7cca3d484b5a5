using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace Supervisor.Jobs;

/// <summary>
/// Hangfire keeps one log provider for the whole process (a static), and Hangfire.NetCore points it at the logger
/// factory of whichever host resolved its configuration last. When that host is disposed while another lives on (test
/// hosts side by side), every Hangfire object created afterwards (a dashboard request's job client, a server) throws
/// ObjectDisposedException. This provider follows the newest host's factory and degrades to no logging, never to a failure.
/// </summary>
internal sealed class HangfireLogging : ILogProvider
{
    public static readonly HangfireLogging Instance = new();

    private static ILoggerFactory? _factory;

    private HangfireLogging()
    {
    }

    /// <summary>Makes <paramref name="factory"/> the one Hangfire logs through, and this provider Hangfire's.</summary>
    public static void Use(ILoggerFactory factory)
    {
        Volatile.Write(ref _factory, factory);
        LogProvider.SetCurrentLogProvider(Instance);
    }

    public ILog GetLogger(string name)
    {
        var factory = Volatile.Read(ref _factory);
        if (factory is null)
        {
            return Silent.Instance;
        }

        try
        {
            return new AspNetCoreLogProvider(factory).GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception? exception = null) => false;
    }
}
