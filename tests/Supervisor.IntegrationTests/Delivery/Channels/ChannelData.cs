using Dapper;
using Npgsql;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>Puts channel messages straight into the outbox and robots into the directory.</summary>
public static class ChannelData
{
    /// <summary>Template SMS (the composer's columns filled in as it would) for each phone.</summary>
    public static async Task QueueSmsAsync(NpgsqlDataSource dataSource, IEnumerable<string> phones, DateTimeOffset now, string kind = "escalation", string template = "overdue", string unit = "区发改局")
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, body_text, sms_template, template_params, next_attempt_at, created_at)
            select a || '|sms|' || @kind || '|2023-06-26', 'sms', @kind, date '2023-06-26', a, '张三', '【某县督查室】贵单位有1项任务逾期，请于今日反馈。',
                   @template, jsonb_build_object('unit', @unit::text, 'count', '1', 'days', '3', 'link', 'progress/1'), @now, @now
            from unnest(@phones) as a
            """,
            new { kind, template, unit, phones = phones.ToArray(), now = now.ToUniversalTime() });
    }

    /// <summary><paramref name="count"/> robot posts to one robot, each its own message (keys differ by a suffix).</summary>
    public static async Task QueueRobotAsync(NpgsqlDataSource dataSource, string channel, string webhook, int count, DateTimeOffset now, string kind = "escalation")
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, next_attempt_at, created_at)
            select @channel || ':' || md5(@webhook) || '|' || i || '|' || @kind || '|2023-06-26', @channel, @kind, date '2023-06-26', @webhook, '区财政局', '督查督办：区财政局',
                   '### 督查督办提醒：区财政局' || chr(10) || '第' || i || '条', @now, @now
            from generate_series(1, @count) as i
            """,
            new { channel, kind, webhook, count, now = now.ToUniversalTime() });
    }

    public static async Task AddRobotsAsync(NpgsqlDataSource dataSource, string unit, string? wecom, string? dingtalk, string? dingtalkSecret)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        var id = await c.ExecuteScalarAsync<long>("select id from units where name = @unit", new { unit });
        if (wecom is not null)
        {
            await c.ExecuteAsync("insert into unit_robots (unit_id, platform, webhook_url, updated_at) values (@id, 'wecom', @wecom, now())", new { id, wecom });
        }

        if (dingtalk is not null)
        {
            await c.ExecuteAsync("insert into unit_robots (unit_id, platform, webhook_url, secret, updated_at) values (@id, 'dingtalk', @dingtalk, @dingtalkSecret, now())", new { id, dingtalk, dingtalkSecret });
        }
    }
}
