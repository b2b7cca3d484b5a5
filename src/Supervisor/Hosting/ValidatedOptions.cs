using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Supervisor.Hosting;

/// <summary>An options type registered through <see cref="ValidatedOptions.AddValidatedOptions{TOptions, TValidator}"/>: how to resolve (and so validate) it.</summary>
public sealed record ValidatedOptionsEntry(Type OptionsType, Func<IServiceProvider, object> Resolve);

/// <summary>
/// One mechanism for settings: bind a section, register its validator, validate on start, and remember the type so that
/// <see cref="ValidateAll"/> checks every section before a CLI command works — no hand-kept list to forget a type in.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfigurationSection section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var builder = services.AddValidatedOptions<TOptions>(o => BindOrFail(section, o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder;
    }

    /// <summary>For sections bound in a way of their own (a connection string, a dictionary of jobs); the validator, if any, is registered by the caller.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, Action<TOptions> configure)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(ValidatedOptionsEntry) && d.ImplementationInstance is ValidatedOptionsEntry e && e.OptionsType == typeof(TOptions)))
        {
            services.AddSingleton(new ValidatedOptionsEntry(typeof(TOptions), sp => sp.GetRequiredService<IOptions<TOptions>>().Value));
        }

        return services.AddOptions<TOptions>().Configure(configure).ValidateOnStart();
    }

    /// <summary>
    /// The configuration binder, with a value that does not convert (a word where a number or a duration belongs) reported
    /// as a validation failure naming its key, so the CLI exits 2 with "configuration: …" like any other bad setting.
    /// </summary>
    public static void BindOrFail<TOptions>(IConfiguration section, TOptions options)
        where TOptions : class
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            var detail = ex.InnerException is { } inner ? $" ({inner.Message.TrimEnd('.')})" : "";
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), [ex.Message.TrimEnd('.') + detail]);
        }
    }

    /// <summary>Resolves every registered section, so bad configuration fails before any work (as <c>ValidateOnStart</c> does for hosts).</summary>
    public static void ValidateAll(this IServiceProvider services)
    {
        foreach (var entry in services.GetServices<ValidatedOptionsEntry>())
        {
            _ = entry.Resolve(services);
        }
    }
}
