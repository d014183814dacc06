-- The daily run's outbox of actions and its progress (issue 4).
create table actions (
  tenant_id         uuid not null references tenants (id),
  id                uuid not null default uuid_v7(),
  run_date          date not null,
  debt_id           uuid not null,
  debtor_id         uuid not null,
  creditor_id       uuid not null,
  schedule_id       uuid not null,
  schedule_version  int not null,
  step_id           text not null,
  -- the day the step fell due (a missed day is caught up with its own date)
  due_on            date not null,
  stage             text not null,
  channel           text not null,
  template          text not null,
  status            text not null check (status in ('planned', 'blocked', 'skipped', 'stopped', 'sending', 'sent', 'failed', 'unknown')),
  rule              text,
  reason            text,
  -- a step blocked by time (contact hours, caps) waits until then: deferred, not dropped
  deliver_after     timestamptz,
  created_at        timestamptz not null default now(),
  primary key (tenant_id, id),
  -- idempotency: one action per debt, step and day, whatever the number of runs
  unique (tenant_id, debt_id, schedule_id, step_id, due_on)
);
create index actions_pending on actions (tenant_id, due_on) where status = 'planned';
create index actions_debtor on actions (tenant_id, debtor_id);

-- The daily run looks up the open debts whose steps fall due in its window by (portfolio, due date).
create index debts_open_due on debts (tenant_id, portfolio_id, due_date, id) where status = 'open';

create table daily_runs (
  tenant_id        uuid not null references tenants (id),
  run_date         date not null,
  -- steps due in (since, run_date] are produced; null on the first run
  since            date,
  status           text not null check (status in ('running', 'completed')),
  -- keyset cursor (due date, portfolio, id): the last debt whose actions are committed
  cursor_due_date  date,
  cursor_portfolio_id uuid,
  cursor_debt_id   uuid,
  debts_seen       int not null default 0,
  actions_created  int not null default 0,
  started_at       timestamptz not null default now(),
  finished_at      timestamptz,
  primary key (tenant_id, run_date)
);

-- One delivery per action, written before the message leaves: a crash after it never resends
-- (at most once; the sweeper marks a delivery stuck in 'sending' as 'unknown' for a person to check).
create table deliveries (
  tenant_id       uuid not null references tenants (id),
  action_id       uuid not null,
  debtor_id       uuid not null,
  creditor_id     uuid not null,
  channel         text not null,
  recipient       text not null,
  content_sha256  text not null,
  status          text not null check (status in ('sending', 'sent', 'failed', 'unknown')),
  provider_id     text,
  error           text,
  attempted_at    timestamptz not null default now(),
  finished_at     timestamptz,
  primary key (tenant_id, action_id),
  foreign key (tenant_id, action_id) references actions (tenant_id, id)
);
create index deliveries_debtor on deliveries (tenant_id, debtor_id, attempted_at);

alter table deliveries enable row level security;
create policy scope on deliveries
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
grant select, insert, update on deliveries to recupera_app;

alter table actions enable row level security;
create policy scope on actions
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table daily_runs enable row level security;
create policy scope on daily_runs
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);

grant select, insert, update on actions, daily_runs to recupera_app;
