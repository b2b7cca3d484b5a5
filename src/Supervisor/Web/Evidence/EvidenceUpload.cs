using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Supervisor.Core;
using Supervisor.Core.Evidence;

namespace Supervisor.Web.Evidence;

/// <summary>A report form with its files: the text fields by name (the last value of a repeated name), and the files in order.</summary>
public sealed record EvidenceForm(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<EvidenceFile> Files);

/// <summary>An upload refused; the message is Chinese and names the file and the limit. 413 for size and count, 415 for type.</summary>
public sealed class EvidenceRefusedException(string message, int status) : BadInputException(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads a report form with 佐证材料 from the request body as it arrives, section by section, and stops at the first
/// limit passed: a request over the whole limit by its Content-Length before a byte is read, a file past
/// <see cref="EvidenceOptions.MaxFiles"/> before its bytes are read, a file past <see cref="EvidenceOptions.MaxBytes"/>
/// as soon as its bytes pass it, a file whose content is not an accepted type as soon as it is read. Nothing is
/// stored here: the caller stores the report and its files in one transaction, or nothing.
/// </summary>
public static class EvidenceUpload
{
    /// <summary>Text fields a report form may carry; more is not our form.</summary>
    public const int MaxFields = 32;

    private const int ChunkBytes = 64 * 1024;

    public static Task<EvidenceForm> ReadAsync(HttpRequest request, EvidenceOptions options, CancellationToken ct) =>
        ReadAsync(request, options, beforeFiles: null, ct);

    /// <summary>
    /// As <see cref="ReadAsync(HttpRequest, EvidenceOptions, CancellationToken)"/>, and <paramref name="beforeFiles"/>
    /// is called once with the text fields read so far, before the first file's bytes are read (or at the end when no
    /// file came): the place to check the antiforgery field, which a form sends before its file inputs.
    /// </summary>
    public static async Task<EvidenceForm> ReadAsync(
        HttpRequest request, EvidenceOptions options, Func<IReadOnlyDictionary<string, string>, Task>? beforeFiles, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (request.ContentLength > options.MaxRequestBytes)
        {
            throw new EvidenceRefusedException(
                $"上传内容过大：每次最多 {options.MaxFiles} 个文件、每个不超过 {options.MaxBytesText}。", StatusCodes.Status413PayloadTooLarge);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            // A report without files may come as an ordinary form; the form reader's own limits apply to it.
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                var plain = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
                if (beforeFiles is not null)
                {
                    await beforeFiles(plain);
                }

                return new EvidenceForm(plain, []);
            }

            throw new EvidenceRefusedException("请以表单（multipart/form-data）提交进展和佐证材料。", StatusCodes.Status415UnsupportedMediaType);
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            throw new EvidenceRefusedException("表单格式有误：缺少分隔符（boundary）。", StatusCodes.Status400BadRequest);
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<EvidenceFile>();
        var checkedFields = beforeFiles is null;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                throw new EvidenceRefusedException("表单格式有误：有一段内容不是表单字段。", StatusCodes.Status400BadRequest);
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (disposition.IsFileDisposition())
            {
                if (!checkedFields)
                {
                    checkedFields = true;
                    await beforeFiles!(fields);
                }

                var uploaded = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                if (uploaded.Length == 0)
                {
                    // A file input left empty: browsers send a part with no name and no bytes.
                    _ = await ReadBoundedAsync(section.Body, options.MaxBytes, "（未命名）", options, ct);
                    continue;
                }

                if (files.Count == options.MaxFiles)
                {
                    throw new EvidenceRefusedException(
                        $"佐证材料每次最多上传 {options.MaxFiles} 个文件（“{Short(uploaded)}”是第 {options.MaxFiles + 1} 个）。", StatusCodes.Status413PayloadTooLarge);
                }

                var content = await ReadBoundedAsync(section.Body, options.MaxBytes, uploaded, options, ct);
                var (type, refusal) = EvidenceTypes.Recognise(content, Short(uploaded));
                if (type is null)
                {
                    throw new EvidenceRefusedException(refusal!, StatusCodes.Status415UnsupportedMediaType);
                }

                files.Add(new EvidenceFile(EvidenceTypes.SafeFileName(uploaded, type), type, content, SHA256.HashData(content)));
            }
            else
            {
                if (fields.Count == MaxFields && !fields.ContainsKey(name))
                {
                    throw new EvidenceRefusedException($"表单字段过多（超过 {MaxFields} 个）。", StatusCodes.Status400BadRequest);
                }

                var bytes = await ReadBoundedAsync(section.Body, InputLimits.FormValueBytes, null, options, ct);
                fields[name] = System.Text.Encoding.UTF8.GetString(bytes);
            }
        }

        if (!checkedFields)
        {
            await beforeFiles!(fields);
        }

        return new EvidenceForm(fields, files);
    }

    /// <summary>The section's bytes, refused as soon as they pass <paramref name="max"/> (the rest is never read).</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream body, long max, string? fileName, EvidenceOptions options, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw fileName is null
                    ? new EvidenceRefusedException($"表单字段过长（单个字段不超过 {InputLimits.FormValueBytes / 1024} KB）。", StatusCodes.Status400BadRequest)
                    : new EvidenceRefusedException($"文件“{Short(fileName)}”超过 {options.MaxBytesText}，请压缩后再上传。", StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Short(string name)
    {
        var n = name.Replace('\\', '/');
        n = n[(n.LastIndexOf('/') + 1)..];
        return n.Length <= 40 ? n : n[..20] + "…" + n[^19..];
    }
}
