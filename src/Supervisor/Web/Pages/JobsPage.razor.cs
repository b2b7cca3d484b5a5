using System.Globalization;
using System.Text.Json;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>
/// 作业: what the Hangfire Dashboard does not know — each job's working-day rule and the next fire it lets work, pause
/// and resume (admin; ours, kept in job_pauses), and our job_runs history (slot, node, outcome, summary). Schedules,
/// "trigger now", queues, retries and servers are on the dashboard, linked from here.
/// </summary>
public sealed partial class JobsPage
{
    public sealed record JobRuns(JobListRow Job, IReadOnlyList<JobRun> Runs);

    public sealed record View(IReadOnlyList<JobRuns> Jobs, TimeZoneInfo Zone) : IPageModel<JobsPage>;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/jobs", RenderAsync);
        pages.MapPost("/jobs/{name}/pause", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.PauseAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        pages.MapPost("/jobs/{name}/resume", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => ActAsync(jobs.ResumeAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
    }

    /// <summary>
    /// A run's summary (job_runs.summary, JSON of named numbers and words) as Chinese label/value pairs: known keys and
    /// words translated, rules and instants written the console's way; anything else shown as stored.
    /// </summary>
    public static IReadOnlyList<(string Label, string Value)> SummaryPairs(string? json, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return [("摘要", json)];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [("摘要", json)];
            }

            var fields = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
            var pairs = new List<(string, string)>();
            foreach (var (key, value) in fields.OrderBy(f => Labels.SummaryOrder(f.Key)).ThenBy(f => f.Key, StringComparer.Ordinal))
            {
                pairs.Add((Labels.SummaryKey(key), key switch
                {
                    // The runner's reason is an English sentence for the log; the page says it from the rule it names.
                    "skipped" when fields.TryGetValue("rule", out var rule) && Enum.TryParse<WorkingDayRule>(rule.GetString(), out var r) => $"不符合“{Labels.Rule(r)}”",
                    "rule" when Enum.TryParse<WorkingDayRule>(value.GetString(), out var r) => Labels.Rule(r),
                    // Instants (a pause, a retention cut-off) in the office's zone; plain dates stay as they are.
                    _ when value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 10 } text && text[10] == 'T'
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) => Format.Time(at, zone),
                    _ => Value(value),
                }));
            }

            return pairs;
        }
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "是",
        JsonValueKind.False => "否",
        JsonValueKind.Null or JsonValueKind.Undefined => Labels.None,
        JsonValueKind.String => Labels.SummaryValue(value.GetString() ?? ""),
        _ => value.GetRawText(),
    };

    private static async Task<IResult> ActAsync(Func<string, string, CancellationToken, Task> action, string name, HttpContext http, CancellationToken ct)
    {
        await action(name, PageContext.Actor(http), ct);
        return Results.Redirect("/jobs#" + Uri.EscapeDataString(name));
    }

    private static async Task<IResult> RenderAsync(JobControl jobs, JobRunStore runs, TimeZoneInfo zone, CancellationToken ct)
    {
        var list = new List<JobRuns>();
        foreach (var job in await jobs.ListAsync(ct))
        {
            list.Add(new JobRuns(job, await runs.RecentAsync(job.Name, 10, ct)));
        }

        return Render.Page(new View(list, zone));
    }
}
