using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

public sealed record ExportedTask(
    string Code,
    string SectionPath,
    string FullText,
    string[] Leaders,
    string[] LeadUnits,
    string[] CoUnits,
    string[] UnitGroups,
    DateOnly? Deadline);

/// <summary>Reads a stored plan back as the rows of a 台账 (the shape the table importer reads).</summary>
public sealed class PlanExportStore(NpgsqlDataSource dataSource)
{
    public async Task<(string Title, int Year, IReadOnlyList<ExportedTask> Tasks)> LoadAsync(string? title, int? year, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string findPlan = """
            select id, title, year from plans
            where (@title::text is null or title = @title) and (@year::int is null or year = @year)
            order by updated_at desc
            """;
        var plans = (await connection.QueryAsync<(long Id, string Title, int Year)>(new CommandDefinition(findPlan, new { title, year }, cancellationToken: ct))).ToList();
        if (plans.Count == 0)
        {
            throw new BadInputException($"no plan matches{(title is null ? "" : $" title '{title}'")}{(year is null ? "" : $" year {year}")}");
        }

        if (plans.Count > 1)
        {
            throw new BadInputException($"{plans.Count} plans match; name one with --title and --year: {string.Join("; ", plans.Select(p => $"{p.Title} ({p.Year})"))}");
        }

        const string tasks = """
            select t.code, coalesce(s.path, '') as section_path, t.full_text,
                   coalesce((select array_agg(l.name order by tl.position) from task_leaders tl join leaders l on l.id = tl.leader_id where tl.task_id = t.id), '{}') as leaders,
                   coalesce((select array_agg(u.name order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'lead'), '{}') as lead_units,
                   coalesce((select array_agg(u.name order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'co'), '{}') as co_units,
                   coalesce((select array_agg(g.name order by tg.position) from task_unit_groups tg join unit_groups g on g.id = tg.group_id where tg.task_id = t.id), '{}') as unit_groups,
                   t.deadline
            from tasks t left join sections s on s.id = t.section_id
            where t.plan_id = @planId
            order by t.position
            """;
        var rows = await connection.QueryAsync<(string Code, string SectionPath, string FullText, string[] Leaders, string[] LeadUnits, string[] CoUnits, string[] UnitGroups, DateTime? Deadline)>(
            new CommandDefinition(tasks, new { planId = plans[0].Id }, cancellationToken: ct));
        return (plans[0].Title, plans[0].Year, rows.Select(r => new ExportedTask(
            r.Code, r.SectionPath, r.FullText, r.Leaders, r.LeadUnits, r.CoUnits, r.UnitGroups, r.Deadline is { } d ? DateOnly.FromDateTime(d) : null)).ToList());
    }
}
