-- Foundation: tenants, creditors, portfolios, debtors and their contact points, debts,
-- the case timeline, imports, users, sessions and the personal-data audit log.
--
-- Tenant isolation is enforced here, not only in the application: every table carries
-- tenant_id, and request work runs as the role recupera_app, to which row-level security
-- applies. The policies read the request scope from two settings that the application
-- sets per transaction: app.tenant_id and, for creditor viewers, app.creditor_id.
-- Money is integer centavos (bigint); rates are exact numerics (fractions: 0.02 = 2%).

create extension if not exists pg_trgm;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'recupera_app') then
    create role recupera_app nologin;
  end if;
  -- A non-superuser owner needs membership to SET ROLE; a superuser already may.
  begin
    execute format('grant recupera_app to %I', current_user);
  exception when others then null;
  end;
end
$$;

create function app_tenant() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create function app_creditor() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.creditor_id', true), '')::uuid $$;

-- Time-ordered UUIDs (RFC 9562 version 7: 48-bit Unix milliseconds, then random bits) for the
-- high-volume tables: new keys land at the right edge of their indexes instead of at random
-- pages, which keeps bulk imports from thrashing the buffer cache. PostgreSQL 18 has uuidv7();
-- this one works from PostgreSQL 13 on.
create function uuid_v7() returns uuid
  language sql volatile parallel safe
  as $$
    select encode(
      set_bit(set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                from 1 for 6),
        52, 1), 53, 1), 'hex')::uuid
  $$;

create function forbid_change() returns trigger
  language plpgsql
  as $$ begin raise exception '% is append-only', tg_table_name using errcode = 'P0001'; end $$;

create table tenants (
  id          uuid primary key default gen_random_uuid(),
  slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name        text not null,
  created_at  timestamptz not null default now()
);

-- The creditor's identification that every collection message must carry (CDC art. 42-A).
create table creditors (
  tenant_id      uuid not null references tenants (id),
  id             uuid primary key default gen_random_uuid(),
  legal_name     text not null,
  trade_name     text,
  document       text not null,
  document_kind  text not null check (document_kind in ('cpf', 'cnpj')),
  business_kind  text not null check (business_kind in ('consumer', 'b2b')),
  street         text not null,
  number         text not null,
  complement     text,
  district       text,
  city           text not null,
  uf             text not null check (uf ~ '^[A-Z]{2}$'),
  cep            text not null check (cep ~ '^[0-9]{8}$'),
  email          text,
  phone          text,
  website        text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  unique (tenant_id, document),
  unique (tenant_id, id)
);

create table portfolios (
  tenant_id    uuid not null,
  id           uuid primary key default gen_random_uuid(),
  creditor_id  uuid not null,
  name         text not null,
  description  text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (creditor_id, name),
  unique (tenant_id, creditor_id, id),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id)
);

-- High-volume tables are keyed by (tenant_id, id) and reference each other through composite
-- keys, so the database itself guarantees that a debt, a contact or an event can only point at
-- rows of its own tenant, with one foreign-key check each (docs/decisions/0002-tenant-keys.md).
create table debtors (
  tenant_id              uuid not null references tenants (id),
  id                     uuid not null default uuid_v7(),
  kind                   text not null check (kind in ('pf', 'pj')),
  document               text not null,
  name                   text not null,
  search_name            text not null,
  birth_date             date,
  uf                     text check (uf ~ '^[A-Z]{2}$'),
  city                   text,
  declared_income_cents  bigint check (declared_income_cents >= 0),
  over_indebted_since    date,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, document)
);
create index debtors_search_name on debtors using gin (search_name gin_trgm_ops);

create table contact_points (
  tenant_id           uuid not null,
  id                  uuid not null default uuid_v7(),
  debtor_id           uuid not null,
  channel             text not null check (channel in ('phone', 'email', 'address')),
  value               text not null,
  address             jsonb,
  phone_kind          text check (phone_kind in ('mobile', 'landline')),
  label               text,
  source              text not null,
  verified            boolean not null default false,
  -- A reference contact only helps to locate the debtor; it is never told about the debt (CDC art. 42).
  is_reference        boolean not null default false,
  reference_name      text,
  reference_relation  text,
  opted_out_channels  text[] not null default '{}',
  whatsapp_opt_in_at  timestamptz,
  invalid_at          timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (debtor_id, channel, value),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);

create table users (
  tenant_id      uuid not null references tenants (id),
  id             uuid primary key default gen_random_uuid(),
  email          text not null,
  name           text not null,
  role           text not null check (role in ('admin', 'supervisor', 'analyst', 'collector', 'creditor_viewer', 'auditor')),
  creditor_id    uuid,
  password_hash  text not null,
  active         boolean not null default true,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  last_login_at  timestamptz,
  check ((role = 'creditor_viewer') = (creditor_id is not null)),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id)
);
create unique index users_email on users (lower(email));
create index users_tenant on users (tenant_id);

create table imports (
  tenant_id        uuid not null,
  id               uuid primary key default gen_random_uuid(),
  creditor_id      uuid not null,
  portfolio_id     uuid not null,
  file_name        text not null,
  file_sha256      text,
  format           text,
  options          jsonb not null default '{}',
  status           text not null check (status in ('running', 'completed', 'rejected', 'failed')),
  total_rows       integer not null default 0,
  created_rows     integer not null default 0,
  updated_rows     integer not null default 0,
  unchanged_rows   integer not null default 0,
  rejected_rows    integer not null default 0,
  settled_rows     integer not null default 0,
  debtors_created  integer not null default 0,
  debtors_updated  integer not null default 0,
  message          text,
  created_by       uuid references users (id),
  started_at       timestamptz not null default now(),
  finished_at      timestamptz,
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id)
);
create index imports_tenant on imports (tenant_id, started_at desc);

