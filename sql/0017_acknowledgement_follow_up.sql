-- 签收 follow-up: when each unit was asked to do what it is asked to do, and the 签收 reminders owed for it.
--
-- assigned_at: when the import first gave the unit this task, or last changed what the unit is asked to do (title or
-- text, deadline or due dates, the unit's role). assignment_hash: a digest of exactly that, so a re-import can tell a
-- change from a repeat. Both null on rows written before this migration: those assignments have no date to count
-- 签收 from and are not chased for it (the office still sees them as 未签收); the next import that changes them dates them.
alter table task_units add column assigned_at timestamptz, add column assignment_hash text;

-- One 签收 reminder per assignment: the unique key makes a re-run of the scan (or a second node) add nothing, and a
-- changed task (a new assigned_at) may owe one again. Composed into the unit's digest like the milestone reminders.
create table acknowledgement_reminders (
    id              bigint generated always as identity primary key,
    task_id         bigint not null references tasks (id) on delete cascade,
    unit_id         bigint not null references units (id) on delete cascade,
    assigned_at     timestamptz not null,
    local_date      date not null,
    created_at      timestamptz not null,
    composed_at     timestamptz,
    constraint acknowledgement_reminders_assignment_key unique (task_id, unit_id, assigned_at)
);
create index acknowledgement_reminders_uncomposed_idx on acknowledgement_reminders (local_date) where composed_at is null;

-- "Has this unit signed for this task?" reads a unit's acknowledgements; the primary key leads with the milestone.
create index acknowledgements_unit_idx on acknowledgements (unit_id, milestone_id);
