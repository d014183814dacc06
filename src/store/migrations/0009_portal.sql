-- The debtor's self-service portal (issue 8): the agency's public contact for the portal pages
-- and the privacy notice, portal sessions and one-time codes, the counters that stop anyone from
-- walking through CPFs, and the LGPD data-subject requests.

-- The agency as the portal shows it, and as data controller (LGPD art. 41: the encarregado's
-- identity and contact must be public). All optional: the portal shows what is filled in.
alter table tenants
  add column document   text check (document ~ '^[0-9A-Z]{14}$'),
  add column phone      text,
  add column email      text,
  add column website    text,
  add column address    text,
  add column dpo_name   text,
  add column dpo_email  text,
  add column dpo_phone  text;

-- A debtor's portal session: only the SHA-256 of the token is kept (a dump yields no session).
-- `expires_at` moves forward with use (idle limit); `max_expires_at` never moves.
create table portal_sessions (
  id              text primary key,
  tenant_id       uuid not null references tenants (id),
  debtor_id       uuid not null,
  method          text not null check (method in ('birth_date', 'code')),
  created_at      timestamptz not null default now(),
  last_seen_at    timestamptz not null default now(),
  expires_at      timestamptz not null,
  max_expires_at  timestamptz not null,
  revoked_at      timestamptz,
  ip              text,
  user_agent      text,
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index portal_sessions_debtor on portal_sessions (tenant_id, debtor_id);

-- One-time codes sent to the debtor's own e-mail or mobile: the code's salted SHA-256, a short
-- life and a few tries. What became of the sending is recorded (sent, or why not).
create table portal_codes (
  tenant_id         uuid not null references tenants (id),
  id                uuid not null default uuid_v7(),
  debtor_id         uuid not null,
  channel           text not null check (channel in ('email', 'sms')),
  contact_point_id  uuid,
  salt              text not null,
  code_sha256       text not null,
  expires_at        timestamptz not null,
  attempts          int not null default 0,
  used_at           timestamptz,
  send_status       text not null default 'pending' check (send_status in ('pending', 'sent', 'failed', 'not_configured')),
  send_error        text,
  provider_id       text,
  ip                text,
  created_at        timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index portal_codes_debtor on portal_codes (tenant_id, debtor_id, expires_at);

-- Identification attempts, counted in the database so the limits hold across processes. The key
-- is a SHA-256 (of tenant and document, or of the client address): the counters keep no CPF.
create table portal_attempts (
  id    bigint generated always as identity primary key,
  kind  text not null check (kind in ('document', 'ip', 'privacy_ip')),
  key   text not null,
  at    timestamptz not null default now()
);
create index portal_attempts_key on portal_attempts (kind, key, at);

-- Requests of data subjects (LGPD art. 18): received here through the portal or by the staff;
-- issue 9 answers them. due_on: 15 days from the request (LGPD art. 19 II).
create sequence data_subject_request_numbers;
create function next_data_subject_protocol() returns text
  language sql volatile
  as $$ select 'LGPD-' || to_char(now(), 'YYYY') || '-' || (select case when length(n::text) >= 6 then n::text else lpad(n::text, 6, '0') end from (select nextval('data_subject_request_numbers') as n) s) $$;

create table data_subject_requests (
  tenant_id          uuid not null references tenants (id),
  id                 uuid not null default uuid_v7(),
  protocol           text not null default next_data_subject_protocol(),
  -- set only when the requester proved to be the debtor (a portal session); otherwise the
  -- document and name are as stated, to be checked before anything is disclosed
  debtor_id          uuid,
  identity_verified  boolean not null default false,
  document           text not null,
  name               text not null,
  email              text,
  phone              text,
  kind               text not null check (kind in ('access', 'correction', 'deletion', 'anonymization', 'portability', 'information')),
  message            text,
  status             text not null default 'received' check (status in ('received', 'in_progress', 'answered', 'refused')),
  channel            text not null check (channel in ('portal', 'staff')),
  received_at        timestamptz not null default now(),
  due_on             date not null,
  ip                 text,
  created_by         uuid,
  primary key (tenant_id, id),
  unique (tenant_id, protocol),
  check (email is not null or phone is not null),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index data_subject_requests_received on data_subject_requests (tenant_id, received_at desc);

-- Sessions, codes and attempts are read only by the system path (like `sessions`): no grant to the
-- request role. The tenant tables still get a tenant policy, so a future grant stays scoped.
alter table portal_sessions enable row level security;
create policy scope on portal_sessions using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
alter table portal_codes enable row level security;
create policy scope on portal_codes using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
alter table portal_attempts enable row level security;

-- Requests are the agency's, as controller: not visible to a creditor viewer.
alter table data_subject_requests enable row level security;
create policy scope on data_subject_requests
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
grant select, insert on data_subject_requests to recupera_app;
grant usage on sequence data_subject_request_numbers to recupera_app;
