namespace Supervisor.Core;

/// <summary>
/// A clock stopped at one instant: <c>--as-of</c> runs a whole command "as if it were" then, and tests pin "now".
/// Only <see cref="GetUtcNow"/> is fixed; timers and timestamps still measure real elapsed time, so waits and
/// timeouts keep working. What "today" is comes from the office's time zone, never from <see cref="TimeProvider.LocalTimeZone"/>.
/// </summary>
public sealed class FixedTimeProvider(DateTimeOffset instant) : TimeProvider
{
    private readonly DateTimeOffset _utcNow = instant.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => _utcNow;
}
