-- The 签收 follow-up reaches a unit's liaison by SMS too: a day's text with only 签收 owed stands for the provider
-- template Acknowledge (Sms:Templates:Acknowledge), recorded as 'acknowledge' beside the deadline templates.
alter table messages drop constraint messages_sms_template_check;
alter table messages add constraint messages_sms_template_check
    check (sms_template in ('reminder', 'overdue', 'escalation', 'digest', 'acknowledge'));
