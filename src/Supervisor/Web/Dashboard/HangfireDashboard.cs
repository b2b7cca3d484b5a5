using System.Globalization;
using Hangfire;
using Hangfire.Dashboard;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Dashboard;

/// <summary>
/// The Hangfire Dashboard at <see cref="Path"/>, behind the console's cookie login: an admin may act (trigger, requeue,
/// delete), a supervisor (督查室) only reads, a viewer is refused, and an anonymous request is sent to the login page
/// (a page) or answered 401 (the dashboard's own XHR calls). In Chinese; the storage's connection string is never shown.
/// </summary>
public static class HangfireDashboard
{
    public const string Path = "/hangfire";

    public const string Policy = "dashboard";

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    public static IServiceCollection AddSupervisorDashboard(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireRole("admin", "supervisor"));
        return services;
    }

    /// <summary>Whether a request is the dashboard's script calling back (stats polling, buttons): it gets a status, not a redirect.</summary>
    public static bool IsScriptCall(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments(Path)
            && (HttpMethods.IsPost(request.Method) || request.Headers.XRequestedWith == "XMLHttpRequest");
    }

    public static WebApplication MapSupervisorDashboard(this WebApplication app)
    {
        // The dashboard renders with the current UI culture; Hangfire ships Chinese strings.
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(Path))
            {
                CultureInfo.CurrentCulture = Chinese;
                CultureInfo.CurrentUICulture = Chinese;
            }

            await next(http);
        });

        app.MapHangfireDashboardWithAuthorizationPolicy(Policy, Path, new DashboardOptions
        {
            DashboardTitle = "督查督办 · 调度面板",
            AppPath = "/jobs",
            DisplayStorageConnectionString = false,
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(ConsolePolicies.Admin),
        });
        return app;
    }
}
