using System.Text;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Import;

/// <summary>Decodes a text file whose encoding nobody states: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.</summary>
public static class TextDecoder
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Registered before any static member is initialised: .NET ships GB18030 only through the code-pages provider.
    private static readonly bool CodePagesRegistered = RegisterCodePages();

    public static Encoding Gb18030 { get; } = GetGb18030();

    /// <summary>Returns the text and the encoding's name; throws <see cref="BadInputException"/> for empty or binary content.</summary>
    public static (string Text, string Encoding) Decode(ReadOnlySpan<byte> bytes, string displayName)
    {
        if (bytes.IsEmpty)
        {
            throw new BadInputException($"{displayName}: the file is empty", $"{displayName}：文件是空的。");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            if (TryUtf8(bytes[3..], out var bomText, out var cut))
            {
                return (Checked(bomText, displayName), cut ? "UTF-8 (BOM; last character cut off)" : "UTF-8 (BOM)");
            }

            throw new BadInputException(
                $"{displayName}: starts with a UTF-8 byte-order mark but is not UTF-8 (saved from GB18030 with a wrong label?); re-save it as UTF-8",
                $"{displayName}：文件标记为 UTF-8 编码，内容却不是 UTF-8，请另存为 UTF-8 后重新上传。");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return (Checked(utf16.GetString(bytes[2..]), displayName), "UTF-16");
        }

        if (bytes.Contains((byte)0))
        {
            throw new BadInputException(
                $"{displayName}: looks like a binary file, not a text, XLSX or CSV plan (it contains NUL bytes)",
                $"{displayName}：不是可读的文本、XLSX 或 CSV 文件。");
        }

        if (TryUtf8(bytes, out var utf8, out var truncated))
        {
            return (Checked(utf8, displayName), truncated ? "UTF-8 (last character cut off)" : "UTF-8");
        }

        // Not UTF-8: Chinese government documents are otherwise GBK/GB18030 (GB18030 is a superset of GBK).

        return (Checked(DecodeStrict(GetGb18030Strict(), bytes, displayName, "UTF-8 or GB18030"), displayName), "GB18030");
    }

    /// <summary>Strict UTF-8; a file cut inside its very last character (a truncated download) still counts as UTF-8.</summary>
    private static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text, out bool truncated)
    {
        truncated = false;
        for (var cut = 0; cut <= 3 && cut < bytes.Length; cut++)
        {
            try
            {
                text = StrictUtf8.GetString(bytes[..^cut]);
                truncated = cut > 0;
                return true;
            }
            catch (DecoderFallbackException) when (cut < 3)
            {
            }
            catch (DecoderFallbackException)
            {
                break;
            }
        }

        text = "";
        return false;
    }

    private static string DecodeStrict(Encoding encoding, ReadOnlySpan<byte> bytes, string displayName, string expected)
    {
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BadInputException(
                $"{displayName}: is neither text in {expected} nor an XLSX workbook (undecodable bytes)",
                $"{displayName}：既不是 {expected} 编码的文本，也不是 XLSX 工作簿，无法读取。");
        }
    }

    /// <summary>Text made of control characters is a binary file that happened to decode.</summary>
    private static string Checked(string text, string displayName)
    {
        var control = 0;
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, 65536)))
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'))
            {
                control++;
            }
        }

        if (control > 0 && control * 100 > Math.Min(text.Length, 65536))
        {
            throw new BadInputException(
                $"{displayName}: looks like a binary file, not a text, XLSX or CSV plan ({control} control characters)",
                $"{displayName}：不是可读的文本、XLSX 或 CSV 文件。");
        }

        return text;
    }

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    private static Encoding GetGb18030() => CodePagesRegistered ? Encoding.GetEncoding("GB18030") : throw new InvalidOperationException("code pages not registered");

    private static Encoding GetGb18030Strict() =>
        Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
}
