using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Web.Security;

namespace Supervisor.IntegrationTests.Web;

/// <summary>Every POST route of the app's route table, found at run time, so a route added later is covered too.</summary>
public sealed class RouteTableTests(HardenedHost host) : IClassFixture<HardenedHost>
{
    private List<string> PostRoutes()
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(p => !p.StartsWith(SecurityHeaders.HangfireDashboardPath, StringComparison.Ordinal))
            .Distinct()

            // Logout last: it ends the session the other checks ride on.
            .OrderBy(p => p == "/logout")
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} POST routes in the table");
        return routes;
    }

    [Fact]
    public async Task Finding11_EveryPostRoute_WithoutAntiforgeryToken_Is400_WhateverTheBody()
    {
        using var admin = await host.LoggedInAsync("admin");
        foreach (var route in PostRoutes())
        {
            var path = Concrete(route);
            foreach (var (label, body) in Bodies(withOversized: false))
            {
                using var response = await admin.PostAsync(path, body());
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} {label} without token: {(int)response.StatusCode}");
                Assert.Contains("防伪令牌", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Finding11_EveryPostRoute_WithToken_AnswersEmptyWrongTypeAndOversizedBodiesWith4xxAndAMessage()
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer(), Expect100ContinueTimeout = TimeSpan.FromMinutes(1) };
        using var admin = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        admin.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.99");
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(admin, "admin")).StatusCode);
        await ConsoleHost.WithAntiforgeryHeaderAsync(admin);
        var checkedRequests = 0;
        foreach (var route in PostRoutes())
        {
            var path = Concrete(route);
            foreach (var (label, body) in Bodies(withOversized: true))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body() };
                request.Headers.ExpectContinue = label == "oversized";
                using var response = await admin.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(status < 500, $"POST {path} {label}: {status} {text}");
                if (label == "oversized")
                {
                    Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"POST {path} {label}: {status}");
                }

                if (status >= 400)
                {
                    Assert.False(string.IsNullOrWhiteSpace(text), $"POST {path} {label}: {status} without a message");
                }

                checkedRequests++;
            }
        }

        Assert.True(checkedRequests >= 60);
    }

    private static (string Label, Func<HttpContent?> Body)[] Bodies(bool withOversized)
    {
        var bodies = new List<(string, Func<HttpContent?>)>
        {
            ("no body", () => null),
            ("empty form", () => new FormUrlEncodedContent([])),
            ("text/plain", () => new StringContent("pause=1", Encoding.UTF8, "text/plain")),
            ("bad json", () => new StringContent("{\"percent\":", Encoding.UTF8, "application/json")),
        };
        if (withOversized)
        {
            // Past Console:MaxRequestBodyBytes (16 MiB by default); Expect: 100-continue keeps it from being uploaded.
            bodies.Add(("oversized", () => new ByteArrayContent(new byte[17 * 1024 * 1024])));
        }

        return [.. bodies];
    }

    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([a-zA-Z]+)(:[^}]*)?\??\}", m => m.Groups[1].Value switch
        {
            "name" => "milestone-scan",
            "token" => "x",
            "action" => "progress",
            _ => "1",
        });
}
