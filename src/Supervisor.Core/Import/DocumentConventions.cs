using System.Text.RegularExpressions;

namespace Supervisor.Core.Import;

/// <summary>
/// What a document says once for all its clauses: "排在第一位的部门为牵头部门，下同" (the first unit of every later list
/// leads), and a lead named in a section heading ("三、县住建局牵头工作（5项）", "（一）县发改局牵头") for the items
/// under it that name no unit of their own.
/// </summary>
internal static partial class DocumentConventions
{
    /// <summary>The 1-based line declaring the first-listed unit the lead, or null.</summary>
    public static int? FirstListedLeadLine(IReadOnlyList<SourceLine> lines)
    {
        foreach (var line in lines)
        {
            if (line.Kind is not (LineKind.Blank or LineKind.TableRow) && line.Text.Contains("牵头", StringComparison.Ordinal) && FirstListedLead().IsMatch(line.Text))
            {
                return line.Number;
            }
        }

        return null;
    }

    /// <summary>The lead units a heading names ("县住建局牵头工作（5项）", "激发消费潜力（县商务局牵头）"), or null.</summary>
    public static IReadOnlyList<string>? HeadingLead(string heading)
    {
        if (!heading.Contains("牵头", StringComparison.Ordinal))
        {
            return null;
        }

        var match = BareHeadingLead().Match(ChineseText.TrimEndPunctuation(heading.Trim()));
        if (match.Success)
        {
            var units = UnitListParser.Parse(match.Groups["units"].Value).Units;
            return units.Count > 0 && units.All(u => u.Length <= 30) ? units : null;
        }

        if (!ResponsibilityClause.EndsWithClause(heading))
        {
            return null;
        }

        var responsibility = new Responsibility();
        ResponsibilityClause.Extract(heading, responsibility);
        var lead = responsibility.Resolve().LeadUnits;
        return lead.Count > 0 ? lead : null;
    }

    // 排在第一位的部门为牵头部门 / 排在首位的单位为牵头单位 / 列第一位的为牵头单位 / 第一个单位为牵头单位.
    [GeneratedRegex("(?:排在|列在|排|列|位列|名列)?(?:第一位|首位|第一个|最前面|第一)的?(?:部门|单位|责任单位)?(?:为|是)(?:牵头|主要责任|主责)(?:部门|单位)?")]
    private static partial Regex FirstListedLead();

    // 县住建局牵头工作（5项） / 由县发改局牵头 / 县发改局、县财政局牵头的任务.
    [GeneratedRegex("^由?(?<units>[^，。；;,：:（）()]{2,60}?)牵头(?:负责)?的?(?:工作|任务|事项|项目)?(?:[（(][0-9一二三四五六七八九十]+项[）)])?$")]
    private static partial Regex BareHeadingLead();
}
