using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// Reads a page saved from a government website into the lines the text parser takes: the charset from the BOM or the
/// meta tag (GB2312/GBK read as GB18030, their superset), navigation, scripts, forms and footers skipped, block
/// elements and &lt;br&gt; as line breaks, &lt;table&gt; as pipe rows with colspan/rowspan repeated.
/// </summary>
public static partial class HtmlReader
{
    private static readonly string[] Skipped = ["script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "select", "button", "svg", "head"];

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "header", "tr", "body", "html",
    };

    public static (string Text, string Encoding) Read(byte[] bytes, string displayName, int maxCells)
    {
        var (html, encoding) = Decode(bytes, displayName);
        var parser = new HtmlParser();
        using var document = parser.ParseDocument(html);
        foreach (var element in document.QuerySelectorAll(string.Join(',', Skipped)).ToList())
        {
            element.Remove();
        }

        // Site chrome marked by class or id rather than by element: menus, breadcrumbs, share bars, page footers.
        foreach (var element in document.All.Where(e => Chrome().IsMatch((e.ClassName ?? "") + " " + (e.Id ?? ""))).ToList())
        {
            element.Remove();
        }

        var writer = new Writer(displayName, maxCells);
        if (document.Title is { Length: > 0 } title && document.Body?.QuerySelector("h1,h2") is null)
        {
            writer.Line(title);
        }

        writer.Walk(document.Body ?? (INode)document);
        return (writer.Text, encoding);
    }

    private static (string Text, string Encoding) Decode(byte[] bytes, string displayName)
    {
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return TextDecoder.Decode(bytes, displayName);
        }

        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        var declared = MetaCharset().Match(head);
        if (declared.Success && declared.Groups[1].Value.ToUpperInvariant() is "GB2312" or "GBK" or "GB18030" or "X-GBK" or "CP936")
        {
            return (TextDecoder.Gb18030.GetString(bytes), "GB18030 (" + declared.Groups[1].Value + ")");
        }

        return TextDecoder.Decode(bytes, displayName);
    }

    /// <summary>The HTML kinds of text: a document that starts (after a BOM and blanks) with a tag such as &lt;!DOCTYPE html&gt; or &lt;html&gt;.</summary>
    public static bool Looks(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith('<') && (head.Contains("<body", StringComparison.OrdinalIgnoreCase) || head.Contains("<head", StringComparison.OrdinalIgnoreCase) || head.Contains("<meta", StringComparison.OrdinalIgnoreCase)));
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();

    [GeneratedRegex(@"(^|[\s_\-])(nav|navbar|menu|footer|foot|breadcrumbs?|crumbs?|position|share|sidebar|pagination|pager|topbar|skip)([\s_\-\d]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Chrome();

    [GeneratedRegex(@"[ \t\r\n\f\u00A0\u3000]+")]
    private static partial Regex Whitespace();

    private sealed class Writer(string displayName, int maxCells)
    {
        private readonly StringBuilder _text = new();
        private readonly StringBuilder _line = new();
        private long _cells;

        public string Text
        {
            get
            {
                Flush();
                return _text.ToString();
            }
        }

        public void Line(string text)
        {
            Flush();
            _line.Append(text);
            Flush();
        }

        public void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText text:
                        _line.Append(Whitespace().Replace(text.Data, " "));
                        break;
                    case IHtmlBreakRowElement:
                        Flush();
                        break;
                    case IHtmlTableElement table:
                        Flush();
                        Table(table);
                        break;
                    case IElement element when Blocks.Contains(element.LocalName):
                        Flush();
                        Walk(element);
                        Flush();
                        break;
                    case IElement element:
                        Walk(element);
                        break;
                }
            }
        }

        private void Flush()
        {
            var line = _line.ToString().Trim().Replace('|', '｜');
            _line.Clear();
            if (line.Length > 0)
            {
                _text.Append(line).Append('\n');
            }
        }

        /// <summary>Rows on the table's grid: a colspan repeats the cell's text across, a rowspan down.</summary>
        private void Table(IHtmlTableElement table)
        {
            var pending = new Dictionary<int, (string Text, int Rows)>();
            foreach (var row in table.Rows)
            {
                var cells = new List<string>();
                var column = 0;
                void TakePending()
                {
                    while (pending.TryGetValue(column, out var down) && down.Rows > 0)
                    {
                        cells.Add(down.Text);
                        pending[column] = (down.Text, down.Rows - 1);
                        column++;
                    }
                }

                foreach (var cell in row.Cells)
                {
                    TakePending();
                    var text = CellText(cell);
                    var colSpan = Math.Clamp(cell.ColumnSpan, 1, 64);
                    var rowSpan = Math.Clamp(cell.RowSpan, 1, 1000);
                    for (var s = 0; s < colSpan; s++)
                    {
                        if (rowSpan > 1)
                        {
                            pending[column] = (text, rowSpan - 1);
                        }

                        cells.Add(text);
                        column++;
                    }
                }

                TakePending();
                _cells += cells.Count;
                if (_cells > maxCells)
                {
                    throw new Core.Import.ImportRefusedException(
                        $"{displayName}: refused, its tables have more than {maxCells} cells (Import:MaxCells); nothing imported",
                        $"{displayName}：文件过大，表格超过 {maxCells} 个单元格，未导入。",
                        tooLarge: true);
                }

                if (cells.Any(c => c.Length > 0))
                {
                    _text.Append('|').AppendJoin("", cells.Select(c => " " + c + " |")).Append('\n');
                }
            }

            _text.Append('\n');
        }

        private static string CellText(IHtmlTableCellElement cell)
        {
            var inner = new Writer("", int.MaxValue);
            inner.Walk(cell);
            var lines = inner.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var joined = new StringBuilder();
            foreach (var line in lines)
            {
                if (joined.Length > 0 && !"。；;，,、：:".Contains(joined[^1], StringComparison.Ordinal))
                {
                    joined.Append('；');
                }

                joined.Append(line.Trim().Trim('|').Trim());
            }

            return joined.ToString();
        }
    }
}
