using System.CommandLine;
using Supervisor.Core;
using Supervisor.Core.Delivery;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;

namespace Supervisor.Cli;

/// <summary><c>preview</c>: what the next compose would send, nothing written or sent.</summary>
public static class DeliveryCommands
{
    public static Command Preview()
    {
        var unit = new Option<string?>("--unit") { Description = "Messages for this unit's contacts (unit name as in the directory)" };
        var recipient = new Option<string?>("--recipient") { Description = "Messages to this e-mail address or phone number" };
        var asOf = new Option<string?>("--as-of") { Description = "Compose as of this instant or date (default now)" };
        var html = new Option<bool>("--html") { Description = "Print the HTML part of e-mails too" };
        var json = new Option<bool>("--json") { Description = "Print the messages as JSON (subject, text, HTML, SMS)" };
        var command = new Command("preview", "Print exactly what unit-digest / reminder-dispatch would compose from the reminders owed now; sends and writes nothing.")
        {
            unit, recipient, asOf, html, json,
        };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(unit) is null) == (r.GetValue(recipient) is null))
            {
                r.AddError("give exactly one of --unit or --recipient");
            }
        });
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var zone = services.GetRequiredService<TimeZoneInfo>();
                var now = parse.GetValue(asOf) is { } text ? AsOf.Parse(text, zone) : services.GetRequiredService<TimeProvider>().GetUtcNow();
                var composition = await services.GetRequiredService<ReminderComposer>().PreviewAsync(now, token);
                var unitName = parse.GetValue(unit);
                var address = parse.GetValue(recipient)?.Trim().ToLowerInvariant();
                long? unitId = null;
                if (unitName is not null)
                {
                    var units = await services.GetRequiredService<Supervisor.Infrastructure.Postgres.DirectoryStore>().LoadDirectoryAsync(token);
                    if (!units.Any(u => u.Name == unitName))
                    {
                        throw new BadInputException($"--unit: no unit named '{unitName}'");
                    }

                    unitId = await UnitIdAsync(services, unitName, token);
                }

                var messages = composition.Messages.Where(m => address is not null ? m.Address == address : m.UnitId == unitId).ToList();
                var gaps = composition.Gaps.Where(g => unitId is not null && g.UnitId == unitId).ToList();
                if (parse.GetValue(json))
                {
                    Json.Print(new
                    {
                        messages = messages.Select(m => new
                        {
                            m.Key, m.Channel, m.Kind, to = Shown(m), m.Name, m.Subject, text = m.BodyText, html = m.BodyHtml,
                            smsLength = m.Channel == Channels.Sms ? SmsText.Length(m.BodyText) : (int?)null, request = Request(services, m),
                        }),
                        unreachable = gaps.Select(g => new { g.Who, g.Reason }),
                    });
                    return ExitCodes.Ok;
                }

                if (messages.Count == 0)
                {
                    Console.WriteLine("Nothing would be sent: no uncomposed reminders for it (run `supervisor scan` first?).");
                }

                foreach (var m in messages)
                {
                    Console.WriteLine($"=== {m.Channel} to {m.Name} <{Shown(m)}>  key {m.Key}");
                    if (m.Channel == Channels.Email)
                    {
                        Console.WriteLine("Subject: " + m.Subject);
                        Console.WriteLine();
                        Console.WriteLine(m.BodyText);
                        if (parse.GetValue(html))
                        {
                            Console.WriteLine("--- HTML");
                            Console.WriteLine(m.BodyHtml);
                        }
                    }
                    else if (m.Channel == Channels.Sms)
                    {
                        Console.WriteLine($"{m.BodyText}  ({SmsText.Length(m.BodyText)}/{SmsText.SegmentLength})");
                    }
                    else
                    {
                        Console.WriteLine(m.BodyText);
                    }

                    // What the configured channel would put on the wire for it, secrets masked.
                    if (Request(services, m) is { } request)
                    {
                        Console.WriteLine($"--- {request.Method} {request.Url}");
                        foreach (var (name, value) in request.Headers)
                        {
                            Console.WriteLine($"{name}: {value}");
                        }

                        Console.WriteLine(request.Body);
                    }

                    Console.WriteLine();
                }

                foreach (var g in gaps)
                {
                    Console.WriteLine($"!!! {g.Who}: {g.Reason} (recorded for the office digest)");
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    /// <summary>A robot's address is its webhook URL, which holds its key: shown masked.</summary>
    private static string Shown(ComposedMessage m) => Channels.IsRobot(m.Channel) ? SecretMask.Url(m.Address) : m.Address;

    /// <summary>The provider request the configured sender of the message's channel would make, or null for e-mail.</summary>
    private static ProviderRequest? Request(IServiceProvider services, ComposedMessage m)
    {
        if (m.Channel == Channels.Email || services.GetKeyedService<IMessageSender>(m.Channel) is not IDescribedSender sender)
        {
            return null;
        }

        var message = new OutboxMessage(0, m.Key, m.Channel, m.Kind, m.LocalDate, m.Address, m.Name, m.Subject, m.BodyText, m.BodyHtml, [], 0, DateTimeOffset.UnixEpoch)
        {
            SmsTemplate = m.SmsTemplate,
            TemplateParams = m.TemplateParams,
        };
        return sender.Describe(message);
    }

    public static Command Dispatch()
    {
        var once = new Option<bool>("--once") { Description = "One pass: send everything due now, then exit" };
        var json = new Option<bool>("--json") { Description = "Print the pass totals as JSON" };
        var command = new Command("dispatch", "Send due messages (what reminder-dispatch does); without --once, keep polling until stopped.") { once, json };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var worker = Dispatcher.NewWorkerId();
                var time = services.GetRequiredService<TimeProvider>();
                var poll = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.PollInterval;
                var outage = TimeSpan.Zero;
                while (true)
                {
                    DispatchResult result;
                    try
                    {
                        using var scope = services.CreateScope();
                        result = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(time, worker, token);
                        outage = TimeSpan.Zero;
                    }
                    catch (Exception ex) when (!parse.GetValue(once) && IsTransientOutage(ex))
                    {
                        // The database (restart, fail-over) or the network is away: keep the process, wait, try again.
                        // Claims of the broken pass are still leased to this worker and come back when the lease ends.
                        outage = outage == TimeSpan.Zero ? poll : TimeSpan.FromTicks(Math.Min(outage.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                        Console.Error.WriteLine($"supervisor: dispatch pass failed ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}); retrying in {outage.TotalSeconds:F1} s");
                        try
                        {
                            await Task.Delay(outage, time, token);
                        }
                        catch (OperationCanceledException)
                        {
                            return ExitCodes.Ok;
                        }

                        continue;
                    }

                    if (parse.GetValue(json))
                    {
                        Json.Print(result);
                    }
                    else if (parse.GetValue(once) || result.Claimed > 0)
                    {
                        Console.WriteLine($"claimed {result.Claimed}: sent {result.Sent}, retrying {result.Retrying}, dead {result.Dead}, held {result.Held} (escalations queued {result.Composed})");
                    }

                    if (parse.GetValue(once))
                    {
                        return ExitCodes.Ok;
                    }

                    try
                    {
                        await Task.Delay(poll, time, token);
                    }
                    catch (OperationCanceledException)
                    {
                        return ExitCodes.Ok;
                    }
                }
            },
            ct));
        return command;
    }

    public static Command Digest()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Build it as if sent at this instant or date (default now); figures are as of the end of the day before" };
        var output = new Option<string?>("--out") { Description = "Write the HTML mail body to this file" };
        var xlsx = new Option<string?>("--xlsx") { Description = "Write the XLSX attachment (full tables) to this file" };
        var docx = new Option<string?>("--docx") { Description = "Write the 通报 as a Word document (公文 format, with the chart) to this file" };
        var plan = new Option<long?>("--plan") { Description = "Only this plan's tasks (its id, as `supervisor export plan` and the console show it); the title names the plan" };
        var command = new Command("digest", "Build the office's 督查通报 (what supervision-digest queues) and write it; sends and queues nothing.") { asOf, output, xlsx, docx, plan };
        command.SetAction((parse, ct) => CliHost.RunAsync(
            async (services, token) =>
            {
                var zone = services.GetRequiredService<TimeZoneInfo>();
                var at = parse.GetValue(asOf) is { } text ? AsOf.Parse(text, zone) : services.GetRequiredService<TimeProvider>().GetUtcNow();
                var composer = services.GetRequiredService<SupervisionDigestComposer>();
                (long, string)? planNamed = null;
                if (parse.GetValue(plan) is { } planId)
                {
                    var found = (await services.GetRequiredService<Supervisor.Infrastructure.Postgres.TaskQueries>().PlansAsync(token)).FirstOrDefault(p => p.Id == planId);
                    if (found.Title is null)
                    {
                        throw new BadInputException($"--plan {planId}: no such plan");
                    }

                    planNamed = (planId, $"{found.Year} {found.Title}");
                }

                var digest = composer.Render(await composer.BuildAsync(at, planNamed, token));
                var htmlPath = parse.GetValue(output);
                var xlsxPath = parse.GetValue(xlsx);
                var docxPath = parse.GetValue(docx);
                if (htmlPath is not null)
                {
                    // The mail shows the chart inline (cid:); beside the file it is a PNG the page links to.
                    var tongbao = services.GetRequiredService<TongbaoService>();
                    var png = Path.ChangeExtension(htmlPath, ".chart.png");
                    await File.WriteAllBytesAsync(png, tongbao.Chart(await composer.BuildAsync(at, planNamed, token)).ToPng(), token);
                    var html = digest.Html.Replace("cid:" + TongbaoService.ChartContentId, Uri.EscapeDataString(Path.GetFileName(png)), StringComparison.Ordinal);
                    await File.WriteAllTextAsync(htmlPath, html, System.Text.Encoding.UTF8, token);
                    Console.WriteLine($"Wrote {htmlPath} ({digest.Subject}) and its chart {png}.");
                }

                if (docxPath is not null)
                {
                    var (fileName, bytes, issueLine) = await services.GetRequiredService<TongbaoService>().PreviewAsync(at, planNamed, token);
                    await File.WriteAllBytesAsync(docxPath, bytes, token);
                    Console.WriteLine($"Wrote {docxPath} ({issueLine}; in the e-mail: {fileName}).");
                }

                if (xlsxPath is not null)
                {
                    await File.WriteAllBytesAsync(xlsxPath, digest.Attachment, token);
                    Console.WriteLine($"Wrote {xlsxPath} (the attachment {digest.AttachmentName}).");
                }

                if (htmlPath is null && xlsxPath is null && docxPath is null)
                {
                    Console.WriteLine("Subject: " + digest.Subject);
                    Console.WriteLine();
                    Console.WriteLine(digest.Text);
                }

                return ExitCodes.Ok;
            },
            ct));
        return command;
    }

    private static async Task<long> UnitIdAsync(IServiceProvider services, string name, CancellationToken ct)
    {
        await using var connection = await services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync(ct);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, new Dapper.CommandDefinition("select id from units where name = @name", new { name }, cancellationToken: ct));
    }

    /// <summary>Failures that say "the database or network is away for now", not "this is broken".</summary>
    private static bool IsTransientOutage(Exception ex) => ex switch
    {
        Npgsql.PostgresException p => p.IsTransient || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        Npgsql.NpgsqlException => true,
        System.Net.Sockets.SocketException or TimeoutException or IOException => true,
        _ => ex.InnerException is not null && IsTransientOutage(ex.InnerException),
    };
}
