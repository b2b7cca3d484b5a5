using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Supervisor.Core.Delivery;
using Supervisor.Core.Documents;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Delivery.Email;
using Supervisor.Infrastructure.Delivery.Robots;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Documents;

/// <summary>Configuration section "Digest": how the 通报 is issued.</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>On: the supervision-digest job makes a draft that an admin or supervisor releases (签发) in the console. Off: it is released at once.</summary>
    public bool RequireRelease { get; set; }

    /// <summary>The chart's yellow warning line (on-time rate); the red line is Supervision:RedBelowOnTimeRate.</summary>
    public double YellowLine { get; set; } = 0.8;

    /// <summary>Working days the units get to report their corrections: the date 下步工作要求 names.</summary>
    public int FeedbackWorkingDays { get; set; } = 5;

    public IEnumerable<string> Validate(double redLine)
    {
        if (YellowLine is <= 0 or > 1 || double.IsNaN(YellowLine))
        {
            yield return "Digest:YellowLine must be a rate between 0 and 1 (e.g. 0.8)";
        }
        else if (YellowLine < redLine)
        {
            yield return $"Digest:YellowLine ({YellowLine}) must not be below Supervision:RedBelowOnTimeRate ({redLine})";
        }

        if (FeedbackWorkingDays is < 1 or > 60)
        {
            yield return "Digest:FeedbackWorkingDays must be between 1 and 60";
        }
    }
}

/// <summary>What a supervision-digest pass did: made a draft, released (and queued), or found the period done.</summary>
public sealed record TongbaoRunResult(DateOnly Date, string Outcome, DigestIssue Issue, int Recipients, int Queued);

