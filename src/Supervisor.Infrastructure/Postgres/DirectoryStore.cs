using Dapper;
using Npgsql;
using Supervisor.Core.Units;

namespace Supervisor.Infrastructure.Postgres;

public sealed record DirectorySummary(int UnitsCreated, int UnitsUpdated, int ContactsWritten, int AliasesWritten);

/// <summary>The unit directory and leader list: what import normalises against and whom reminders reach.</summary>
public sealed class DirectoryStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DirectoryUnit>> LoadDirectoryAsync(CancellationToken ct)
    {
        const string sql = """
            select u.name, coalesce(array_agg(a.alias order by a.alias) filter (where a.alias is not null), '{}') as aliases, u.kind
            from units u left join unit_aliases a on a.unit_id = u.id
            group by u.id, u.name, u.kind
            order by u.name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Name, string[] Aliases, string Kind)>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new DirectoryUnit(r.Name, r.Aliases, r.Kind)).ToList();
    }

    /// <summary>Of <paramref name="names"/>, the units a reminder can reach: a contact with a phone or e-mail, or a group robot.</summary>
    public async Task<IReadOnlySet<string>> ReachableUnitsAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        const string sql = """
            select u.name
            from units u
            where u.name = any(@names)
              and (exists (select 1 from contacts c where c.unit_id = u.id and (c.phone is not null or c.email is not null))
                   or exists (select 1 from unit_robots r where r.unit_id = u.id))
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(sql, new { names = names.ToArray() }, cancellationToken: ct));
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Upserts units, their aliases and contacts in one transaction; a unit's liaison/head row is replaced.</summary>
    public async Task<DirectorySummary> SaveUnitsAsync(IReadOnlyList<UnitDirectoryEntry> entries, DateTimeOffset now, CancellationToken ct)
    {
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string upsertUnits = """
            insert into units (name, kind, created_at)
            select * from unnest(@names, @kinds, @createdAt)
            on conflict (name) do update set kind = excluded.kind
            returning id, name, (xmax = 0) as inserted
            """;
        var units = (await connection.QueryAsync<(long Id, string Name, bool Inserted)>(new CommandDefinition(
            upsertUnits,
            new
            {
                names = entries.Select(e => e.Name).ToArray(),
                kinds = entries.Select(e => e.Kind.ToString().ToLowerInvariant()).ToArray(),
                createdAt = entries.Select(_ => now).ToArray(),
            },
            tx,
            cancellationToken: ct))).ToList();
        var ids = units.ToDictionary(u => u.Name, u => u.Id, StringComparer.Ordinal);

        // The directory is the authority on aliases: it re-points an alias a plan import guessed.
        var aliases = entries.SelectMany(e => e.Aliases.Select(a => (Alias: a, Unit: ids[e.Name]))).ToList();
        const string upsertAliases = """
            insert into unit_aliases (alias, unit_id)
            select * from unnest(@aliases, @unitIds)
            on conflict (alias) do update set unit_id = excluded.unit_id
            """;
        var aliasCount = await connection.ExecuteAsync(new CommandDefinition(
            upsertAliases, new { aliases = aliases.Select(a => a.Alias).ToArray(), unitIds = aliases.Select(a => a.Unit).ToArray() }, tx, cancellationToken: ct));

        var contacts = entries.SelectMany(e => new[] { (Entry: e, Role: "liaison", Contact: e.Liaison), (Entry: e, Role: "head", Contact: e.Head) })
            .Where(c => c.Contact is not null)
            .ToList();
        const string upsertContacts = """
            insert into contacts (unit_id, role, name, phone, email, updated_at)
            select c.unit_id, c.role, c.name, c.phone, c.email, @now
            from unnest(@unitIds, @roles, @names, @phones, @emails) as c(unit_id, role, name, phone, email)
            on conflict (unit_id, role) where unit_id is not null do update set
                name = excluded.name, phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
            """;
        var contactCount = await connection.ExecuteAsync(new CommandDefinition(
            upsertContacts,
            new
            {
                now,
                unitIds = contacts.Select(c => ids[c.Entry.Name]).ToArray(),
                roles = contacts.Select(c => c.Role).ToArray(),
                names = contacts.Select(c => c.Contact!.Name).ToArray(),
                phones = contacts.Select(c => c.Contact!.Phone).ToArray(),
                emails = contacts.Select(c => c.Contact!.Email).ToArray(),
            },
            tx,
            cancellationToken: ct));

        // The directory row says which groups a unit reads: its robots are replaced, a blank cell removes one.
        var robots = entries.SelectMany(e => e.Robots.Select(r => (Unit: ids[e.Name], Robot: r))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            "delete from unit_robots where unit_id = any(@unitIds)", new { unitIds = ids.Values.ToArray() }, tx, cancellationToken: ct));
        const string insertRobots = """
            insert into unit_robots (unit_id, platform, webhook_url, secret, updated_at)
            select r.unit_id, r.platform, r.webhook_url, r.secret, @now
            from unnest(@robotUnits, @platforms, @urls, @secrets) as r(unit_id, platform, webhook_url, secret)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            insertRobots,
            new
            {
                now,
                robotUnits = robots.Select(r => r.Unit).ToArray(),
                platforms = robots.Select(r => r.Robot.Platform).ToArray(),
                urls = robots.Select(r => r.Robot.WebhookUrl).ToArray(),
                secrets = robots.Select(r => r.Robot.Secret).ToArray(),
            },
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new DirectorySummary(units.Count(u => u.Inserted), units.Count(u => !u.Inserted), contactCount, aliasCount);
    }

    public async Task<DirectorySummary> SaveLeadersAsync(IReadOnlyList<LeaderDirectoryEntry> entries, DateTimeOffset now, CancellationToken ct)
    {
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string upsertLeaders = """
            insert into leaders (name, title, created_at)
            select n, t, @now from unnest(@names, @titles) as l(n, t)
            on conflict (name) do update set title = coalesce(excluded.title, leaders.title)
            returning id, name, (xmax = 0) as inserted
            """;
        var leaders = (await connection.QueryAsync<(long Id, string Name, bool Inserted)>(new CommandDefinition(
            upsertLeaders,
            new { now, names = entries.Select(e => e.Name).ToArray(), titles = entries.Select(e => e.Title).ToArray() },
            tx,
            cancellationToken: ct))).ToList();
        var ids = leaders.ToDictionary(l => l.Name, l => l.Id, StringComparer.Ordinal);
        const string upsertContacts = """
            insert into contacts (leader_id, role, name, phone, email, updated_at)
            select c.leader_id, 'leader', c.name, c.phone, c.email, @now
            from unnest(@leaderIds, @names, @phones, @emails) as c(leader_id, name, phone, email)
            on conflict (leader_id) where leader_id is not null do update set
                name = excluded.name, phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
            """;
        var contactCount = await connection.ExecuteAsync(new CommandDefinition(
            upsertContacts,
            new
            {
                now,
                leaderIds = entries.Select(e => ids[e.Name]).ToArray(),
                names = entries.Select(e => e.Name).ToArray(),
                phones = entries.Select(e => e.Contact.Phone).ToArray(),
                emails = entries.Select(e => e.Contact.Email).ToArray(),
            },
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new DirectorySummary(leaders.Count(l => l.Inserted), leaders.Count(l => !l.Inserted), contactCount, 0);
    }
}
