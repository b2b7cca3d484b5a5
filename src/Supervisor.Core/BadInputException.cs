namespace Supervisor.Core;

/// <summary>
/// Input a user gave (a file, an argument, a setting) is wrong; the message names what and where. Exit code 2.
/// <see cref="Exception.Message"/> is what the CLI and the logs print; <see cref="Chinese"/> is what the console, a
/// unit's link page and the API show the office or a department: Chinese, without CLI flags. A message written in
/// Chinese with no CLI vocabulary serves as both.
/// </summary>
public class BadInputException : Exception
{
    public BadInputException(string message)
        : base(message)
    {
        Chinese = message;
    }

    public BadInputException(string message, string chinese)
        : base(message)
    {
        Chinese = chinese;
    }

    public BadInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Chinese = message;
    }

    public BadInputException()
    {
        Chinese = "输入有误";
    }

    /// <summary>The message for the office or a department.</summary>
    public string Chinese { get; }
}
