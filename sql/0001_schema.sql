-- Supervisor's pipeline: plan -> section -> task -> milestone -> reminder -> message -> delivery attempt.
-- Forward-only: never edit this file once applied anywhere; add 0002_… instead.

create table plans (
    id              bigint generated always as identity primary key,
    year            integer not null check (year between 2000 and 2100),
    title           text not null check (length(title) between 1 and 500),
    source          text,
    imported_at     timestamptz not null,
    updated_at      timestamptz not null,
    -- Re-importing the same plan (title + year) updates it instead of creating another.
    constraint plans_title_year_key unique (title, year)
);

create table sections (
    id              bigint generated always as identity primary key,
    plan_id         bigint not null references plans (id) on delete cascade,
    parent_id       bigint references sections (id) on delete cascade,
    -- Titles from the outermost section down, joined by ' / ': the natural key for idempotent re-import.
    path            text not null,
    title           text not null,
    position        integer not null,
    constraint sections_plan_path_key unique (plan_id, path)
);
create index sections_parent_idx on sections (parent_id);

create table units (
    id              bigint generated always as identity primary key,
    name            text not null check (length(name) between 1 and 200),
    kind            text not null default 'department'
                    check (kind in ('department', 'township', 'enterprise', 'agency', 'other')),
    paused_at       timestamptz,
    paused_by       text,
    created_at      timestamptz not null,
    constraint units_name_key unique (name)
);

-- Other spellings of a unit ("发改局" for "区发改局"). One alias names one unit.
create table unit_aliases (
    alias           text primary key,
    unit_id         bigint not null references units (id) on delete cascade
);
create index unit_aliases_unit_idx on unit_aliases (unit_id);

-- Collective references ("相关乡镇办", "区直各部门"): not a unit, flagged until the office maps them.
create table unit_groups (
    id              bigint generated always as identity primary key,
    name            text not null,
    mapped_at       timestamptz,
    constraint unit_groups_name_key unique (name)
);

create table unit_group_members (
    group_id        bigint not null references unit_groups (id) on delete cascade,
    unit_id         bigint not null references units (id) on delete cascade,
    primary key (group_id, unit_id)
);

create table leaders (
    id              bigint generated always as identity primary key,
    name            text not null check (length(name) between 1 and 100),
    title           text,
    created_at      timestamptz not null,
    constraint leaders_name_key unique (name)
);

create table tasks (
    id                  bigint generated always as identity primary key,
    plan_id             bigint not null references plans (id) on delete cascade,
    section_id          bigint references sections (id) on delete set null,
    code                text not null,
    title               text not null,
    full_text           text not null,
    targets             text[] not null default '{}',
    deadline            date,
    no_responsible_unit boolean not null default false,
    position            integer not null,
    source_line         integer,
    paused_at           timestamptz,
    paused_by           text,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    constraint tasks_plan_code_key unique (plan_id, code)
);
create index tasks_section_idx on tasks (section_id);

create table task_units (
    task_id         bigint not null references tasks (id) on delete cascade,
    unit_id         bigint not null references units (id) on delete restrict,
    role            text not null check (role in ('lead', 'co')),
    position        integer not null default 0,
    primary key (task_id, unit_id)
);
-- Rates read "tasks where this unit is lead": by unit first.
create index task_units_unit_role_idx on task_units (unit_id, role, task_id);

create table task_unit_groups (
    task_id         bigint not null references tasks (id) on delete cascade,
    group_id        bigint not null references unit_groups (id) on delete restrict,
    position        integer not null default 0,
    primary key (task_id, group_id)
);

create table task_leaders (
    task_id         bigint not null references tasks (id) on delete cascade,
    leader_id       bigint not null references leaders (id) on delete restrict,
    position        integer not null default 0,
    primary key (task_id, leader_id)
);
create index task_leaders_leader_idx on task_leaders (leader_id);