create table import_errors (
  tenant_id  uuid not null,
  import_id  uuid not null references imports (id) on delete cascade,
  line       integer not null,
  field      text not null,
  value      text,
  reason     text not null,
  primary key (import_id, line, field)
);

create table debts (
  tenant_id                     uuid not null,
  id                            uuid not null default uuid_v7(),
  creditor_id                   uuid not null,
  portfolio_id                  uuid not null,
  debtor_id                     uuid not null,
  external_id                   text not null,
  document_kind                 text not null,
  description                   text,
  original_amount_cents         bigint not null check (original_amount_cents > 0),
  issue_date                    date,
  due_date                      date not null,
  installment_number            integer check (installment_number >= 1),
  installment_count             integer check (installment_count >= 1),
  -- Contract terms. A null index or interest rate means the contract sets none and the
  -- legal regime applies (CC arts. 389 and 406, as amended by Lei 14.905/2024).
  correction_index              text,
  interest_rate                 numeric(12, 8) check (interest_rate >= 0),
  interest_kind                 text check (interest_kind in ('simple', 'compound')),
  fine_rate                     numeric(8, 6) check (fine_rate >= 0),
  -- Null: the contract has no collection-fees clause, so no fees may be charged.
  fees_rate                     numeric(8, 6) check (fees_rate >= 0),
  relationship                  text not null check (relationship in ('consumer', 'b2b')),
  status                        text not null default 'open'
                                check (status in ('open', 'in_agreement', 'paid', 'settled', 'cancelled')),
  status_changed_at             timestamptz not null default now(),
  disputed_at                   timestamptz,
  prescription_interrupted_on   date,
  -- The import that last wrote the row (provenance; not a constraint, imports are never deleted).
  import_id                     uuid,
  created_at                    timestamptz not null default now(),
  updated_at                    timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (creditor_id, external_id),
  check (installment_number is null or installment_count is null or installment_number <= installment_count),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index debts_debtor on debts (debtor_id);
create index debts_portfolio_status on debts (portfolio_id, status);

-- The case timeline: append-only; the evidence dossier and the dashboards read it.
-- Events are written only by the application, in the same transaction as the change they record,
-- and debtors are never deleted, so the ids here are references without foreign-key checks: at
-- one event per imported debtor, a check per row would cost a third of the import.
create table events (
  tenant_id      uuid not null,
  id             bigint generated always as identity primary key,
  debtor_id      uuid not null,
  creditor_id    uuid,
  debt_id        uuid,
  type           text not null,
  occurred_at    timestamptz not null default now(),
  actor_kind     text not null check (actor_kind in ('user', 'system', 'debtor', 'integration')),
  actor_user_id  uuid,
  data           jsonb not null default '{}'
);
create index events_debtor on events (debtor_id, occurred_at desc, id desc);
create trigger events_append_only before update or delete on events
  for each row execute function forbid_change();

create table sessions (
  id            text primary key,
  tenant_id     uuid not null references tenants (id),
  user_id       uuid not null references users (id) on delete cascade,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  ip            text,
  user_agent    text
);
create index sessions_user on sessions (user_id);

-- Every read and export of personal data (LGPD arts. 6 X and 37: accountability and records of processing).
create table audit_log (
  tenant_id    uuid not null references tenants (id),
  id           bigint generated always as identity primary key,
  at           timestamptz not null default now(),
  user_id      uuid references users (id),
  action       text not null check (action in ('read', 'export', 'create', 'update', 'delete', 'login', 'login_failed')),
  resource     text not null,
  route        text,
  subject_ids  uuid[] not null default '{}',
  ip           text,
  details      jsonb not null default '{}'
);
create index audit_log_tenant_at on audit_log (tenant_id, at desc);
create index audit_log_subjects on audit_log using gin (subject_ids);
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function forbid_change();

-- Row-level security: the request role sees only its tenant, and a creditor viewer only its creditor.
alter table tenants enable row level security;
create policy tenant_self on tenants using (id = app_tenant());

alter table creditors enable row level security;
create policy scope on creditors
  using (tenant_id = app_tenant() and (app_creditor() is null or id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table portfolios enable row level security;
create policy scope on portfolios
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table debts enable row level security;
create policy scope on debts
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table debtors enable row level security;
create policy scope on debtors
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from debts d where d.debtor_id = debtors.id and d.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table contact_points enable row level security;
create policy scope on contact_points
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from debts d where d.debtor_id = contact_points.debtor_id and d.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table events enable row level security;
create policy scope on events
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table imports enable row level security;
create policy scope on imports
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table import_errors enable row level security;
create policy scope on import_errors
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from imports i where i.id = import_errors.import_id and i.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);

alter table users enable row level security;
create policy scope on users using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

alter table audit_log enable row level security;
create policy scope on audit_log using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());

alter table sessions enable row level security; -- no policy: only the system path reads sessions

grant usage on schema public to recupera_app;
grant select on tenants to recupera_app;
grant select, insert, update, delete on creditors, portfolios, debtors, contact_points, debts,
  imports, import_errors, users to recupera_app;
grant select, insert on events, audit_log to recupera_app;
grant usage on all sequences in schema public to recupera_app;
