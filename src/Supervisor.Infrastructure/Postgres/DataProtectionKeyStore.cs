using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>
/// The Data Protection key ring in <c>data_protection_keys</c>: every node reads the same keys, so cookies and
/// antiforgery tokens work across nodes and restarts. ASP.NET calls this synchronously and rarely (at start-up and
/// when the ring is refreshed, about once a day), and caches what it reads.
/// </summary>
public sealed class DataProtectionKeyStore(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        const string sql = "select xml from data_protection_keys order by id";
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>(sql).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);

        // Two nodes creating their first key at once each store one; both are valid and both are read back.
        const string sql = """
            insert into data_protection_keys (friendly_name, xml)
            values (@friendlyName, @xml)
            on conflict (friendly_name) do nothing
            """;
        using var connection = dataSource.OpenConnection();
        connection.Execute(sql, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
