using Microsoft.Extensions.Options;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Delivery.Email;

namespace Supervisor.Hosting;

/// <summary>The delivery pipeline's wiring: options (validated on start), composer, outbox, channels.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SmtpOptions, SmtpOptionsValidator>(configuration.GetSection(SmtpOptions.Section));
        services.AddValidatedOptions<SmsOptions, SmsOptionsValidator>(configuration.GetSection(SmsOptions.Section));
        services.AddValidatedOptions<DeliveryOptions, DeliveryOptionsValidator>(configuration.GetSection(DeliveryOptions.Section));
        services.AddValidatedOptions<OfficeOptions, OfficeOptionsValidator>(configuration.GetSection(OfficeOptions.Section));

        // Dev sinks sit under Supervisor:DataDirectory unless configured.
        services.PostConfigure<SmtpOptions>(o => o.PickupDirectory ??= Path.Combine(DataDirectory(configuration), "mail"));
        services.PostConfigure<SmsOptions>(o => o.Directory ??= Path.Combine(DataDirectory(configuration), "sms"));

        services.AddSingleton<TemplateSet>();
        services.AddSingleton<ComposeStore>();
        services.AddSingleton<ReminderComposer>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<SupervisionDigestStore>();
        services.AddSingleton<SupervisionDigestComposer>();
        services.AddPaperwork(configuration);
        services.AddSingleton<EmailSender>();
        services.AddHttpClient<SmsSender>();
        services.AddKeyedSingleton<IMessageSender>(Dispatcher.EmailChannel, (sp, _) => sp.GetRequiredService<EmailSender>());
        services.AddKeyedTransient<IMessageSender>(Dispatcher.SmsChannel, (sp, _) => sp.GetRequiredService<SmsSender>());
        services.AddTransient<Dispatcher>();
        return services;
    }

    private static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration.GetSection(SupervisorOptions.Section)[nameof(SupervisorOptions.DataDirectory)] ?? ".data");
}
