using Microsoft.Extensions.Options;

namespace Supervisor.Web.Evidence;

/// <summary>
/// Configuration section "Evidence": how much 佐证材料 a department may attach to one report. An upload is read file by
/// file and refused as soon as it passes a limit, so the worst a request holds in memory is
/// <see cref="MaxFiles"/> × <see cref="MaxBytes"/>.
/// </summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Files per report (a phone's photo picker sends several at once).</summary>
    public int MaxFiles { get; set; } = 9;

    /// <summary>Bytes per file: a phone photo is 2–5 MB, a scanned PDF of a few pages under 10 MB.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most a whole upload can be: every file at its limit, and room for the form's text fields.</summary>
    public long MaxRequestBytes => (MaxFiles * MaxBytes) + (256 * 1024);

    /// <summary><see cref="MaxBytes"/> as the office and departments read it (10 MB).</summary>
    public string MaxBytesText => MaxBytes % (1024 * 1024) == 0 ? $"{MaxBytes / (1024 * 1024)} MB" : $"{MaxBytes / 1024} KB";
}

public sealed class EvidenceOptionsValidator : IValidateOptions<EvidenceOptions>
{
    public ValidateOptionsResult Validate(string? name, EvidenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxFiles is < 1 or > 50)
        {
            failures.Add($"Evidence:MaxFiles must be between 1 and 50 (it is {options.MaxFiles})");
        }

        if (options.MaxBytes is < 64 * 1024 or > 200 * 1024 * 1024)
        {
            failures.Add($"Evidence:MaxBytes must be between 65536 (64 KB) and 209715200 (200 MB) (it is {options.MaxBytes})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
