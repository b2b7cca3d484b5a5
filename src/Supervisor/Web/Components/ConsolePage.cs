using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Supervisor.Web.Components;

/// <summary>What a page shows, handed from its endpoint to its component; names the component, so <see cref="Render.Page{TPage}"/> needs no type argument.</summary>
public interface IPageModel<TPage>
    where TPage : IComponent;

/// <summary>
/// A console page: a Razor component rendered on the server (static rendering, no circuit, no script) from the model its
/// endpoint loaded. Everything written with <c>@</c> is HTML-encoded; nothing on a page is written raw.
/// </summary>
public abstract class ConsolePage<TModel> : ComponentBase
{
    [Parameter]
    [EditorRequired]
    public TModel Model { get; set; } = default!;

    /// <summary>The request being answered (static server rendering cascades it).</summary>
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    protected ClaimsPrincipal User => HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>A supervisor (督查室) or an admin: may pause, decide, retry, import.</summary>
    protected bool CanAct => User.IsInRole("admin") || User.IsInRole("supervisor");

    protected bool IsAdmin => User.IsInRole("admin");
}

/// <summary>Endpoint results that render a component.</summary>
public static class Render
{
    public static RazorComponentResult<TPage> Page<TPage>(IPageModel<TPage> model, int status = StatusCodes.Status200OK)
        where TPage : IComponent =>
        new(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = status };

    /// <summary>A page of one sentence: not found, refused, done. <paramref name="error"/> marks it as an alert.</summary>
    public static RazorComponentResult<NoticePage> Notice(
        string title, string message, int status = StatusCodes.Status200OK, bool nav = true, bool error = false, string? backHref = null, string? backLabel = null) =>
        Page(new NoticePage.View(title, message, nav, error, backHref, backLabel), status);

    public static RazorComponentResult<NoticePage> NotFound(string title, string message) => Notice(title, message, StatusCodes.Status404NotFound);
}
