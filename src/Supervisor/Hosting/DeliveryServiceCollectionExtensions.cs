using Microsoft.Extensions.Options;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Delivery.Email;
using Supervisor.Infrastructure.Delivery.Robots;
using Supervisor.Infrastructure.Delivery.Sms;

namespace Supervisor.Hosting;

/// <summary>The delivery pipeline's wiring: options (validated on start), composer, outbox, channels.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SmtpOptions, SmtpOptionsValidator>(configuration.GetSection(SmtpOptions.Section));
        services.AddValidatedOptions<SmsOptions, SmsOptionsValidator>(configuration.GetSection(SmsOptions.Section));
        services.AddSingleton<IValidateOptions<SmsOptions>, SmsProviderOptionsValidator>();
        services.AddValidatedOptions<RobotOptions, RobotOptionsValidator>(configuration.GetSection(RobotOptions.Section));
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
        services.AddKeyedSingleton<IMessageSender>(Dispatcher.EmailChannel, (sp, _) => sp.GetRequiredService<EmailSender>());

        // Channels as plug-ins of one shape: Sms:Provider picks the SMS one; robots are channels of their own.
        services.AddHttpClient<SmsSender>();
        services.AddHttpClient<AliyunSmsSender>();
        services.AddHttpClient<TencentSmsSender>();
        services.AddKeyedTransient<IMessageSender>(Dispatcher.SmsChannel, (sp, _) => sp.GetRequiredService<IOptions<SmsOptions>>().Value.Provider switch
        {
            SmsProvider.Aliyun => sp.GetRequiredService<AliyunSmsSender>(),
            SmsProvider.Tencent => sp.GetRequiredService<TencentSmsSender>(),
            _ => sp.GetRequiredService<SmsSender>(),
        });
        services.AddSingleton<ReachabilityStore>();
        services.AddSingleton<RobotSecrets>();
        services.AddHttpClient<WeComRobotSender>();
        services.AddHttpClient<DingTalkRobotSender>();
        services.AddKeyedTransient<IMessageSender>(Channels.WeCom, (sp, _) => sp.GetRequiredService<WeComRobotSender>());
        services.AddKeyedTransient<IMessageSender>(Channels.DingTalk, (sp, _) => sp.GetRequiredService<DingTalkRobotSender>());
        services.AddTransient<Dispatcher>();
        return services;
    }

    private static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration.GetSection(SupervisorOptions.Section)[nameof(SupervisorOptions.DataDirectory)] ?? ".data");
}
