using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Supervisor.Core.Delivery;

/// <summary>
/// The office edits message texts as files. A template is text with <c>{{name}}</c> placeholders and repeated sections
/// <c>{{#items}}…{{/items}}</c> (each item's own names inside). Values are HTML-encoded when the template is HTML.
/// An unknown name renders empty, so a typo in an edited template shows as a gap rather than stopping delivery.
/// </summary>
public sealed partial class Template
{
    private readonly string _text;
    private readonly bool _html;

    public Template(string text, bool html)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        _html = html;
    }

    public string Render(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var withSections = SectionPattern().Replace(_text, m =>
        {
            if (values.GetValueOrDefault(m.Groups["name"].Value) is not IEnumerable<IReadOnlyDictionary<string, object?>> items)
            {
                return "";
            }

            var body = m.Groups["body"].Value;
            var rendered = new StringBuilder();
            foreach (var item in items)
            {
                rendered.Append(Substitute(body, item, values));
            }

            return rendered.ToString();
        });
        return Substitute(withSections, values, values);
    }

    private string Substitute(string text, IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, object?> outer) =>
        PlaceholderPattern().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            var value = values.TryGetValue(name, out var v) ? v : outer.GetValueOrDefault(name);
            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return _html ? WebUtility.HtmlEncode(text) : text;
        });

    [GeneratedRegex(@"\{\{#(?<name>[A-Za-z0-9_]+)\}\}(?<body>.*?)\{\{/\k<name>\}\}", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z0-9_]+)\}\}")]
    private static partial Regex PlaceholderPattern();
}