/// <summary>
/// The 通报's life: the job records the period's issue (a draft), releases it at once unless Digest:RequireRelease, and
/// releasing numbers it, keeps the document and queues the e-mails (HTML, XLSX, DOCX, the chart inline) in one go.
/// </summary>
public sealed class TongbaoService(
    SupervisionDigestComposer composer,
    DigestIssueStore issues,
    CalendarStore calendars,
    TemplateSet templates,
    IOptions<DigestOptions> options,
    IOptions<SupervisionOptions> supervision,
    IOptions<SmtpOptions> smtp,
    IOptions<OfficeOptions> office,
    IOptions<RobotOptions> robots,
    IOptions<SmsOptions> sms,
    IConfiguration configuration)
{
    public const string ChartContentId = "ontime-chart";
    public const string RequirementsTemplate = "supervision-digest.requirements.txt";
    public const string System = "system";

    public string Issuer => smtp.Value.FromName;

    /// <summary>One pass of supervision-digest for the period of <paramref name="at"/>; a second pass for the same period does nothing.</summary>
    public async Task<TongbaoRunResult> RunAsync(DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var digest = await composer.BuildAsync(at, ct);
        var issue = await issues.ForPeriodAsync(digest.Date, ct)
            ?? await issues.CreateDraftAsync(digest.Date, digest.AsOf, at, await RequirementsAsync(digest, ct), digest.Totals, now, ct);
        var recipients = Recipients(digest.Date).Count + OfficeRobots(digest.Date).Count + OfficeTexts(digest.Date).Count;
        if (issue.Released)
        {
            return new TongbaoRunResult(digest.Date, "already released", issue, recipients, 0);
        }

        if (options.Value.RequireRelease)
        {
            return new TongbaoRunResult(digest.Date, "draft awaiting release", issue, recipients, 0);
        }

        var (released, _, queued) = await ReleaseAsync(issue.Id, System, now, ct);
        return new TongbaoRunResult(digest.Date, "released", released, recipients, queued);
    }

    /// <summary>签发: numbers the issue, keeps its document and queues it to Supervision:OfficeEmails. Releasing twice does nothing more.</summary>
    public async Task<(DigestIssue Issue, bool Released, int Queued)> ReleaseAsync(long id, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var issue = await issues.FindAsync(id, ct) ?? throw new KeyNotFoundException($"digest issue {id} does not exist");
        if (issue.Released)
        {
            return (issue, false, 0);
        }

        // The report as of the instant the draft was made for: a draft released on Wednesday still reports Monday's week.
        var digest = await composer.BuildAsync(issue.GeneratedAt, ct);
        var previous = await issues.PreviousReleasedAsync(issue.PeriodDate, ct);
        var rendered = composer.Render(digest);
        var recipients = Recipients(digest.Date);
        return await issues.ReleaseAsync(id, actor, now, digest.Date, (locked, year, number) =>
        {
            var line = GongwenLayout.IssueNumber(year, number);
            var chart = Chart(digest);
            var docx = TongbaoWriter.Write(new TongbaoContent(digest, Issuer, line, locked.Requirements, Previous(previous), chart));
            var fileName = TongbaoWriter.FileName(line, digest.AsOf);
            IReadOnlyList<MessageAttachment> files =
            [
                new(fileName, MessageAttachment.Docx, docx),
                new(rendered.AttachmentName, MessageAttachment.Xlsx, rendered.Attachment),
                new("按期完成率.png", MessageAttachment.Png, chart.ToPng(), ChartContentId),
            ];
            var mails = recipients.Select(r => new QueuedMessage(r.Key, r.Address, Issuer, $"{rendered.Subject}（{line}）", rendered.Text, rendered.Html, files)).ToList();

            // The office's own work groups get the key figures and the link; its phones a text when Sms:Templates:Digest is set.
            var robotPosts = OfficeRobots(digest.Date);
            if (robotPosts.Count > 0)
            {
                var markdown = composer.Markdown(digest, line, ConsoleAddress() + "/digests/" + id.ToString(CultureInfo.InvariantCulture));
                mails.AddRange(robotPosts.Select(r => new QueuedMessage(r.Key, r.Address, Issuer, $"督查通报（{line}）", markdown, null, []) { Channel = r.Channel }));
            }

            var texts = OfficeTexts(digest.Date);
            if (texts.Count > 0)
            {
                var (text, variables) = composer.Sms(digest, sms.Value.SignName);
                mails.AddRange(texts.Select(t => new QueuedMessage(t.Key, t.Address, Issuer, null, text, null, [])
                {
                    Channel = Channels.Sms,
                    SmsTemplate = SmsTemplates.Name(SmsTemplateKind.Digest),
                    TemplateParams = variables,
                }));
            }

            return (fileName, docx, mails);
        }, ct);
    }

    /// <summary>
    /// The document for <c>supervisor digest --docx</c>: the released one for the period if there is one, else the
    /// period's draft text (or the template's) under the 期号 the next release would take. Writes nothing.
    /// </summary>
    public Task<(string FileName, byte[] Docx, string IssueLine)> PreviewAsync(DateTimeOffset at, CancellationToken ct) => PreviewAsync(at, null, ct);

    /// <summary>
    /// With <paramref name="plan"/>: that plan's 通报, titled with the plan, never the period's numbered issue (issues are
    /// over every plan); 期号 line and 下步工作要求 as a draft would have them.
    /// </summary>
    public async Task<(string FileName, byte[] Docx, string IssueLine)> PreviewAsync(DateTimeOffset at, (long Id, string Name)? plan, CancellationToken ct)
    {
        var digest = await composer.BuildAsync(at, plan, ct);
        var issue = plan is null ? await issues.ForPeriodAsync(digest.Date, ct) : null;
        if (issue is { Released: true } && await issues.DocxAsync(issue.Id, ct) is { } kept)
        {
            return (kept.FileName, kept.Docx, issue.IssueLine!);
        }

        var line = plan is null
            ? GongwenLayout.IssueNumber(digest.Date.Year, await issues.PeekNumberAsync(DigestIssueStore.TongbaoSeries, digest.Date.Year, ct))
            : $"{digest.Date.Year}年（按方案预览，不编号）";
        var requirements = issue?.Requirements ?? await RequirementsAsync(digest, ct);
        // The released issues are over every plan: a plan's preview has nothing comparable to set against.
        var previous = plan is null ? await issues.PreviousReleasedAsync(digest.Date, ct) : null;
        var docx = TongbaoWriter.Write(new TongbaoContent(digest, Issuer, line, requirements, Previous(previous), Chart(digest)));
        var fileName = TongbaoWriter.FileName(line, digest.AsOf);
        var planName = plan is { } p ? string.Concat(p.Name.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)) : null;
        return (planName is null ? fileName : fileName.Replace("督查通报", $"督查通报（{planName}）", StringComparison.Ordinal), docx, line);
    }

    /// <summary>A draft as it would read once released (the 期号 line says it is not yet numbered), for the console's preview.</summary>
    public async Task<(string FileName, byte[] Docx)?> DraftDocxAsync(long id, CancellationToken ct)
    {
        var issue = await issues.FindAsync(id, ct);
        if (issue is null || issue.Released)
        {
            return null;
        }

        var digest = await composer.BuildAsync(issue.GeneratedAt, ct);
        var previous = await issues.PreviousReleasedAsync(issue.PeriodDate, ct);
        var line = $"{issue.PeriodDate.Year}年第　期（草稿，签发时编号）";
        var docx = TongbaoWriter.Write(new TongbaoContent(digest, Issuer, line, issue.Requirements, Previous(previous), Chart(digest)));
        return ($"督查通报草稿（截至{digest.AsOf:yyyyMMdd}）.docx", docx);
    }

    public OnTimeChart Chart(SupervisionDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return OnTimeChart.Create($"各单位按期完成率（截至{GongwenLayout.Date(digest.AsOf)}）",
            digest.Ranking.Select(r => (r.Rate.Unit, r.Rate.Lead.OnTimeRate)), supervision.Value.RedBelowOnTimeRate, options.Value.YellowLine);
    }

    private static TongbaoPrevious? Previous(DigestIssue? previous) =>
        previous is { IssueLine: { } line } ? new TongbaoPrevious(line, previous.AsOf, previous.Totals) : null;

    private List<(string Key, string Address)> Recipients(DateOnly date) => office.Value.OfficeEmails
        .Select(e => e.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal)
        .Select(a => (MessageKey.For(a, Channels.Email, SupervisionDigestComposer.Kind, date), a)).ToList();

    /// <summary>The office's group robots (Robots:Office) with their keys: platform + a hash of the URL, never the URL (it holds the robot's key).</summary>
    private List<(string Key, string Channel, string Address)> OfficeRobots(DateOnly date) => robots.Value.Office.Robots()
        .Select(r => (MessageKey.For(MessageKey.RobotAddress(r.Channel, r.Url), r.Channel, SupervisionDigestComposer.Kind, date), r.Channel, r.Url)).ToList();

    /// <summary>The office's phones (Supervision:OfficePhones), only when the provider has a Digest template (Sms:Templates:Digest).</summary>
    private List<(string Key, string Address)> OfficeTexts(DateOnly date) => string.IsNullOrWhiteSpace(sms.Value.Templates.Digest)
        ? []
        : office.Value.OfficePhones.Select(p => p.Trim()).Distinct(StringComparer.Ordinal)
            .Select(p => (MessageKey.For(p, Channels.Sms, SupervisionDigestComposer.Kind, date), p)).ToList();

    /// <summary>
    /// The console's address as the office reaches it (Console:PublicUrl, else the first of Console:Urls), read from the
    /// configuration rather than the signed-link options: those insist on Console:LinkSecret, which a digest does not need.
    /// </summary>
    private string ConsoleAddress()
    {
        var console = configuration.GetSection(SignedLinkOptions.Section);
        var address = console[nameof(SignedLinkOptions.PublicUrl)] is { Length: > 0 } p ? p : new SignedLinkOptions { Urls = console[nameof(SignedLinkOptions.Urls)] ?? new SignedLinkOptions().Urls }.BaseUrl;
        return address.TrimEnd('/');
    }

    /// <summary>下步工作要求 from the office's template, with the period's figures filled in; the office edits it before release.</summary>
    public async Task<string> RequirementsAsync(SupervisionDigest digest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var calendar = await calendars.LoadAsync(ct);
        var red = digest.Ranking.Where(r => r.Rate.Light == Light.Red).Select(r => r.Rate.Unit).ToList();
        var redLine = supervision.Value.RedBelowOnTimeRate;
        var overdueUnits = digest.Overdue.SelectMany(o => o.Row.Units.Split('、', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).Count();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["asOf"] = GongwenLayout.Date(digest.AsOf),
            ["date"] = GongwenLayout.Date(digest.Date),
            ["office"] = Issuer,
            ["overdue"] = digest.Totals.OverdueOpen,
            ["overdueUnits"] = overdueUnits,
            ["onTimeRate"] = RateText.Percent(digest.Totals.OnTimeRate),
            ["redLine"] = (redLine * 100).ToString("0", CultureInfo.InvariantCulture) + "%",
            ["redCount"] = red.Count,
            ["redUnits"] = red.Count == 0 ? "无" : string.Join("、", red.Take(10)) + (red.Count > 10 ? "等" : ""),
            ["feedbackDate"] = GongwenLayout.Date(calendar.AddWorkingDays(digest.Date, options.Value.FeedbackWorkingDays)),
        };
        return templates.LoadOne(RequirementsTemplate, html: false).Render(values).Trim();
    }
}
