using Microsoft.Extensions.Options;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Documents;

namespace Supervisor.Hosting;

/// <summary>The office's documents: the 通报 (issues, release, archive) and the 督办通知单; options validated on start.</summary>
public static class PaperworkServiceCollectionExtensions
{
    public static IServiceCollection AddPaperwork(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DigestOptions, DigestOptionsValidator>(configuration.GetSection(DigestOptions.Section));
        services.AddValidatedOptions<NoticeOptions, NoticeOptionsValidator>(configuration.GetSection(NoticeOptions.Section));
        services.AddSingleton<DigestIssueStore>();
        services.AddSingleton<TongbaoService>();
        services.AddSingleton<EscalationNoticeStore>();
        return services;
    }

    private sealed class DigestOptionsValidator(IOptions<SupervisionOptions> supervision) : IValidateOptions<DigestOptions>
    {
        public ValidateOptionsResult Validate(string? name, DigestOptions options)
        {
            var failures = options.Validate(supervision.Value.RedBelowOnTimeRate).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    private sealed class NoticeOptionsValidator : IValidateOptions<NoticeOptions>
    {
        public ValidateOptionsResult Validate(string? name, NoticeOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
