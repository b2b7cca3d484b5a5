namespace Supervisor.Core;

/// <summary>
/// The one place that states how long each text a department or staff member can submit may be. The stores check
/// them, so the console, the signed-link page, the API and the CLI refuse the same input with the same message.
/// </summary>
public static class InputLimits
{
    /// <summary>A progress note (进展说明).</summary>
    public const int ProgressNote = 2000;

    /// <summary>An extension request's reason (延期理由).</summary>
    public const int ExtensionReason = 1000;

    /// <summary>The office's note on approving or rejecting an extension (审批意见), and a reopening's reason.</summary>
    public const int DecisionNote = 1000;

    /// <summary>A plan title typed at import (方案标题).</summary>
    public const int PlanTitle = 200;

    /// <summary>A login name, a unit API token's name, an uploaded file's name.</summary>
    public const int Name = 100;

    /// <summary>A password typed at login; longer is refused as wrong without hashing it.</summary>
    public const int Password = 1000;

    /// <summary>
    /// Any single form value at all (ASP.NET's form reader refuses longer ones before a handler runs); above every
    /// field limit so that the field's own message is the one a user sees.
    /// </summary>
    public const int FormValueBytes = 64 * 1024;

    /// <summary>Throws a <see cref="BadInputException"/> in Chinese naming the field when <paramref name="value"/> is longer than <paramref name="max"/>.</summary>
    /// <param name="label">The field as the user sees it, e.g. 进展说明.</param>
    public static string? Check(string? value, int max, string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (value is not null && value.Length > max)
        {
            throw new BadInputException($"{label}不能超过 {max} 个字符（现有 {value.Length} 个）");
        }

        return value;
    }
}
