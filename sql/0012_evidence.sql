-- 佐证材料: files a unit attaches to a progress report. Kept in the database, so every node serves them and a backup
-- holds them; the media type was decided from the content at upload, never from the name.
create table evidence (
    id                  bigint generated always as identity primary key,
    progress_report_id  bigint not null references progress_reports (id) on delete cascade,
    file_name           text not null check (length(file_name) between 1 and 100),
    media_type          text not null,
    size                integer not null check (size > 0),
    sha256              bytea not null check (length(sha256) = 32),
    content             bytea not null,
    uploaded_at         timestamptz not null,
    constraint evidence_size_matches check (length(content) = size)
);
create index evidence_report_idx on evidence (progress_report_id);
-- Large files stay out of line and uncompressed (photos and PDFs are compressed already).
alter table evidence alter column content set storage external;
