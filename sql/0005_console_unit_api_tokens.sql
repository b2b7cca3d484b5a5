-- Per-unit API tokens for systems that report progress automatically. Only a SHA-256 hash of the token is kept.
create table unit_api_tokens (
    id              bigint generated always as identity primary key,
    unit_id         bigint not null references units (id) on delete cascade,
    name            text not null check (length(name) between 1 and 100),
    token_hash      bytea not null,
    created_at      timestamptz not null,
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    constraint unit_api_tokens_hash_key unique (token_hash)
);
create index unit_api_tokens_unit_idx on unit_api_tokens (unit_id);
