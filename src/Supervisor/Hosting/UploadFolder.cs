using Microsoft.Extensions.Options;

namespace Supervisor.Hosting;

/// <summary>
/// Uploaded plans waiting between the console's preview and its confirmation, in {DataDirectory}/uploads under a
/// random id. Only the service account can read them (folder 0700, files 0600); they go when confirmed, and any left
/// unconfirmed go after <see cref="MaxAge"/> (at the next preview and at housekeeping).
/// </summary>
public sealed class UploadFolder(IOptions<SupervisorOptions> options, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Directory => Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "uploads");

    /// <returns>The id the confirm form carries.</returns>
    public async Task<string> SaveAsync(byte[] bytes, CancellationToken ct)
    {
        DeleteExpired();
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnly | UnixFileMode.UserExecute);
        }

        var id = Guid.NewGuid().ToString("N");
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = OwnerOnly;
        }

        await using var stream = new FileStream(PathOf(id)!, file);
        await stream.WriteAsync(bytes, ct);
        return id;
    }

    /// <summary>The upload's bytes, or null when the id is malformed, unknown, or the upload has expired.</summary>
    public async Task<byte[]?> ReadAsync(string id, CancellationToken ct)
    {
        var path = PathOf(id);
        if (path is null || !File.Exists(path) || File.GetLastWriteTimeUtc(path) < time.GetUtcNow().UtcDateTime - MaxAge)
        {
            return null;
        }

        return await File.ReadAllBytesAsync(path, ct);
    }

    public void Delete(string id)
    {
        if (PathOf(id) is { } path)
        {
            File.Delete(path);
        }
    }

    /// <returns>How many unconfirmed uploads older than <see cref="MaxAge"/> were deleted.</returns>
    public int DeleteExpired()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - MaxAge;
        var deleted = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.bin"))
        {
            if (File.GetLastWriteTimeUtc(path) < cutoff)
            {
                File.Delete(path);
                deleted++;
            }
        }

        return deleted;
    }

    // Only ids this class made: 32 hex digits, so a form value can never name another file.
    private string? PathOf(string id) => Guid.TryParseExact(id, "N", out var guid) ? Path.Combine(Directory, guid.ToString("N") + ".bin") : null;
}
