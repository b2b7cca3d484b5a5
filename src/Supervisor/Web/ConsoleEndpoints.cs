using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web;

/// <summary>The admin console's pages (server-rendered HTML, Chinese).</summary>
public static class ConsoleEndpoints
{
    public static IServiceCollection AddSupervisorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsoleAuth(configuration);
        services.AddSingleton<UnitTokenStore>();
        services.AddProblemDetails();
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
        app.MapGet("/static/console.css", () => Results.Text(ConsoleCss, "text/css; charset=utf-8")).AllowAnonymous();
        var pages = app.MapGroup("").RequireAuthorization(ConsolePolicies.Staff);
        pages.MapGet("/", OverviewAsync);
        return app;
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        const string sql = """
            select
                (select count(*) from plans)::int as Plans,
                (select count(*) from tasks)::int as Tasks,
                (select count(*) from milestones)::int as Milestones,
                (select count(*) from milestones where status = 'done')::int as Done,
                (select count(*) from units)::int as Units
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var totals = await connection.QuerySingleAsync<Totals>(new CommandDefinition(sql, cancellationToken: ct));
        var body = new StringBuilder();
        body.Append("<section class=\"cards\">");
        Card(body, "工作方案", totals.Plans);
        Card(body, "重点任务", totals.Tasks);
        Card(body, "时间节点", totals.Milestones);
        Card(body, "已办结", totals.Done);
        Card(body, "责任单位", totals.Units);
        body.Append("</section>");
        return Html.Page(http, "总览", body.ToString());
    }

    private static void Card(StringBuilder body, string label, int value) =>
        body.Append("<div class=\"card\"><div class=\"label\">").Append(Html.E(label)).Append("</div><div class=\"value\">")
            .Append(value.ToString(CultureInfo.InvariantCulture)).Append("</div></div>");

    private sealed record Totals(int Plans, int Tasks, int Milestones, int Done, int Units);

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
        .red{color:#cf222e}.yellow{color:#9a6700}.green{color:#1a7f37}
        """;
}
