using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>Deletes the pipeline's history that nobody reads any more.</summary>
public sealed class HousekeepingStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Deletes the delivery attempts of messages sent before <paramref name="cutoff"/>; the messages themselves stay
    /// (they are the send ledger that stops a reminder from going out twice). Returns how many attempts went.
    /// </summary>
    public async Task<int> DeleteDeliveryAttemptsOfMessagesSentBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        const string sql = """
            delete from delivery_attempts a
            using messages m
            where m.id = a.message_id and m.sent_at < @cutoff
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { cutoff = cutoff.ToUniversalTime() }, cancellationToken: ct, commandTimeout: 300));
    }
}
