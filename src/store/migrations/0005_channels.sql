-- Channels beyond e-mail (issue 4): retries with backoff, delivery receipts from providers,
-- the collector's task queue for calls and tasks.

-- Sends the provider refused outright (SMTP 4xx/5xx reply, HTTP 429/5xx) are tried again later:
-- the action goes back to 'planned' with deliver_after = the backoff, and counts its attempts.
alter table actions add column attempts int not null default 0;

-- A delivery moves forward with the provider's receipts (sent → delivered → read) or ends in
-- 'failed'/'undelivered'; a retry reuses the row of a failed attempt, never a 'sending' or 'sent' one.
alter table deliveries drop constraint deliveries_status_check;
alter table deliveries add constraint deliveries_status_check
  check (status in ('sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'unknown'));
alter table deliveries add column attempts int not null default 1;
alter table deliveries add column provider_status text;
alter table deliveries add column status_at timestamptz;
-- receipts arrive with the provider's id only
create index deliveries_provider on deliveries (channel, provider_id) where provider_id is not null;
-- each dispatch looks for deliveries a dead process left in 'sending'
create index deliveries_sending on deliveries (tenant_id, attempted_at) where status = 'sending';

-- Calls and tasks for collectors: the voice step of a schedule becomes a task in a queue (and,
-- when a dialer is configured, a call request to it); its result comes back as a disposition.
create table collector_tasks (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default uuid_v7(),
  action_id     uuid not null,
  debtor_id     uuid not null,
  creditor_id   uuid not null,
  debt_id       uuid not null,
  kind          text not null check (kind in ('call', 'task')),
  status        text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  phone         text,
  script        text not null,
  due_at        timestamptz not null,
  assigned_to   uuid,
  outcome       text,
  created_at    timestamptz not null default now(),
  closed_at     timestamptz,
  primary key (tenant_id, id),
  -- one task per action, however many times the dispatcher retries
  unique (tenant_id, action_id),
  foreign key (tenant_id, action_id) references actions (tenant_id, id)
);
create index collector_tasks_open on collector_tasks (tenant_id, due_at) where status = 'open';

alter table collector_tasks enable row level security;
create policy scope on collector_tasks
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
grant select, insert, update on collector_tasks to recupera_app;
