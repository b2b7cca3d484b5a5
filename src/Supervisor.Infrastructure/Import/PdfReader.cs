using System.Text;
using System.Text.RegularExpressions;
using Supervisor.Core.Import;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// Reads a PDF's text layer into the lines the text parser takes: words grouped into lines by baseline and read left
/// to right, top to bottom; a line that runs to the right margin without ending a sentence is joined with the next
/// (the page wrapped it, the author did not); no space where a word processor only widened the gap between Chinese and digits ("2023 年");
/// page numbers dropped. A PDF without text (a scan) is refused: there is nothing to read without OCR.
/// </summary>
public static partial class PdfReader
{
    private const int MaxPages = 2_000;

    public static string Read(byte[] bytes, string displayName)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(bytes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ImportRefusedException(
                $"{displayName}: not a readable PDF ({ex.Message.ReplaceLineEndings(" ")}); export it from the word processor again, or import the .docx",
                $"{displayName}：PDF 文件已损坏或无法读取，请重新导出 PDF，或直接上传 Word 文档（.docx）。");
        }

        using (document)
        {
            if (document.NumberOfPages > MaxPages)
            {
                throw new ImportRefusedException(
                    $"{displayName}: refused, {document.NumberOfPages} pages (at most {MaxPages}); nothing imported",
                    $"{displayName}：文件过大，共 {document.NumberOfPages} 页（上限 {MaxPages} 页），未导入。",
                    tooLarge: true);
            }

            var lines = new List<PdfLine>();
            var letters = 0;
            try
            {
                foreach (var page in document.GetPages())
                {
                    letters += page.Letters.Count;
                    lines.AddRange(LinesOf(page));
                }
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or ImportRefusedException))
            {
                throw new ImportRefusedException(
                    $"{displayName}: not a readable PDF ({ex.Message.ReplaceLineEndings(" ")}); export it again, or import the .docx",
                    $"{displayName}：PDF 文件无法读取，请重新导出 PDF，或直接上传 Word 文档（.docx）。");
            }

            if (letters == 0 || lines.All(l => l.Text.Length == 0))
            {
                throw new ImportRefusedException(
                    $"{displayName}: the PDF has no text layer (a scanned image?); import the .docx or text it was made from, or run OCR first",
                    $"{displayName}：这份 PDF 没有文字层（可能是扫描件），无法读取。请上传原始的 Word 文档（.docx）或文字版。");
            }

            return Join(lines);
        }
    }

    private sealed record PdfLine(string Text, bool ReachesMargin, bool NewPage);

    /// <summary>
    /// Letters grouped by baseline and read left to right (the order they are drawn in is not reading order: a word
    /// processor may draw quotation marks after the text around them). A space is where the advance leaves a gap of
    /// 0.4 em or more: word processors put about 0.2 em between Chinese and Latin or digits on their own ("2023 年"),
    /// a typed space is 0.5 em or more.
    /// </summary>
    private static List<PdfLine> LinesOf(Page page)
    {
        var letters = page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).OrderByDescending(l => l.StartBaseLine.Y).ToList();
        var rows = new List<List<Letter>>();
        foreach (var letter in letters)
        {
            var size = Math.Max(letter.PointSize, 1);
            var row = rows.LastOrDefault();
            if (row is not null && Math.Abs(row[0].StartBaseLine.Y - letter.StartBaseLine.Y) < size * 0.3)
            {
                row.Add(letter);
            }
            else
            {
                rows.Add([letter]);
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        // The right edge of the text: the longest line — unless no line comes near the page's right side (a page of
        // short lines, such as a table flattened to one cell per line), where no line was wrapped by the page.
        var right = rows.Max(r => r.Max(l => l.EndBaseLine.X));
        if (right < page.Width * 0.7)
        {
            right = double.MaxValue;
        }

        var lines = new List<PdfLine>(rows.Count);
        var first = true;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            row.Sort((a, b) => a.StartBaseLine.X.CompareTo(b.StartBaseLine.X));
            var text = new StringBuilder();
            Letter? previous = null;
            foreach (var letter in row)
            {
                if (previous is not null && letter.StartBaseLine.X - previous.EndBaseLine.X >= Math.Max(letter.PointSize, 1) * 0.4)
                {
                    text.Append(' ');
                }

                text.Append(letter.Value);
                previous = letter;
            }

            // Page numbers are the page's first or last line; a number between lines is a flattened table's 序号.
            var line = text.ToString().Trim();
            if ((r == 0 || r == rows.Count - 1) && PageNumber().IsMatch(line))
            {
                continue;
            }

            var size = row.Max(l => l.PointSize);
            lines.Add(new PdfLine(line, row[^1].EndBaseLine.X >= right - (size * 1.2), first));
            first = false;
        }

        return lines;
    }

    /// <summary>Lines joined where the page, not the author, broke them.</summary>
    private static string Join(List<PdfLine> lines)
    {
        var text = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            text.Append(line.Text.Replace('|', '｜'));
            var next = i + 1 < lines.Count ? lines[i + 1].Text : null;
            // A line ending in "|" is a cell of a copied grid: its end is the author's.
            var wrapped = line.ReachesMargin && next is not null && !StartsBlock().IsMatch(next) && !line.Text.EndsWith('|') && !EndsBeforeACell(line.Text, next);
            text.Append(wrapped ? "" : "\n");
        }

        return text.ToString();
    }

    /// <summary>A sentence ends at the margin and the next line is a short fragment without punctuation: a table cell or heading, not the rest of a paragraph.</summary>
    private static bool EndsBeforeACell(string line, string next) =>
        line.Length > 0 && line[^1] is '。' or '；' or '！' or '？' && next.Length <= 12 && !next.Any(char.IsPunctuation);

    [GeneratedRegex(@"^[\s\-—–－]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4})?[\s\-—–－]*$")]
    private static partial Regex PageNumber();

    // A row number alone on its line ("12") is the first cell of a flattened table's row.
    [GeneratedRegex(@"^(\d{1,4}\s*[|｜]?$|\d{1,3}[\.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]{1,3}[章节条部分]|[①-⑳]|\|)")]
    private static partial Regex StartsBlock();
}
