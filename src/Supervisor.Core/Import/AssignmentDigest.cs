using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Supervisor.Core.Milestones;

namespace Supervisor.Core.Import;

/// <summary>
/// What a unit is asked to do on a task, as a digest: the task's title and text, its deadline and milestone due dates,
/// and the unit's role. A re-import that leaves it equal is a repeat and keeps the unit's 签收; one that changes it
/// makes the task 待签收 again for that unit. Positions, sections and source lines are not part of it: moving a task in
/// the document asks nothing new of anyone.
/// </summary>
public static class AssignmentDigest
{
    public static string Of(AssembledTask task, string role)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(role);
        var text = new StringBuilder()
            .Append(role).Append('\n')
            .Append(task.Source.Title).Append('\n')
            .Append(task.Source.Text).Append('\n')
            .Append(task.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var m in task.Milestones.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.Append(m.Key).Append('|').Append(m.Kind).Append('|').Append(m.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
    }
}
