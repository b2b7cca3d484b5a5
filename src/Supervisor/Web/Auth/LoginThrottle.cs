using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Supervisor.Hosting;

namespace Supervisor.Web.Auth;

/// <summary>
/// Failed logins counted per (client address, name) pair, for known and unknown names alike. A pair that failed
/// <see cref="ConsoleOptions.LockoutThreshold"/> times is refused until <see cref="ConsoleOptions.LockoutDuration"/>
/// after its first failure, then starts afresh. Keyed by the pair, an attacker only ever locks out themselves: the
/// real user at another address logs in, and nobody can keep an account shut or tell a real name from an invented one.
/// Guessing many names from one address is the per-address rate limiter's business. Kept in memory per node: a
/// restart forgets it, which only ever shortens a lockout.
/// </summary>
public sealed class LoginThrottle(IOptions<ConsoleOptions> options, TimeProvider time)
{
    /// <summary>More pairs than this and the expired ones are swept; the map cannot grow without bound under a spray.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<(string Address, string Name), Window> _failures = new();

    /// <summary>Whether this pair may try now; false while it is locked out.</summary>
    public bool MayTry(string address, string name)
    {
        var now = time.GetUtcNow();
        return !_failures.TryGetValue(Key(address, name), out var window)
            || window.Ends <= now
            || window.Count < options.Value.LockoutThreshold;
    }

    public void Failed(string address, string name)
    {
        var now = time.GetUtcNow();
        var duration = options.Value.LockoutDuration;
        _failures.AddOrUpdate(
            Key(address, name),
            _ => new Window(now + duration, 1),
            (_, w) => w.Ends <= now ? new Window(now + duration, 1) : w with { Count = w.Count + 1 });
        if (_failures.Count > SweepAbove)
        {
            foreach (var (key, window) in _failures)
            {
                if (window.Ends <= now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    public void Succeeded(string address, string name) => _failures.TryRemove(Key(address, name), out _);

    // Names are compared as the login compares them (exact after trimming); the cap keeps a giant name from being a key.
    private static (string, string) Key(string address, string name) => (address, name.Length > 200 ? name[..200] : name);

    private sealed record Window(DateTimeOffset Ends, int Count);
}
