namespace Supervisor.Core.Import;

/// <summary>
/// A plan file refused before or while reading it. <see cref="Exception.Message"/> is the English line the CLI prints;
/// <see cref="BadInputException.Chinese"/> is what the console shows an office user (no CLI flags in it).
/// </summary>
public sealed class ImportRefusedException : BadInputException
{
    public ImportRefusedException(string message, string chinese, bool tooLarge = false)
        : base(message, chinese)
    {
        TooLarge = tooLarge;
    }

    public ImportRefusedException(string message)
        : this(message, message)
    {
    }

    public ImportRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImportRefusedException()
        : this("the file was refused", "文件被拒绝")
    {
    }

    /// <summary>The document names no year: the console asks for one and keeps the upload.</summary>
    public bool MissingYear { get; init; }

    /// <summary>Refused for its size (a part or sheet past a limit): the console answers 413.</summary>
    public bool TooLarge { get; }
}
