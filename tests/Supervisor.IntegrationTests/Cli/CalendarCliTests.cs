using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Cli;

public sealed class CalendarCliTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task CalendarShow_February2026_MarksTheSpringFestivalAndBothMakeUpSaturdays()
    {
        var result = await SupervisorProcess.RunAsync(["calendar", "show", "2026-02"], SupervisorProcess.Env(_db));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2026-02-14 Saturday  make-up working day", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("2026-02-28 Saturday  make-up working day", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("2026-02-16 Monday    holiday", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("[16]", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("  14 ", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CalendarImport_AddsAYear_AndRejectsABadLineByNumber()
    {
        var dir = Directory.CreateTempSubdirectory("supervisor-cal-").FullName;
        try
        {
            var good = Path.Combine(dir, "2027.csv");
            await File.WriteAllTextAsync(good, "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节\n");
            var bad = Path.Combine(dir, "bad.csv");
            await File.WriteAllTextAsync(bad, "date,kind,name\n2027-05-01,holiday,劳动节\n2027-13-01,holiday,错\n");
            var env = SupervisorProcess.Env(_db);

            var imported = await SupervisorProcess.RunAsync(["calendar", "import", good], env);
            var shown = await SupervisorProcess.RunAsync(["calendar", "show", "2027-02"], env);
            var rejected = await SupervisorProcess.RunAsync(["calendar", "import", bad], env);

            Assert.Equal(0, imported.ExitCode);
            Assert.Contains("2027-02-20 Saturday  make-up working day", shown.StdOut, StringComparison.Ordinal);
            Assert.Equal(2, rejected.ExitCode);
            Assert.Contains("line 3", rejected.StdErr, StringComparison.Ordinal);
            var may = await SupervisorProcess.RunAsync(["calendar", "show", "2027-05"], env);
            Assert.DoesNotContain("2027-05-01", may.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