create table milestones (
    id                  bigint generated always as identity primary key,
    task_id             bigint not null references tasks (id) on delete cascade,
    -- Stable within the task across re-imports: 'completion', 'completion-1', 'report-2023Q2'.
    key                 text not null,
    kind                text not null check (kind in ('report', 'completion')),
    title               text not null,
    due_date            date not null,
    -- The due date before any approved extension; assessment keeps it.
    original_due_date   date not null,
    status              text not null default 'open' check (status in ('open', 'done')),
    completed_at        timestamptz,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    constraint milestones_task_key_key unique (task_id, key),
    constraint milestones_done_has_time check ((status = 'done') = (completed_at is not null))
);
-- The scan reads every open milestone by due date.
create index milestones_open_due_idx on milestones (due_date) include (task_id, kind) where status = 'open';
create index milestones_due_idx on milestones (due_date);

-- 签收: a unit acknowledged a milestone; stops first-level reminders for it.
create table acknowledgements (
    milestone_id    bigint not null references milestones (id) on delete cascade,
    unit_id         bigint not null references units (id) on delete cascade,
    acknowledged_at timestamptz not null,
    source          text not null check (source in ('cli', 'link', 'api', 'console')),
    primary key (milestone_id, unit_id)
);

create table progress_reports (
    id              bigint generated always as identity primary key,
    milestone_id    bigint not null references milestones (id) on delete cascade,
    unit_id         bigint references units (id) on delete set null,
    percent         integer check (percent between 0 and 100),
    note            text,
    reported_at     timestamptz not null,
    source          text not null check (source in ('cli', 'link', 'api', 'console', 'import')),
    reported_by     text
);
create index progress_reports_milestone_idx on progress_reports (milestone_id, reported_at desc);

-- 延期申请: the office approves a new due date; milestones.original_due_date keeps the first one.
create table extension_requests (
    id              bigint generated always as identity primary key,
    milestone_id    bigint not null references milestones (id) on delete cascade,
    unit_id         bigint references units (id) on delete set null,
    requested_due   date not null,
    reason          text not null,
    status          text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
    requested_at    timestamptz not null,
    decided_at      timestamptz,
    decided_by      text,
    decision_note   text
);
create index extension_requests_pending_idx on extension_requests (requested_at) where status = 'pending';

create table contacts (
    id              bigint generated always as identity primary key,
    unit_id         bigint references units (id) on delete cascade,
    leader_id       bigint references leaders (id) on delete cascade,
    role            text not null check (role in ('liaison', 'head', 'leader')),
    name            text,
    phone           text check (phone ~ '^1[3-9][0-9]{9}$'),
    email           text check (email ~ '^[^@\s]+@[^@\s]+$'),
    updated_at      timestamptz not null,
    constraint contacts_owner_check check ((unit_id is null) <> (leader_id is null)),
    constraint contacts_leader_role_check check ((leader_id is not null) = (role = 'leader'))
);
create unique index contacts_unit_role_key on contacts (unit_id, role) where unit_id is not null;
create unique index contacts_leader_key on contacts (leader_id) where leader_id is not null;

-- Official exceptions to Monday–Friday: holidays and make-up working days (调休).
create table calendar_days (
    day             date primary key,
    kind            text not null check (kind in ('holiday', 'workday')),
    name            text
);

-- What is owed, recorded by the scan; recipients are resolved when messages are composed.
create table reminders (
    id                      bigint generated always as identity primary key,
    milestone_id            bigint not null references milestones (id) on delete cascade,
    level                   smallint not null check (level between 1 and 3),
    local_date              date not null,
    working_days_overdue    integer not null default 0,
    calendar_days_overdue   integer not null default 0,
    created_at              timestamptz not null,
    composed_at             timestamptz,
    -- The scan may run twice or on two nodes at once: this key makes a re-run add nothing.
    constraint reminders_milestone_level_date_key unique (milestone_id, level, local_date)
);
create index reminders_uncomposed_idx on reminders (local_date, level) where composed_at is null;

