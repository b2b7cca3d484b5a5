-- "Chase only milestones due from today": a plan imported late in its year may carry milestones long overdue that the
-- office will close or extend by hand. Milestones of the plan due before this date owe no 催办/督办; they still count
-- in the rates (not chasing a milestone does not excuse it). Null: chase everything.
alter table plans add column chase_from date;
