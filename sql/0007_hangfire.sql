-- Scheduling moved from Quartz.NET to Hangfire. Hangfire's own tables live in the schema "hangfire", installed by
-- `supervisor migrate` with the package's installer under the same advisory lock (never by a serving node), so this
-- file only drops Quartz's job store (0003 stays as applied history) and adapts our own tables.
drop table if exists qrtz_fired_triggers, qrtz_paused_trigger_grps, qrtz_paused_job_grps, qrtz_scheduler_state,
    qrtz_locks, qrtz_simple_triggers, qrtz_cron_triggers, qrtz_simprop_triggers, qrtz_blob_triggers,
    qrtz_triggers, qrtz_job_details, qrtz_calendars, qrtz_execution_history, qrtz_misfire_history, qrtz_job_status
    cascade;

-- Pausing is ours (Hangfire has none): a row per paused job, read by every pass, so it holds on every node and
-- across restarts. A paused job's scheduled pass is recorded with outcome 'paused' and does nothing.
create table job_pauses (
    job_name    text primary key,
    paused_at   timestamptz not null,
    paused_by   text not null
);

-- 'immediate': a pass enqueued by the product itself (a compose that queued messages starts reminder-dispatch at once).
alter table job_runs drop constraint job_runs_trigger_kind_check;
alter table job_runs add constraint job_runs_trigger_kind_check check (trigger_kind in ('schedule', 'manual', 'immediate'));
alter table job_runs drop constraint job_runs_outcome_check;
alter table job_runs add constraint job_runs_outcome_check
    check (outcome in ('running', 'succeeded', 'failed', 'skipped', 'paused'));

-- A pass run through Hangfire carries its background job's id. A scheduled slot is claimed once by
-- (job_name, scheduled_at); an enqueued (manual or immediate) pass once by its Hangfire job, so a job Hangfire fetches
-- again (its server died mid-pass) finds its claim and does nothing.
alter table job_runs add column background_job_id text;
create unique index job_runs_background_job_key on job_runs (background_job_id) where background_job_id is not null;
