-- ERP sync (issue 9, part C): the incremental receivables API's idempotency keys, and the
-- sources the scheduler pulls exports from (a folder or an HTTP URL), with one row per pull.
-- The receivables themselves go through the importer (debts, debtors, contacts, events).

-- One row per Idempotency-Key that succeeded: a replay with the same body gets the stored
-- answer; the same key with another body is a conflict. A refused batch (invalid item) wrote
-- nothing, its key included, so the corrected batch may reuse the key.
create table erp_batches (
  tenant_id        uuid not null references tenants (id),
  id               uuid not null default uuid_v7(),
  idempotency_key  text not null check (length(idempotency_key) between 1 and 200),
  request_sha256   text not null,
  status_code      int not null,
  response         jsonb not null,
  operations       int not null,
  created_by       uuid references users (id),
  created_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, idempotency_key)
);

-- Where and when to pull a creditor's export. `http_headers` may hold credentials: it is never
-- returned by the API (only the header names). ETag / Last-Modified / the SHA-256 of the last
-- body make a re-pull of an unchanged export a no-op.
create table erp_sources (
  tenant_id         uuid not null references tenants (id),
  id                uuid not null default gen_random_uuid(),
  name              text not null check (length(name) between 1 and 120),
  creditor_id       uuid not null,
  portfolio_id      uuid not null,
  kind              text not null check (kind in ('folder', 'http')),
  location          text not null,
  format            text check (format in ('csv', 'jsonl')),
  reader_options    jsonb not null default '{}',
  all_or_nothing    boolean not null default true,
  snapshot          boolean not null default false,
  interval_minutes  int check (interval_minutes between 1 and 44640),
  cron              text,
  http_headers      jsonb not null default '{}',
  active            boolean not null default true,
  next_run_at       timestamptz,
  running_since     timestamptz,
  etag              text,
  last_modified     text,
  last_sha256       text,
  last_run_at       timestamptz,
  last_outcome      text check (last_outcome in ('imported', 'unchanged', 'not_modified', 'no_files', 'rejected', 'unreadable', 'failed')),
  last_message      text,
  last_import_id    uuid,
  created_by        uuid references users (id),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (id),
  check ((interval_minutes is null) <> (cron is null)),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id)
);
create index erp_sources_due on erp_sources (next_run_at) where active;

-- Every pull that found something to do (or failed): which file, its checksum, the import it
-- became. A folder source skips a file whose checksum already has a final outcome here.
create table erp_pulls (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default uuid_v7(),
  source_id     uuid not null,
  file_name     text,
  sha256        text,
  bytes         bigint,
  outcome       text not null check (outcome in ('imported', 'unchanged', 'not_modified', 'no_files', 'rejected', 'unreadable', 'failed')),
  message       text,
  import_id     uuid,
  started_at    timestamptz not null default now(),
  finished_at   timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, source_id) references erp_sources (tenant_id, id) on delete cascade
);
create index erp_pulls_source on erp_pulls (tenant_id, source_id, started_at desc);
create index erp_pulls_checksum on erp_pulls (tenant_id, source_id, sha256);

-- The agency's integration settings: not visible to a creditor viewer (as the workspace tables).
do $$
declare t text;
begin
  foreach t in array array['erp_batches', 'erp_sources', 'erp_pulls'] loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy scope on %I using (tenant_id = app_tenant() and app_creditor() is null) with check (tenant_id = app_tenant() and app_creditor() is null)', t);
  end loop;
end
$$;
grant select, insert, update on erp_batches to recupera_app;
grant select, insert on erp_pulls to recupera_app;
grant select, insert, update, delete on erp_sources to recupera_app;

-- Machine credentials for integrators (an ERP): an API key acts as its user (role, tenant,
-- creditor), like a session that an administrator issues, names, may give an expiry and revokes.
-- Only the SHA-256 of the key is kept; the key itself is shown once. Read only by the system
-- path (as `sessions`): no grant to the request role.
create table api_keys (
  id            text primary key,
  tenant_id     uuid not null references tenants (id),
  user_id       uuid not null references users (id) on delete cascade,
  name          text not null check (length(name) between 1 and 120),
  prefix        text not null,
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz,
  -- what the key may do, whatever its user's role may: an integration key does not act as a supervisor
  scopes        text[] not null default '{erp.sync}' check (cardinality(scopes) > 0),
  created_by    uuid references users (id),
  created_at    timestamptz not null default now()
);
create index api_keys_user on api_keys (user_id);
alter table api_keys enable row level security;
create policy scope on api_keys using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

-- The changes feed (GET /api/erp/changes) orders events by the transaction that wrote them, then
-- the id, and shows only those written by transactions older than every one still running: an id
-- is taken at insert and may commit after a higher one, so a cursor on the id alone could skip an
-- event for good; (xact, id) below the snapshot's xmin never gains a new row behind it.
alter table events add column xact xid8 not null default pg_current_xact_id();
create index events_changes on events (creditor_id, xact, id) where debt_id is not null;
