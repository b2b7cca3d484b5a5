-- The office's paperwork: numbered 督查通报 issues (期号 per year, never reused), drafts awaiting release (签发),
-- numbered 督办通知单, and any number of attachments per message.
-- Forward-only: never edit this file once applied anywhere; add a later number instead.

-- Document numbers per series ('tongbao' 期号, 'duban' 通知单编号) and year. Only ever incremented, in the same
-- transaction as the document that takes the number: a rolled-back release burns nothing, a number is never reused.
create table document_numbers (
    series  text not null,
    year    integer not null,
    last    integer not null,
    primary key (series, year)
);

-- One 通报 per period (the local date it is issued for). A draft has no number; releasing it numbers it, keeps the
-- document as sent, and queues the e-mails in the same transaction. The totals feed the next issue's comparison.
create table digest_issues (
    id              bigint generated always as identity primary key,
    period_date     date not null,
    as_of           date not null,
    -- The instant the report is built for: a draft released days later still reports as of then.
    generated_at    timestamptz not null,
    state           text not null check (state in ('draft', 'released')),
    year            integer,
    number          integer,
    requirements    text not null,
    tasks           integer not null,
    due             integer not null,
    on_time         integer not null,
    late            integer not null,
    overdue_open    integer not null,
    file_name       text,
    docx            bytea,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    updated_by      text,
    released_at     timestamptz,
    released_by     text,
    constraint digest_issues_period_key unique (period_date),
    constraint digest_issues_number_key unique (year, number),
    constraint digest_issues_released_check check (
        (state = 'released') = (number is not null and year is not null and docx is not null and released_at is not null))
);

-- A 督办通知单 per escalation (a level-3 reminder), as attached to its e-mails and offered on the task page.
create table escalation_notices (
    reminder_id     bigint primary key references reminders (id) on delete cascade,
    milestone_id    bigint not null references milestones (id) on delete cascade,
    year            integer not null,
    number          integer not null,
    file_name       text not null,
    docx            bytea not null,
    created_at      timestamptz not null,
    constraint escalation_notices_number_key unique (year, number)
);
create index escalation_notices_milestone_idx on escalation_notices (milestone_id);

-- Attachments of a message, in order; content_id set = shown inline in the HTML body (cid:).
create table message_attachments (
    message_id      bigint not null references messages (id) on delete cascade,
    position        smallint not null,
    file_name       text not null,
    content_type    text not null,
    content_id      text,
    content         bytea not null,
    primary key (message_id, position)
);

-- Messages queued before this migration carried one attachment in their own columns: move it here, so the sender
-- reads one place. The old columns stay (forward-only) but are no longer written.
insert into message_attachments (message_id, position, file_name, content_type, content)
select id, 0, coalesce(attachment_name, 'attachment.xlsx'),
       'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', attachment
from messages
where attachment is not null;
