-- Server-side session stamps: a console cookie carries its user's stamp and is refused once the stamp changes
-- (logout, password change), so ending a session does not depend on the browser dropping its cookie.
alter table users add column session_stamp uuid not null default gen_random_uuid();

-- Unit API tokens expire; tokens issued before this migration get a year from their creation.
alter table unit_api_tokens add column expires_at timestamptz;
update unit_api_tokens set expires_at = created_at + interval '365 days' where expires_at is null;
alter table unit_api_tokens alter column expires_at set not null;
