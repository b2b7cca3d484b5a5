using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Api;
using Supervisor.Web.Auth;
using Supervisor.Web.Pages;

namespace Supervisor.Web;

/// <summary>The admin console's pages (server-rendered HTML, Chinese).</summary>
public static class ConsoleEndpoints
{
    public static IServiceCollection AddSupervisorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsoleAuth(configuration);
        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            // Chinese stays readable in API responses.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        return services;
    }

    /// <summary>The middleware, in order: who you are, whether you may, whether the form is genuine, how often you may log in.</summary>
    public static WebApplication UseSupervisorConsole(this WebApplication app)
    {
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseFormAntiforgery();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapSupervisorConsole(this WebApplication app)
    {
        app.MapConsoleLogin();
        LinkPage.Map(app);
        app.MapSupervisorApi();
        app.MapOpenApi();
        app.MapGet("/static/console.css", () => Results.Text(ConsoleCss, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();

        // Pages are HTML for people; the OpenAPI document describes /api only.
        var pages = app.MapGroup("").RequireAuthorization(ConsolePolicies.Staff).ExcludeFromDescription();
        OverviewPage.Map(pages);
        UnitsPage.Map(pages);
        TasksPage.Map(pages);
        JobsPage.Map(pages);
        MessagesPage.Map(pages);
        ImportPage.Map(pages);
        ExtensionsPage.Map(pages);
        CalendarPage.Map(pages);
        DigestsPage.Map(pages);
        return app;
    }

    private const string ConsoleCss = """
        body{margin:0;font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
        header{display:flex;gap:2rem;align-items:center;background:#8b1a1a;color:#fff;padding:.6rem 1.5rem}
        header a{color:#fff;text-decoration:none}header nav{display:flex;gap:1.2rem}.brand{font-weight:bold}
        .who{margin-left:auto}.who button{margin-left:.6rem}form.inline{display:inline}
        form.login{display:flex;flex-direction:column;gap:.8rem;max-width:20rem}.error{color:#cf222e}.muted{color:#57606a}
        button{background:#8b1a1a;color:#fff;border:0;border-radius:4px;padding:.3rem .8rem;cursor:pointer}button.secondary{background:#57606a}
        .filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0}section{margin-bottom:1.5rem}
        main{padding:1rem 1.5rem}.cards{display:flex;flex-wrap:wrap;gap:1rem}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem 1.4rem;min-width:8rem}
        .card .label{color:#57606a}.card .value{font-size:2rem;font-weight:bold}
        table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
        .calendar td{width:5rem;height:3.2rem;vertical-align:top}.calendar .rest{background:#fff1f0}.calendar .today{outline:2px solid #8b1a1a}
        .notice{background:#fff8c5;padding:.5rem;border:1px solid #d4a72c}pre.message{white-space:pre-wrap;background:#fff;border:1px solid #d0d7de;padding:.6rem}
        .card.red .value{color:#cf222e}.card.yellow .value{color:#9a6700}.card.green .value{color:#1a7f37}svg.trend{background:#fff;border:1px solid #d0d7de}
        .red{color:#cf222e}.yellow{color:#9a6700}.green{color:#1a7f37}
        """;
}
