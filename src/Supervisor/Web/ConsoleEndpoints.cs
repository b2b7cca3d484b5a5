using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Api;
using Supervisor.Web.Auth;
using Supervisor.Web.Pages;
using Supervisor.Web.Security;

namespace Supervisor.Web;

/// <summary>The admin console's pages (server-rendered HTML, Chinese).</summary>
public static class ConsoleEndpoints
{
    public static IServiceCollection AddSupervisorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsoleAuth(configuration);
        var console = configuration.GetSection(Supervisor.Hosting.ConsoleOptions.Section).Get<Supervisor.Hosting.ConsoleOptions>() ?? new Supervisor.Hosting.ConsoleOptions();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = console.MaxRequestBodyBytes);
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = console.MaxRequestBodyBytes;
            o.ValueLengthLimit = Supervisor.Core.InputLimits.FormValueBytes;
        });

        // Binding failures (no body, wrong content type, malformed JSON) throw, so RequestErrors answers them with a message.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddOpenApi();

        // Pages are Razor components rendered on the server (static rendering: no circuit, no script). The default
        // encoder escapes every non-ASCII character; the console is Chinese, so it may stay readable (markup is still encoded).
        services.AddRazorComponents();
        services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        services.ConfigureHttpJsonOptions(o =>
        {
            // Chinese stays readable in API responses.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        return services;
    }

    /// <summary>
    /// The middleware, in order: the client's real address and scheme (behind known proxies only), security headers,
    /// bad input as 4xx, who you are, whether you may, whether the request is genuine, how often you may log in.
    /// </summary>
    public static WebApplication UseSupervisorConsole(this WebApplication app)
    {
        var console = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Supervisor.Hosting.ConsoleOptions>>().Value;
        if (console.KnownProxies.Length > 0)
        {
            app.UseForwardedHeaders(ForwardedHeaders(console.KnownProxies));
        }

        app.UseSecurityHeaders();
        app.UseRequestErrors();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgeryOnUnsafeRequests();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// X-Forwarded-For and -Proto from the listed proxies only (one hop), so the Secure cookie and the per-address login
    /// limits see the real client; the framework's default trust of loopback is dropped, so nobody else can claim an address.
    /// </summary>
    public static Microsoft.AspNetCore.Builder.ForwardedHeadersOptions ForwardedHeaders(IEnumerable<string> knownProxies)
    {
        var options = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in knownProxies)
        {
            options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        }

        return options;
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
        ReviewPage.Map(pages);
        CalendarPage.Map(pages);
        DigestsPage.Map(pages);
        Evidence.EvidenceEndpoints.Map(pages);
        return app;
    }

    private const string ConsoleCss = """
        body{margin:0;font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
        header{display:flex;flex-wrap:wrap;gap:.6rem 2rem;align-items:center;background:#8b1a1a;color:#fff;padding:.6rem 1.5rem}
        header a{color:#fff;text-decoration:none}header nav{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}.brand{font-weight:bold}
        header nav a[aria-current=page]{border-bottom:2px solid #fff}
        .who{margin-left:auto}.who button{margin-left:.6rem}form.inline{display:inline}
        form.login{display:flex;flex-direction:column;gap:.8rem;max-width:20rem}.error{color:#cf222e}.muted{color:#57606a}
        button{background:#8b1a1a;color:#fff;border:0;border-radius:4px;padding:.3rem .8rem;cursor:pointer}button.secondary{background:#57606a}
        .filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0}section{margin-bottom:1.5rem}
        main{padding:1rem 1.5rem}.cards{display:flex;flex-wrap:wrap;gap:1rem}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem 1.4rem;min-width:8rem}
        .card .label{color:#57606a}.card .value{font-size:2rem;font-weight:bold}
        table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;white-space:nowrap}
        td.text{white-space:normal;min-width:14rem}td.actions{white-space:normal;min-width:12rem}
        .scroll{max-width:100%;overflow-x:auto}textarea.requirements{width:100%;max-width:48rem}dl.summary{margin:0}dl.summary div{display:inline}
        dl.summary dt,dl.summary dd{display:inline;margin:0}dl.summary dt::after{content:"："}dl.summary div:not(:last-child)::after{content:"；"}
        @media (max-width:600px){header{padding:.5rem .8rem}main{padding:.6rem .8rem}.who{margin-left:0}.card{min-width:6rem;padding:.6rem .8rem}.card .value{font-size:1.5rem}svg.trend{width:100%;height:auto}}
        .calendar td{width:5rem;height:3.2rem;vertical-align:top}.calendar .rest{background:#fff1f0}.calendar .today{outline:2px solid #8b1a1a}
        .notice{background:#fff8c5;padding:.5rem;border:1px solid #d4a72c}section.milestone:target{outline:3px solid #d4a72c;outline-offset:4px;background:#fffbe6}pre.message{white-space:pre-wrap;background:#fff;border:1px solid #d0d7de;padding:.6rem}
        .card.red .value{color:#cf222e}.card.yellow .value{color:#9a6700}.card.green .value{color:#1a7f37}svg.trend{background:#fff;border:1px solid #d0d7de}
        .red{color:#cf222e}.yellow{color:#9a6700}.green{color:#1a7f37}
        section.application{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;max-width:60rem}section.application h2{margin:.2rem 0 .5rem;font-size:1.1rem}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}dl.facts div{display:contents}dl.facts dt{color:#57606a}dl.facts dd{margin:0;overflow-wrap:anywhere}
        .evidence{display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0}img.thumb{width:96px;height:96px;object-fit:cover;border:1px solid #d0d7de;border-radius:4px}
        a.card-link{color:inherit;text-decoration:none}a.card-link .card:hover{border-color:#8b1a1a}.decide{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}.decide input{min-width:12rem;flex:1}form.return{display:flex;gap:.4rem;flex:1;flex-wrap:wrap}
        """;
}
