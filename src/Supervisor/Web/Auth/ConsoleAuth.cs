using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;

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

    public const string LoginRateLimit = "login";
}

/// <summary>Login form fields.</summary>
public sealed record LoginForm(string? Name, string? Password, string? ReturnUrl);

/// <summary>Cookie login, lockout, rate limit, antiforgery and the fallback policy: nothing answers without login unless marked anonymous.</summary>
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

                // The API answers 401/403; only pages redirect to the login form.
                o.Events.OnRedirectToLogin = ctx => IsApi(ctx.Request) ? Status(ctx.Response, 401) : Redirect(ctx);
                o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.Request) ? Status(ctx.Response, 403) : Redirect(ctx);
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
        app.MapGet("/login", (HttpContext http, string? returnUrl) => LoginPage(http, returnUrl, null, StatusCodes.Status200OK)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(ConsolePolicies.LoginRateLimit).ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
        app.MapGet("/denied", (HttpContext http) => Html.Page(http, "无权限", "<p>您的角色无权进行此操作。</p>", StatusCodes.Status403Forbidden)).ExcludeFromDescription();
        return app;
    }

    private static IResult LoginPage(HttpContext http, string? returnUrl, string? error, int status)
    {
        var body = $"""
            <form method="post" action="/login" class="login">{Html.Token(http)}
            <input type="hidden" name="returnUrl" value="{Html.E(returnUrl)}">
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>")}
            <label>用户名 <input name="name" autocomplete="username" required></label>
            <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">登录</button></form>
            """;
        return Html.Page(http, "登录", body, status, nav: false);
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http,
        UserStore users,
        IPasswordHasher<string> hasher,
        IOptions<ConsoleOptions> options,
        AuditLog audit,
        TimeProvider time,
        TimeZoneInfo zone,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Supervisor.Web.Login");
        var fields = await http.Request.ReadFormAsync(ct);
        var form = new LoginForm(fields["name"], fields["password"], fields["returnUrl"]);
        var now = time.GetUtcNow();
        var name = form.Name?.Trim() ?? "";
        var user = name.Length == 0 ? null : await users.FindAsync(name, ct);
        const string wrong = "用户名或密码错误。";
        if (user is null)
        {
            // Hash anyway, so an unknown name takes as long as a wrong password and names cannot be probed by timing.
            _ = hasher.VerifyHashedPassword(name, DummyHash.Value, form.Password ?? "");
            SecurityLog.LoginFailed(logger, name);
            await audit.WriteAsync(now, name.Length == 0 ? "anonymous" : name, "login.failed", null, new { reason = "unknown user" }, ct);
            return LoginPage(http, form.ReturnUrl, wrong, StatusCodes.Status401Unauthorized);
        }

        if (user.LockedUntil is { } locked && locked > now)
        {
            await audit.WriteAsync(now, user.Name, "login.locked", $"user:{user.Name}", null, ct);
            return LoginPage(http, form.ReturnUrl, $"账户已锁定，请在 {Html.Time(locked, zone)} 之后重试。", StatusCodes.Status423Locked);
        }

        var verified = hasher.VerifyHashedPassword(user.Name, user.PasswordHash, form.Password ?? "");
        if (verified == PasswordVerificationResult.Failed)
        {
            var lockedUntil = await users.RecordFailureAsync(user.Id, now, options.Value.LockoutThreshold, options.Value.LockoutDuration, ct);
            await audit.WriteAsync(now, user.Name, lockedUntil is null ? "login.failed" : "login.lockout", $"user:{user.Name}", null, ct);
            if (lockedUntil is { } until)
            {
                SecurityLog.AccountLocked(logger, user.Name, until);
            }
            else
            {
                SecurityLog.LoginFailed(logger, user.Name);
            }

            return lockedUntil is null
                ? LoginPage(http, form.ReturnUrl, wrong, StatusCodes.Status401Unauthorized)
                : LoginPage(http, form.ReturnUrl, "连续登录失败次数过多，账户已锁定。", StatusCodes.Status423Locked);
        }

        await users.RecordSuccessAsync(user.Id, now, ct);
        await audit.WriteAsync(now, user.Name, "login", $"user:{user.Name}", null, ct);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));

        // Only a local path: an absolute return URL would make the login page an open redirect.
        var back = form.ReturnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
        return Results.Redirect(back);
    }
}
