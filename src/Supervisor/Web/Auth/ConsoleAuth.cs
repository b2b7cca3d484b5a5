using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Components;
using Supervisor.Web.Pages;

namespace Supervisor.Web.Auth;

/// <summary>Role and policy names; a viewer reads, a supervisor (督查室) acts on tasks, an admin also runs jobs and users.</summary>
public static class ConsolePolicies
{
    public const string Staff = "staff";
    public const string Act = "act";
    public const string Admin = "admin";

    /// <summary>The API's per-unit bearer token principal: reports progress and completion for its own unit only.</summary>
    public const string UnitRole = "unit";

    public const string UnitIdClaim = "supervisor:unit_id";

    /// <summary>The user's session stamp when the cookie was issued; a cookie whose stamp no longer matches users.session_stamp is refused.</summary>
    public const string SessionStampClaim = "supervisor:session_stamp";

    public const string LoginRateLimit = "login";
}

/// <summary>Login form fields.</summary>
public sealed record LoginForm(string? Name, string? Password, string? ReturnUrl);

/// <summary>Cookie login, throttling, session stamps, antiforgery and the fallback policy: nothing answers without login unless marked anonymous.</summary>
public static class ConsoleAuth
{
    public const string SmartScheme = "supervisor";

    /// <summary>Data Protection's application discriminator: the same on every node, never the content root path.</summary>
    public const string DataProtectionApplicationName = "supervisor";

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<string>().HashPassword("", Guid.NewGuid().ToString()));

    public static IServiceCollection AddConsoleAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var console = configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        services.AddSingleton<IPasswordHasher<string>, PasswordHasher<string>>();
        services.AddSingleton<LoginThrottle>();
        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "cookie or unit token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? UnitTokenAuthentication.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/denied";
                o.Cookie.Name = "supervisor.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = console.SessionLifetime;

                // The API and the dashboard's script calls answer 401/403; only pages redirect to the login form.
                o.Events.OnRedirectToLogin = ctx => IsApi(ctx.Request) || Dashboard.HangfireDashboard.IsScriptCall(ctx.Request) ? Status(ctx.Response, 401) : Redirect(ctx);
                o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.Request) || Dashboard.HangfireDashboard.IsScriptCall(ctx.Request) ? Status(ctx.Response, 403) : Redirect(ctx);
                o.Events.OnValidatePrincipal = ValidateSessionStampAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, UnitTokenAuthentication>(UnitTokenAuthentication.SchemeName, _ => { });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ConsolePolicies.Staff, p => p.RequireRole("admin", "supervisor", "viewer"))
            .AddPolicy(ConsolePolicies.Act, p => p.RequireRole("admin", "supervisor"))
            .AddPolicy(ConsolePolicies.Admin, p => p.RequireRole("admin"))
            .AddPolicy(Supervisor.Web.Api.ApiEndpoints.ReportPolicy, p => p.RequireRole("admin", "supervisor", ConsolePolicies.UnitRole));

        // One key ring for every node, in PostgreSQL, under one application name: a cookie or form token made on one
        // node is accepted on the others and after restarts (keys on local disk would die with a container).
        services.AddSingleton<DataProtectionKeyStore>();
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyStore>((o, store) => o.XmlRepository = store);

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "supervisor.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__af";

            // SecurityHeaders sends X-Frame-Options: DENY on every response, not only on those that issue a token.
            o.SuppressXFrameOptionsHeader = true;
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(ConsolePolicies.LoginRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = console.LoginPermitLimit, Window = console.LoginWindow, QueueLimit = 0 }));
        });
        return services;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    /// <summary>
    /// A return URL that stays on this site, with IsLocalUrl's rules: a rooted path, not <c>//</c> or <c>/\</c>
    /// (protocol-relative), and no control character anywhere (browsers drop tabs and line breaks, so
    /// <c>/&lt;TAB&gt;/host</c> would become <c>//host</c>). Anything else is the overview.
    /// </summary>
    public static string LocalReturnUrl(string? url)
    {
        if (url is not { Length: > 0 } || url[0] != '/' || url.Length > 2000 || url.Any(char.IsControl))
        {
            return "/";
        }

        return url.Length > 1 && (url[1] == '/' || url[1] == '\\') ? "/" : url;
    }

    /// <summary>Every cookie request: the user still exists and has not logged out or changed password since the cookie was issued.</summary>
    private static async Task ValidateSessionStampAsync(CookieValidatePrincipalContext ctx)
    {
        var principal = ctx.Principal;
        var valid = long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && Guid.TryParse(principal?.FindFirstValue(ConsolePolicies.SessionStampClaim), out var stamp)
            && await ctx.HttpContext.RequestServices.GetRequiredService<UserStore>().SessionStampAsync(id, ctx.HttpContext.RequestAborted) == stamp;
        if (!valid)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static WebApplication MapConsoleLogin(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext http, string? returnUrl) => LoginPage(returnUrl, null, StatusCodes.Status200OK)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(ConsolePolicies.LoginRateLimit).ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext http, UserStore users, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        {
            // A new stamp ends this session and every other one of the user (other browsers, a copied cookie).
            if (long.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                await users.EndSessionsAsync(id, ct);
                await audit.WriteAsync(time.GetUtcNow(), http.User.Identity?.Name ?? "anonymous", "logout", $"user:{http.User.Identity?.Name}", null, ct);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
        app.MapGet("/denied", () => Render.Notice("无权限", "您的角色无权进行此操作。", StatusCodes.Status403Forbidden)).ExcludeFromDescription();
        return app;
    }

    private static RazorComponentResult<LoginPage> LoginPage(string? returnUrl, string? error, int status) => Render.Page(new LoginPage.View(returnUrl, error), status);

    private static async Task<IResult> LoginAsync(
        HttpContext http,
        UserStore users,
        IPasswordHasher<string> hasher,
        LoginThrottle throttle,
        IOptions<ConsoleOptions> options,
        AuditLog audit,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Supervisor.Web.Login");
        var fields = await PageContext.FormAsync(http, ct);
        var form = new LoginForm(fields["name"], fields["password"], fields["returnUrl"]);
        var now = time.GetUtcNow();
        var name = form.Name?.Trim() ?? "";
        var password = form.Password ?? "";
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

        // One answer for everything that is not a login, so the page never tells a real name from an invented one.
        const string wrong = "用户名或密码错误。";
        if (!throttle.MayTry(address, name))
        {
            var shownName = Cap(name);
            SecurityLog.LoginThrottled(logger, shownName, address);
            await audit.WriteAsync(now, name.Length == 0 ? "anonymous" : shownName, "login.throttled", null, new { address }, ct);
            var minutes = Math.Ceiling(options.Value.LockoutDuration.TotalMinutes);
            return LoginPage(form.ReturnUrl, $"登录失败次数过多，请 {minutes} 分钟后再试。", StatusCodes.Status429TooManyRequests);
        }

        var plausible = name.Length is > 0 and <= InputLimits.Name && password.Length <= InputLimits.Password;
        var user = plausible ? await users.FindAsync(name, ct) : null;

        bool verified;
        if (user is null)
        {
            // Hash anyway, so an unknown name takes as long as a wrong password and names cannot be probed by timing.
            _ = hasher.VerifyHashedPassword(name, DummyHash.Value, plausible ? password : "");
            verified = false;
        }
        else
        {
            verified = hasher.VerifyHashedPassword(user.Name, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        }

        if (user is null || !verified)
        {
            throttle.Failed(address, name);
            var shown = Cap(name);
            SecurityLog.LoginFailed(logger, shown);
            await audit.WriteAsync(now, name.Length == 0 ? "anonymous" : shown, "login.failed", null, new { address }, ct);
            return LoginPage(form.ReturnUrl, wrong, StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(address, name);
        await users.RecordSuccessAsync(user.Id, now, ct);
        await audit.WriteAsync(now, user.Name, "login", $"user:{user.Name}", new { address }, ct);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role),
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ConsolePolicies.SessionStampClaim, user.SessionStamp.ToString("N")),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(LocalReturnUrl(form.ReturnUrl));
    }

    private static string Cap(string name) => name.Length > InputLimits.Name ? name[..InputLimits.Name] + "…" : name;
}
