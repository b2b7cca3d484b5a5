-- One open 延期 request per milestone: a second while one waits is refused (ExtensionStore says so in Chinese);
-- deciding it (approved / rejected) closes it, and a new one may follow. Requests already waiting side by side from
-- before this rule keep their newest one open; the older ones are closed as rejected with a note saying why.
update extension_requests e
set status = 'rejected', decided_at = now(), decided_by = 'system',
    decision_note = '同一时间节点仅保留最新一项待审批的延期申请（系统升级时关闭）'
where e.status = 'pending'
  and exists (select 1 from extension_requests n
              where n.milestone_id = e.milestone_id and n.status = 'pending'
                and (n.requested_at, n.id) > (e.requested_at, e.id));
create unique index extension_requests_one_open_key on extension_requests (milestone_id) where status = 'pending';
