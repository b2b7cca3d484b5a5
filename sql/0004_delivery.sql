-- Delivery: reminders that found nobody to reach, and what dispatch reads per recipient.
-- Forward-only: never edit this file once applied anywhere; add 0005_… instead.

-- A reminder whose unit (or leader) has no usable contact: recorded for the office digest, never skipped silently.
create table reminder_gaps (
    id              bigint generated always as identity primary key,
    reminder_id     bigint not null references reminders (id) on delete cascade,
    unit_id         bigint references units (id) on delete cascade,
    leader_id       bigint references leaders (id) on delete cascade,
    reason          text not null,
    recorded_at     timestamptz not null
);
create unique index reminder_gaps_key on reminder_gaps (reminder_id, coalesce(unit_id, 0), coalesce(leader_id, 0));
create index reminder_gaps_recorded_idx on reminder_gaps (recorded_at);

-- The per-recipient daily SMS cap counts a recipient's texts of a day.
create index messages_recipient_day_idx on messages (recipient_address, local_date) where channel = 'sms';
