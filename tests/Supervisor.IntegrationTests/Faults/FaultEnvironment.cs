using System.Globalization;
using Supervisor.IntegrationTests.Delivery;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>Settings for a `supervisor dispatch` process sending SMS escalations to the loopback gateway, unthrottled.</summary>
internal static class FaultEnvironment
{
    public static Dictionary<string, string?> SmsDispatch(string connectionString, string dataDirectory, SmsGateway gateway, TimeSpan lease, int batchSize) => new()
    {
        ["ConnectionStrings__Supervisor"] = connectionString,
        ["Supervisor__DataDirectory"] = dataDirectory,
        ["Sms__Url"] = gateway.Url.ToString(),
        ["Sms__Secret"] = SmsGateway.Secret,
        ["Sms__RatePerSecond"] = "10000",
        // The messages are 督办 escalations so quiet hours and non-working days do not hold them whenever CI runs.
        ["Sms__EscalationIgnoresQuietHours"] = "true",
        ["Delivery__Lease"] = lease.ToString(),
        ["Delivery__BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
        ["Delivery__PollInterval"] = "00:00:00.200",
    };
}
