using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Supervisor.Web;

/// <summary>Server-rendered pages: one layout, text always encoded, Chinese left readable.</summary>
public static class Html
{
    // The default encoder escapes every non-ASCII character; the console is Chinese, so allow all ranges.
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static IResult Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · 督查督办</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>")
            .Append("<header><a class=\"brand\" href=\"/\">督查督办 · Supervisor</a><nav>")
            .Append("<a href=\"/\">总览</a>")
            .Append("</nav></header><main>")
            .Append("<h1>").Append(E(title)).Append("</h1>")
            .Append(body)
            .Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
