using System.Globalization;

namespace Supervisor.Core.Engine;

/// <summary>How rates and lights read in Chinese reports (CLI, XLSX, digests): one spelling everywhere.</summary>
public static class RateText
{
    /// <summary>"87.5%"; "—" when there is no rate (nothing due).</summary>
    public static string Percent(double? rate) => rate is { } r ? r.ToString("P1", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "—";

    public static string LightName(Light light) => light switch
    {
        Light.Red => "红灯",
        Light.Yellow => "黄灯",
        _ => "绿灯",
    };
}
