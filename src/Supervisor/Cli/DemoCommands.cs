using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Evidence;
using Supervisor.Infrastructure.Demo;
using Supervisor.Web.Evidence;

namespace Supervisor.Cli;

/// <summary><c>demo activity --plan ID [--photo FILE]</c>: the sample activity scripts/load-demo records on the demo plan.</summary>
public static class DemoCommands
{
    public static Command Demo()
    {
        var demo = new Command("demo", "The demo that scripts/run loads (never for a real plan).");
        var plan = new Option<long>("--plan") { Description = "The demo plan's id (import prints it: Saved plan #N)", Required = true };
        var photo = new Option<string?>("--photo") { Description = "An image attached to the application left waiting for review (checked like an upload)" };
        var activity = new Command(
            "activity",
            "Record sample activity on the demo plan, dated in the past, as the actor 'demo': 签收, progress reports, completions on time and late, "
            + "one 办结 application waiting for review (with the photo) and one returned. Once per plan; milestones someone already acted on are left alone.")
        {
            plan, photo,
        };
        activity.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var file = parse.GetValue(photo) is { } path ? ReadPhoto(path, services.GetRequiredService<IOptions<EvidenceOptions>>().Value) : null;
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                var result = await services.GetRequiredService<DemoActivity>().RecordAsync(parse.GetValue(plan), file, now, token);
                Console.WriteLine(result.RecordedBefore is { } before
                    ? FormattableString.Invariant($"Demo activity on plan #{result.PlanId} was recorded on {before:yyyy-MM-dd HH:mm} UTC; nothing changed.")
                    : FormattableString.Invariant(
                        $"Recorded demo activity on plan #{result.PlanId}: {result.Signatures} 签收, {result.Reports} progress reports, {result.DoneOnTime} milestones done on time, {result.DoneLate} late, {result.AwaitingReview} awaiting review (待审核), {result.Returned} returned (退回), {result.Snapshots} rate snapshots; {result.LeftAlone} milestones someone had acted on were left alone."));
                return ExitCodes.Ok;
            },
            ct));
        demo.Subcommands.Add(activity);
        return demo;
    }

    /// <summary>The photo as an upload would be accepted: within Evidence:MaxBytes and an accepted type by its content.</summary>
    private static EvidenceFile ReadPhoto(string path, EvidenceOptions options)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new BadInputException($"--photo {path}: no such file");
        }

        if (info.Length > options.MaxBytes)
        {
            throw new BadInputException($"--photo {path}: {info.Length} bytes, more than Evidence:MaxBytes ({options.MaxBytesText})");
        }

        var bytes = File.ReadAllBytes(path);
        var (type, refusal) = EvidenceTypes.Recognise(bytes, info.Name);
        if (type is null)
        {
            throw new BadInputException($"--photo {path}: {refusal}");
        }

        return new EvidenceFile(EvidenceTypes.SafeFileName(info.Name, type), type, bytes, SHA256.HashData(bytes));
    }
}
