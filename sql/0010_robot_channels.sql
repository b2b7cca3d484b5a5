-- Channels beyond e-mail and the SMS gateway: template SMS providers (Aliyun, Tencent) and work-group robots
-- (企业微信, 钉钉). Forward-only: never edit this file once applied anywhere; add a later file instead.

-- The group robots a unit reads (directory columns 企业微信机器人, 钉钉机器人, 钉钉加签). The webhook URL carries the
-- robot's key or access token and the secret signs DingTalk requests: both are secrets, masked wherever shown.
create table unit_robots (
    unit_id         bigint not null references units (id) on delete cascade,
    platform        text not null check (platform in ('wecom', 'dingtalk')),
    webhook_url     text not null check (webhook_url ~ '^https?://' and length(webhook_url) <= 500),
    secret          text check (length(secret) <= 200),
    updated_at      timestamptz not null,
    primary key (unit_id, platform)
);

-- Robot messages are their own channels; the outbox, keys, leases and ledger are the same.
alter table messages drop constraint messages_channel_check;
alter table messages add constraint messages_channel_check check (channel in ('email', 'sms', 'wecom', 'dingtalk'));

-- A template SMS provider sends an approved template with variables, not free text: the composer records which
-- template (reminder, overdue, escalation, digest) and the variables' values next to the text.
alter table messages add column sms_template text check (sms_template in ('reminder', 'overdue', 'escalation', 'digest'));
alter table messages add column template_params jsonb;
