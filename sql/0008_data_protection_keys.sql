-- The ASP.NET Data Protection key ring, shared by every `serve` node: a login cookie or an antiforgery token made on
-- one node is accepted on every other and survives restarts. One row per key, the XML as ASP.NET writes it.
create table data_protection_keys (
    id bigint generated always as identity primary key,
    friendly_name text not null unique,
    xml text not null,
    created_at timestamptz not null default now()
);
