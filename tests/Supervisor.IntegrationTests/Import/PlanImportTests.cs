using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Import;

public sealed class PlanImportTests : MigratedDatabaseTest
{
    private Task<PlanImportResult> ImportAsync(string path, int? year = 2023, string? title = null, bool dryRun = false) =>
        Services.GetRequiredService<PlanImportService>().ImportAsync(new PlanImportRequest(path, year, title, PlanFileFormat.Auto, dryRun), CancellationToken.None);

    [Fact]
    public async Task Import_Seed003_StoresItem12WithLeaderLeadCoUnitsAndGroup()
    {
        var result = await ImportAsync(SharedFiles.Seed("003"));

        Assert.Equal(21, result.Summary!.TasksCreated);
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        const string sql = """
            select u.name, tu.role from task_units tu join units u on u.id = tu.unit_id join tasks t on t.id = tu.task_id
            where t.code = '12' order by tu.position
            """;
        var units = (await connection.QueryAsync<(string Name, string Role)>(sql)).ToList();
        Assert.Equal(("区交通运输局", "lead"), units[0]);
        Assert.Contains(("区发改局", "co"), units);
        Assert.Contains(("区自然资源和规划局", "co"), units);
        Assert.Equal("洪声耀", await connection.QuerySingleAsync<string>(
            "select l.name from task_leaders tl join leaders l on l.id = tl.leader_id join tasks t on t.id = tl.task_id where t.code = '12'"));
        Assert.Equal("相关乡镇办", await connection.QuerySingleAsync<string>(
            "select g.name from task_unit_groups tg join unit_groups g on g.id = tg.group_id join tasks t on t.id = tg.task_id where t.code = '12'"));
        Assert.Equal(2, await connection.QuerySingleAsync<int>(
            "select count(*)::int from task_leaders tl join tasks t on t.id = tl.task_id where t.code = '7'"));
    }

    [Fact]
    public async Task ImportingTheSamePlanTwice_LeavesIdenticalRowCounts()
    {
        await ImportAsync(SharedFiles.Seed("003"));
        await ImportAsync(SharedFiles.Seed("001"), year: 2023, title: "打好经济增长主动仗工作方案");
        var first = await RowCounts.ReadAsync(Db.DataSource);

        var again = await ImportAsync(SharedFiles.Seed("003"));
        await ImportAsync(SharedFiles.Seed("001"), year: 2023, title: "打好经济增长主动仗工作方案");

        Assert.Equal(first, await RowCounts.ReadAsync(Db.DataSource));
        Assert.Equal(0, again.Summary!.TasksCreated);
        Assert.Equal(21, again.Summary.TasksUpdated);
        Assert.Equal(0, again.Summary.MilestonesCreated);
    }

    [Fact]
    public async Task Reimport_KeepsTheCompletionOfDoneMilestones()
    {
        await ImportAsync(SharedFiles.Seed("003"));
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var completedAt = new DateTimeOffset(2023, 3, 20, 10, 0, 0, TimeSpan.FromHours(8));
        var id = await connection.QuerySingleAsync<long>("select id from milestones order by due_date, id limit 1");
        await connection.ExecuteAsync("update milestones set status = 'done', completed_at = @completedAt where id = @id", new { id, completedAt = completedAt.ToUniversalTime() });

        await ImportAsync(SharedFiles.Seed("003"));

        var row = await connection.QuerySingleAsync<(string Status, DateTime CompletedAt)>("select status, completed_at from milestones where id = @id", new { id });
        Assert.Equal("done", row.Status);
        Assert.Equal(completedAt.UtcDateTime, row.CompletedAt.ToUniversalTime());
    }

    [Fact]
    public async Task DryRun_ParsesButWritesNothing()
    {
        var before = await RowCounts.ReadAsync(Db.DataSource);

        var result = await ImportAsync(SharedFiles.Seed("003"), dryRun: true);

        Assert.Null(result.Summary);
        Assert.Equal(21, result.Plan.Tasks.Count);
        Assert.Equal(before, await RowCounts.ReadAsync(Db.DataSource));
    }

    [Theory]
    [InlineData("000")]
    [InlineData("002")]
    [InlineData("004")]
    public async Task SeedsWithoutClauses_ImportFlaggedWithNoUnitInvented(string seed)
    {
        var result = await ImportAsync(SharedFiles.Seed(seed));

        Assert.NotEmpty(result.Plan.Tasks);
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from units"));
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from task_units"));
        Assert.Equal(result.Plan.Tasks.Count, await connection.QuerySingleAsync<int>("select count(*)::int from tasks where no_responsible_unit"));
        Assert.Equal(result.Plan.Tasks.Count, result.Plan.Warnings.Count(w => w.Message.Contains("责任单位", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Gb18030Text_ImportsTheSameTasksAsUtf8()
    {
        var utf8 = await ImportAsync(SharedFiles.Seed("003"), dryRun: true);
        var gbPath = Path.Combine(Path.GetTempPath(), $"seed003-gb18030-{Guid.NewGuid():N}.txt");
        await File.WriteAllBytesAsync(gbPath, TextDecoder.Gb18030.GetBytes(await File.ReadAllTextAsync(SharedFiles.Seed("003"))));
        try
        {
            var gb = await ImportAsync(gbPath, dryRun: true);

            Assert.Equal("GB18030", gb.File.Encoding);
            Assert.Equal(utf8.Plan.Tasks.Select(t => (t.Source.Code, t.Source.Title, string.Join("、", t.LeadUnits))), gb.Plan.Tasks.Select(t => (t.Source.Code, t.Source.Title, string.Join("、", t.LeadUnits))));
        }
        finally
        {
            File.Delete(gbPath);
        }
    }

    [Fact]
    public async Task Import_NormalisesUnitsAgainstTheDirectory_WhenTheDirectoryHasAliases()
    {
        var demo = Path.Combine(RepoFiles.Root, "demo");
        var env = SupervisorProcess.Env(Db);
        Assert.Equal(0, (await SupervisorProcess.RunAsync(["units", "import", Path.Combine(demo, "units.csv")], env)).ExitCode);

        var result = await ImportAsync(Path.Combine(demo, "plan-2026.txt"), year: 2026);

        var names = result.Plan.Units.Select(u => u.Name).ToHashSet();
        Assert.Contains("县发展和改革局", names);
        Assert.Contains("县住房和城乡建设局", names);
        Assert.DoesNotContain("县发改局", names);
        Assert.Equal(8, names.Count);
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        Assert.Equal(8, await connection.QuerySingleAsync<int>("select count(*)::int from units"));
    }
}
