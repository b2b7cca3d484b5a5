using Microsoft.Extensions.Options;
using Supervisor.Core.Delivery;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>The texts of one kind of message, read from the files the office edits: NAME.subject.txt, NAME.txt, NAME.html, NAME.sms.txt.</summary>
public sealed record MessageTemplates(Template Subject, Template Text, Template Html, Template Sms)
{
    /// <summary>NAME.md: the work-group robots' markdown; only kinds that go to groups have one.</summary>
    public Template? Markdown { get; init; }

    /// <summary>NAME.acknowledge.sms.txt: the text of a day's SMS that carries only 签收 reminders (unit-digest).</summary>
    public Template? AcknowledgeSms { get; init; }
}

/// <summary>Reads templates from <c>Delivery:TemplateDirectory</c> on each use, so an edited file takes effect at the next pass.</summary>
public sealed class TemplateSet(IOptions<DeliveryOptions> options)
{
    public string Directory => Path.GetFullPath(options.Value.TemplateDirectory, AppContext.BaseDirectory);

    public MessageTemplates Load(string name) => new(
        new Template(Read(name + ".subject.txt").Trim(), html: false),
        new Template(Read(name + ".txt"), html: false),
        new Template(Read(name + ".html"), html: true),
        new Template(Read(name + ".sms.txt").Trim(), html: false))
    {
        Markdown = File.Exists(Path.Combine(Directory, name + ".md")) ? new Template(Read(name + ".md"), html: false) : null,
        AcknowledgeSms = File.Exists(Path.Combine(Directory, name + ".acknowledge.sms.txt")) ? new Template(Read(name + ".acknowledge.sms.txt").Trim(), html: false) : null,
    };

    public Template LoadOne(string file, bool html) => new(Read(file), html);

    private string Read(string file)
    {
        var path = Path.Combine(Directory, file);
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"message template {path} is missing (Delivery:TemplateDirectory)", path);
    }
}
