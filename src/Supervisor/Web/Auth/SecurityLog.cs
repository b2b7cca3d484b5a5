namespace Supervisor.Web.Auth;

/// <summary>Security events worth an operator's eye; never a password, a cookie or a link token.</summary>
public static partial class SecurityLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Login for {User} from {Address} refused: too many failures in the lockout window")]
    public static partial void LoginThrottled(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failed login for {User}")]
    public static partial void LoginFailed(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed link refused ({Reason}) for {Path}")]
    public static partial void LinkRefused(ILogger logger, string reason, string path);
}
