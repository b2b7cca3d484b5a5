using System.Buffers;
using System.IO.Compression;
using Supervisor.Core.Import;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// Walks every entry of a ZIP package (XLSX, DOCX) before any reader opens it, decompressing into nothing and counting:
/// a part past <see cref="ImportOptions.MaxPartBytes"/> is refused as soon as the count passes the limit, whatever its
/// header declares (a crafted header can understate the size). Memory stays one buffer.
/// </summary>
public static class PackageGuard
{
    private const int MaxEntries = 10_000;

    public static void Check(byte[] bytes, string name, string kind, ImportOptions limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            throw new ImportRefusedException(
                $"{name}: not a readable {kind} (damaged ZIP package: {ex.Message.ReplaceLineEndings(" ")})",
                $"{name}：文件已损坏，无法作为 {kind} 读取，请重新保存后上传。");
        }

        using (zip)
        {
            if (zip.Entries.Count > MaxEntries)
            {
                throw TooLarge(name, $"{zip.Entries.Count} parts (at most {MaxEntries})", $"包含 {zip.Entries.Count} 个部件（上限 {MaxEntries}）");
            }

            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                long total = 0;
                var totalLimit = limits.MaxPartBytes * ImportOptions.PackageParts;
                foreach (var entry in zip.Entries)
                {
                    if (entry.Length > limits.MaxPartBytes)
                    {
                        throw PartTooLarge(name, entry.FullName, limits);
                    }

                    long expanded = 0;
                    using var stream = entry.Open();
                    int read;
                    while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        expanded += read;
                        total += read;
                        if (expanded > limits.MaxPartBytes)
                        {
                            throw PartTooLarge(name, entry.FullName, limits);
                        }

                        if (total > totalLimit)
                        {
                            throw TooLarge(name, $"parts that expand past {totalLimit / 1024 / 1024} MB together ({ImportOptions.PackageParts} × Import:MaxPartBytes)",
                                $"解压后超过 {totalLimit / 1024 / 1024} MB");
                        }
                    }
                }
            }
            catch (InvalidDataException ex)
            {
                throw new ImportRefusedException(
                    $"{name}: not a readable {kind} (damaged ZIP package: {ex.Message.ReplaceLineEndings(" ")})",
                    $"{name}：文件已损坏，无法作为 {kind} 读取，请重新保存后上传。");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static ImportRefusedException PartTooLarge(string name, string part, ImportOptions limits) =>
        TooLarge(name, $"part {part} expands past {limits.PartLimitText} (Import:MaxPartBytes)", $"其中的 {part} 解压后超过 {limits.PartLimitText}");

    private static ImportRefusedException TooLarge(string name, string english, string chinese) =>
        new($"{name}: refused, {english}; nothing imported", $"{name}：文件过大，{chinese}，未导入。请删去无关内容或拆分后再上传。", tooLarge: true);
}
