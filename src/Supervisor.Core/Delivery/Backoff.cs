namespace Supervisor.Core.Delivery;

/// <summary>When a message that failed transiently is tried again: a pure timing policy, tested on its own.</summary>
public static class Backoff
{
    /// <summary>
    /// Exponential from <paramref name="min"/> (attempt 1) doubling per attempt, capped at <paramref name="max"/>, with
    /// "equal jitter": half the delay is fixed and half is spread by <paramref name="jitter"/> (0 ≤ jitter &lt; 1), so
    /// workers that failed together do not retry together, and no retry comes sooner than half the nominal delay.
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1.0);
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), "max must not be below min");
        }

        // 2^30 minutes is far past any cap; clamping the exponent keeps the arithmetic finite.
        var nominalTicks = Math.Min(min.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30)), max.Ticks);
        var half = nominalTicks / 2;
        return TimeSpan.FromTicks((long)(half + (half * jitter)));
    }

    /// <summary>The next attempt's time, or null when it would fall past the give-up deadline (the message is dead).</summary>
    public static DateTimeOffset? Next(DateTimeOffset now, DateTimeOffset firstQueuedAt, int attempt, TimeSpan min, TimeSpan max, TimeSpan giveUpAfter, double jitter)
    {
        var next = now + Delay(attempt, min, max, jitter);
        return next > firstQueuedAt + giveUpAfter ? null : next;
    }
}
