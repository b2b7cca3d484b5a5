-- 办结申请 and the office's review (销号 / 退回). With Supervision:CompletionNeedsReview on, a lead unit's 办结 is an
-- application: the milestone stays open (not done, not counted in the rates) but is not chased while the application
-- is pending. 销号 (approved) marks the milestone done as of applied_at; 退回 (returned) leaves it open with a reason
-- the unit hears in its next message. Every application is kept: the history of a milestone's 办结 is its rows.
create table completion_applications (
    id                  bigint generated always as identity primary key,
    milestone_id        bigint not null references milestones (id) on delete cascade,
    -- The applying unit (null if the unit was later deleted); staff entering a unit's phone call name that unit.
    unit_id             bigint references units (id) on delete set null,
    applied_at          timestamptz not null,
    -- The office's local date of applied_at: the day that decides "on time" (applied_date <= due date).
    applied_date        date not null,
    note                text check (length(note) <= 2000),
    -- The progress report holding the application's 佐证材料, when it came with a note or files.
    progress_report_id  bigint references progress_reports (id) on delete set null,
    source              text not null check (source in ('cli', 'link', 'api', 'console')),
    -- Who applied: link:unit:N, an API token's name, or the staff user who entered it on the unit's behalf.
    applied_by          text not null,
    state               text not null default 'pending' check (state in ('pending', 'approved', 'returned')),
    decided_by          text,
    decided_at          timestamptz,
    return_reason       text check (length(return_reason) between 1 and 1000),
    constraint completion_applications_decided check ((state = 'pending') = (decided_at is null) and (decided_at is null) = (decided_by is null)),
    constraint completion_applications_returned_has_reason check ((state = 'returned') = (return_reason is not null))
);
-- At most one pending application per milestone: a second 办结 while one waits is refused.
create unique index completion_applications_pending_key on completion_applications (milestone_id) where state = 'pending';
create index completion_applications_milestone_idx on completion_applications (milestone_id, applied_at desc, id desc);
-- The office's queue and the digest's 退回 list read by state and time.
create index completion_applications_state_idx on completion_applications (state, applied_at);
