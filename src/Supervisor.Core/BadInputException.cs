namespace Supervisor.Core;

/// <summary>Input a user gave (a file, an argument, a setting) is wrong; the message names what and where. Exit code 2.</summary>
public class BadInputException : Exception
{
    public BadInputException(string message)
        : base(message)
    {
    }

    public BadInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BadInputException()
    {
    }
}
