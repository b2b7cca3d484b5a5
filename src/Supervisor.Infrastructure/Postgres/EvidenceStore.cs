using Dapper;
using Npgsql;
using Supervisor.Core.Evidence;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A stored file of 佐证材料 without its bytes: what a list of a report's evidence shows.</summary>
public sealed record EvidenceInfo(long Id, long ProgressReportId, string FileName, string MediaType, int Size, DateTimeOffset UploadedAt);

/// <summary>A stored file with its bytes, for a download.</summary>
public sealed record EvidenceDownload(EvidenceInfo Info, byte[] Content);

/// <summary>
/// 佐证材料 in PostgreSQL (migration 0012): written inside the transaction that writes its report, so a report is
/// never stored without its files nor files without their report; read back by report, or one file with its bytes.
/// </summary>
public sealed class EvidenceStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores the files of report <paramref name="reportId"/> in the caller's transaction; returns their ids in order.</summary>
    public static async Task<IReadOnlyList<long>> AddAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long reportId, IReadOnlyList<EvidenceFile> files, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(files);
        const string sql = """
            insert into evidence (progress_report_id, file_name, media_type, size, sha256, content, uploaded_at)
            values (@reportId, @FileName, @MediaType, @Size, @Sha256, @Content, @at)
            returning id
            """;
        var ids = new List<long>(files.Count);
        foreach (var f in files)
        {
            ids.Add(await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                sql,
                new { reportId, f.FileName, f.Type.MediaType, Size = f.Content.Length, f.Sha256, f.Content, at = at.ToUniversalTime() },
                transaction,
                cancellationToken: ct)));
        }

        return ids;
    }

    /// <summary>The files of the given reports, by report, in upload order.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<EvidenceInfo>>> ListAsync(IReadOnlyCollection<long> reportIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reportIds);
        if (reportIds.Count == 0)
        {
            return new Dictionary<long, IReadOnlyList<EvidenceInfo>>();
        }

        const string sql = """
            select id, progress_report_id as ProgressReportId, file_name as FileName, media_type as MediaType, size, uploaded_at as UploadedAt
            from evidence where progress_report_id = any(@reportIds)
            order by progress_report_id, id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { reportIds = reportIds.ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToInfo()).GroupBy(r => r.ProgressReportId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<EvidenceInfo>)[.. g]);
    }

    /// <summary>One file with its bytes; null when there is no such file.</summary>
    public async Task<EvidenceDownload?> FindAsync(long id, CancellationToken ct)
    {
        const string sql = """
            select id, progress_report_id as ProgressReportId, file_name as FileName, media_type as MediaType, size, uploaded_at as UploadedAt, content
            from evidence where id = @id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RowWithContent>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row is null ? null : new EvidenceDownload(row.ToInfo(), row.Content);
    }

    // Npgsql hands timestamptz back as a UTC DateTime; the records speak DateTimeOffset.
    private record Row(long Id, long ProgressReportId, string FileName, string MediaType, int Size, DateTime UploadedAt)
    {
        public EvidenceInfo ToInfo() => new(Id, ProgressReportId, FileName, MediaType, Size, new DateTimeOffset(DateTime.SpecifyKind(UploadedAt, DateTimeKind.Utc)));
    }

    private sealed record RowWithContent(long Id, long ProgressReportId, string FileName, string MediaType, int Size, DateTime UploadedAt, byte[] Content)
        : Row(Id, ProgressReportId, FileName, MediaType, Size, UploadedAt);
}
