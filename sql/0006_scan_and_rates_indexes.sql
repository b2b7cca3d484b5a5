-- Rates fold every milestone due by the horizon per task (RatesStore.ComputeAsync). Reading them in task order from
-- an index that carries the columns the fold needs turns a hash aggregate over ~half the milestones table into an
-- index-only scan feeding a streaming group aggregate (1M milestones: 0.6 s → 0.3 s, docs/BENCHMARKS.md).
create index milestones_task_due_idx on milestones (task_id, due_date) include (status, completed_at);

-- The scan asks "is anything paused at all?" before it applies the pause rules milestone by milestone; almost always
-- nothing is, and these make the question free.
create index tasks_paused_idx on tasks (id) where paused_at is not null;
create index units_paused_idx on units (id) where paused_at is not null;
