using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Supervisor.Core.Delivery;

/// <summary>
/// The office edits message texts as files. A template is text with <c>{{name}}</c> placeholders and repeated sections
/// <c>{{#items}}…{{/items}}</c> (each item's own names inside; sections nest). Values are HTML-encoded when the template is HTML.
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
        return Render(_text, [values]);
    }

    /// <summary>
    /// Sections nest (a task's <c>{{#milestones}}</c> inside <c>{{#tasks}}</c>): a section's body is rendered with the
    /// item's names first, then the enclosing items', then the top-level values. Nested sections need distinct names.
    /// </summary>
    private string Render(string text, IReadOnlyList<IReadOnlyDictionary<string, object?>> scopes)
    {
        var withSections = SectionPattern().Replace(text, m =>
        {
            if (Lookup(m.Groups["name"].Value, scopes) is not IEnumerable<IReadOnlyDictionary<string, object?>> items)
            {
                return "";
            }

            var body = m.Groups["body"].Value;
            var rendered = new StringBuilder();
            foreach (var item in items)
            {
                rendered.Append(Render(body, [item, .. scopes]));
            }

            return rendered.ToString();
        });
        return PlaceholderPattern().Replace(withSections, m =>
        {
            var text = Convert.ToString(Lookup(m.Groups["name"].Value, scopes), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return _html ? WebUtility.HtmlEncode(text) : text;
        });
    }

    private static object? Lookup(string name, IReadOnlyList<IReadOnlyDictionary<string, object?>> scopes)
    {
        foreach (var scope in scopes)
        {
            if (scope.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\{\{#(?<name>[A-Za-z0-9_]+)\}\}(?<body>.*?)\{\{/\k<name>\}\}", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z0-9_]+)\}\}")]
    private static partial Regex PlaceholderPattern();
}
