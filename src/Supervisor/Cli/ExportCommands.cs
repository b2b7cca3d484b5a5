using System.CommandLine;
using System.Globalization;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Cli;

/// <summary><c>export plan</c>: a stored plan as an XLSX 台账 that <c>import</c> reads back.</summary>
public static class ExportCommands
{
    public static readonly IReadOnlyList<string> PlanHeader = ["序号", "所属板块", "工作任务", "责任领导", "牵头单位", "责任单位", "完成时限"];

    public static Command Export()
    {
        var export = new Command("export", "Export stored data as XLSX.");
        var title = new Option<string?>("--title") { Description = "Plan title (when several plans are stored)" };
        var year = new Option<int?>("--year") { Description = "Plan year" };
        var file = new Argument<string>("FILE") { Description = "The .xlsx file to write" };
        var plan = new Command("plan", "Export a plan's tasks as a 台账 (序号, 所属板块, 工作任务, 责任领导, 牵头单位, 责任单位, 完成时限).") { file, title, year };
        plan.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var (planTitle, planYear, tasks) = await services.GetRequiredService<PlanExportStore>().LoadAsync(parse.GetValue(title), parse.GetValue(year), token);
                var rows = tasks.Select(t => (IReadOnlyList<object?>)
                [
                    t.Code,
                    t.SectionPath,
                    t.FullText,
                    string.Join("、", t.Leaders),
                    string.Join("、", t.LeadUnits),
                    string.Join("、", t.CoUnits.Concat(t.UnitGroups)),
                    t.Deadline is { } d ? d.ToString("yyyy年M月d日前", CultureInfo.InvariantCulture) : "",
                ]);
                var path = parse.GetValue(file)!;
                await using (var stream = File.Create(path))
                {
                    XlsxWriter.Write(stream, [new XlsxSheet("任务清单", PlanHeader, rows)]);
                }

                Console.WriteLine($"Wrote {tasks.Count} tasks of {planTitle} ({planYear}) to {path}.");
                return ExitCodes.Ok;
            },
            ct));
        export.Subcommands.Add(plan);
        return export;
    }
}
