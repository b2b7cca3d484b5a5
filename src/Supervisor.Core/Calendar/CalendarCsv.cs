using System.Globalization;

namespace Supervisor.Core.Calendar;

/// <summary>Reads the official calendar in the shape of cn-workdays.csv: a header <c>date,kind,name</c>, then one row per day.</summary>
public static class CalendarCsv
{
    public const string Header = "date,kind,name";

    /// <summary>Parses the rows; a leading BOM and blank lines are ignored.</summary>
    /// <exception cref="FormatException">The message names the 1-based line and what is wrong with it.</exception>
    public static IReadOnlyList<CalendarDay> Parse(string csvText)
    {
        ArgumentNullException.ThrowIfNull(csvText);

        var days = new List<CalendarDay>();
        var lineOfDate = new Dictionary<DateOnly, int>();
        var sawHeader = false;
        var lines = csvText.TrimStart('\uFEFF').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',', 3);
            if (!sawHeader)
            {
                if (!string.Equals(string.Join(',', fields.Select(f => f.Trim())), Header, StringComparison.OrdinalIgnoreCase))
                {
                    throw Error(lineNumber, $"expected the header \"{Header}\" but found \"{line.Trim()}\"");
                }

                sawHeader = true;
                continue;
            }

            if (fields.Length < 2)
            {
                throw Error(lineNumber, $"expected date,kind,name but found \"{line.Trim()}\"");
            }

            var dateText = fields[0].Trim();
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw Error(lineNumber, $"bad date \"{dateText}\" (expected yyyy-MM-dd)");
            }

            var kindText = fields[1].Trim();
            DayKind kind;
            if (kindText.Equals("holiday", StringComparison.OrdinalIgnoreCase))
            {
                kind = DayKind.Holiday;
            }
            else if (kindText.Equals("workday", StringComparison.OrdinalIgnoreCase))
            {
                kind = DayKind.Workday;
            }
            else
            {
                throw Error(lineNumber, $"unknown kind \"{kindText}\" (expected holiday or workday)");
            }

            if (lineOfDate.TryGetValue(date, out var firstLine))
            {
                throw Error(lineNumber, $"duplicate date {dateText} (already on line {firstLine})");
            }

            lineOfDate.Add(date, lineNumber);
            var name = fields.Length > 2 ? Unquote(fields[2].Trim()) : "";
            days.Add(new CalendarDay(date, kind, name.Length == 0 ? null : name));
        }

        return days;
    }

    // Names never need quoting in the official file, but a spreadsheet may add quotes when saving.
    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal).Trim() : field;

    private static FormatException Error(int lineNumber, string problem) => new($"Calendar CSV line {lineNumber}: {problem}.");
}
