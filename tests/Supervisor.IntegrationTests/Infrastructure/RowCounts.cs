using Dapper;
using Npgsql;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>Row counts of every pipeline table: "the database is unchanged" and "nothing duplicated" in one comparison.</summary>
public static class RowCounts
{
    private static readonly string[] Tables =
    [
        "plans", "sections", "tasks", "units", "unit_aliases", "unit_groups", "unit_group_members", "leaders", "task_units",
        "task_unit_groups", "task_leaders", "milestones", "progress_reports", "contacts", "calendar_days", "reminders", "messages",
    ];

    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            // Table names come from the constant list above.
            counts[table] = await connection.ExecuteScalarAsync<long>("select count(*) from " + table);
        }

        return counts;
    }
}