-- The outbox and the send ledger: one row per recipient, channel, kind and local date.
create table messages (
    id                  bigint generated always as identity primary key,
    key                 text not null,
    channel             text not null check (channel in ('email', 'sms')),
    kind                text not null check (kind in ('unit_digest', 'escalation', 'supervision_digest', 'notice')),
    local_date          date not null,
    recipient_address   text not null,
    recipient_name      text,
    unit_id             bigint references units (id) on delete set null,
    leader_id           bigint references leaders (id) on delete set null,
    subject             text,
    body_text           text not null,
    body_html           text,
    attachment_name     text,
    attachment          bytea,
    state               text not null default 'pending'
                        check (state in ('pending', 'held', 'sending', 'sent', 'failed', 'dead', 'cancelled')),
    attempts            integer not null default 0,
    next_attempt_at     timestamptz not null,
    lease_owner         text,
    lease_until         timestamptz,
    provider_message_id text,
    last_error          text,
    created_at          timestamptz not null,
    sent_at             timestamptz,
    constraint messages_key_key unique (key)
);
-- Dispatch claims due rows in order; sent/dead rows drop out of the index.
create index messages_due_idx on messages (next_attempt_at) where state in ('pending', 'held', 'failed', 'sending');
create index messages_unit_idx on messages (unit_id, created_at desc);

create table message_reminders (
    message_id      bigint not null references messages (id) on delete cascade,
    reminder_id     bigint not null references reminders (id) on delete cascade,
    primary key (message_id, reminder_id)
);
create index message_reminders_reminder_idx on message_reminders (reminder_id);

create table delivery_attempts (
    id                  bigint generated always as identity primary key,
    message_id          bigint not null references messages (id) on delete cascade,
    attempt             integer not null,
    worker              text not null,
    started_at          timestamptz not null,
    finished_at         timestamptz,
    outcome             text check (outcome in ('sent', 'transient', 'permanent')),
    error               text,
    provider_message_id text
);
create index delivery_attempts_message_idx on delivery_attempts (message_id, attempt);

create table job_runs (
    id                  bigint generated always as identity primary key,
    job_name            text not null,
    instance_id         text not null,
    -- 'schedule' runs carry the trigger's scheduled fire time; a double fire of one slot hits the unique key.
    trigger_kind        text not null check (trigger_kind in ('schedule', 'manual')),
    scheduled_at        timestamptz not null,
    started_at          timestamptz not null,
    finished_at         timestamptz,
    outcome             text not null default 'running'
                        check (outcome in ('running', 'succeeded', 'failed', 'skipped')),
    error               text,
    summary             jsonb
);
create unique index job_runs_scheduled_key on job_runs (job_name, scheduled_at) where trigger_kind = 'schedule';
create index job_runs_recent_idx on job_runs (job_name, started_at desc);

create table unit_rate_snapshots (
    snapshot_date               date not null,
    unit_id                     bigint not null references units (id) on delete cascade,
    due                         integer not null,
    done_on_time                integer not null,
    done_late                   integer not null,
    overdue_open                integer not null,
    completion_rate             numeric(5, 4),
    on_time_rate                numeric(5, 4),
    worst_overdue_working_days  integer not null default 0,
    co_due                      integer not null default 0,
    co_done_on_time             integer not null default 0,
    co_done_late                integer not null default 0,
    co_overdue_open             integer not null default 0,
    light                       text not null check (light in ('red', 'yellow', 'green')),
    rank                        integer not null,
    primary key (snapshot_date, unit_id)
);

create table users (
    id              bigint generated always as identity primary key,
    name            text not null check (length(name) between 1 and 100),
    password_hash   text not null,
    role            text not null check (role in ('admin', 'supervisor', 'viewer')),
    failed_logins   integer not null default 0,
    locked_until    timestamptz,
    created_at      timestamptz not null,
    last_login_at   timestamptz,
    constraint users_name_key unique (name)
);

create table audit_log (
    id              bigint generated always as identity primary key,
    at              timestamptz not null,
    actor           text not null,
    action          text not null,
    target          text,
    details         jsonb
);
create index audit_log_at_idx on audit_log (at desc);
