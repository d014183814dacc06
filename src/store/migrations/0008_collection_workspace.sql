-- Score, segments, champion/challenger, distribution, the collector's work queue and its
-- dispositions (issue 7).

-- One row per debtor, rewritten by the daily run (a narrow table: a million updates a day must not
-- rewrite the wide debtors rows). score: per-mille chance of payment or agreement within the model's
-- horizon (the scorecard's points are laid on the same scale).
create table debtor_scores (
  tenant_id          uuid not null references tenants (id),
  debtor_id          uuid not null,
  score              smallint not null check (score between 0 and 1000),
  band               text not null,
  -- null: the scorecard; otherwise the trained model
  model_id           uuid,
  segment            text,
  open_debts         int not null,
  open_amount_cents  bigint not null check (open_amount_cents >= 0),
  -- the oldest overdue open debt's due date (days past due move every day; this does not, so an
  -- unchanged debtor costs no write)
  oldest_due_date    date not null,
  -- the day score, band or segment last changed
  scored_on          date not null,
  primary key (tenant_id, debtor_id)
);
create index debtor_scores_segment on debtor_scores (tenant_id, segment);

create table segments (
  tenant_id   uuid not null references tenants (id),
  id          uuid not null default gen_random_uuid(),
  name        text not null check (name ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  priority    int not null default 100,
  rules       jsonb not null,
  description text,
  updated_by  uuid,
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);

-- Models trained on the tenant's own outcomes; at most one active (else the scorecard scores).
create table score_models (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default gen_random_uuid(),
  kind          text not null check (kind in ('logistic', 'gbm')),
  model         jsonb not null,
  report        jsonb not null,
  snapshot_on   date not null,
  horizon_days  int not null check (horizon_days > 0),
  active        boolean not null default false,
  created_by    uuid,
  created_at    timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index score_models_active on score_models (tenant_id) where active;

-- Champion/challenger: a segment split at random between two schedules or two offer policies.
create table experiments (
  tenant_id         uuid not null references tenants (id),
  id                uuid not null default gen_random_uuid(),
  name              text not null,
  kind              text not null check (kind in ('schedule', 'offer_policy')),
  portfolio_id      uuid not null,
  segment           text not null,
  champion_id       uuid not null,
  challenger_id     uuid not null,
  challenger_share  numeric(4, 3) not null check (challenger_share > 0 and challenger_share < 1),
  status            text not null default 'running' check (status in ('running', 'stopped')),
  started_on        date not null,
  stopped_on        date,
  created_by        uuid,
  created_at        timestamptz not null default now(),
  primary key (tenant_id, id),
  check (champion_id <> challenger_id)
);
-- one running experiment of a kind per portfolio and segment: a debtor is never in two arms at once
create unique index experiments_running on experiments (tenant_id, portfolio_id, segment, kind) where status = 'running';

-- A debtor enters an experiment once, with what it owed then (the exposure the recovery is measured against).
create table experiment_members (
  tenant_id       uuid not null,
  experiment_id   uuid not null,
  debtor_id       uuid not null,
  arm             text not null check (arm in ('champion', 'challenger')),
  joined_on       date not null,
  exposure_cents  bigint not null check (exposure_cents >= 0),
  primary key (tenant_id, experiment_id, debtor_id),
  foreign key (tenant_id, experiment_id) references experiments (tenant_id, id)
);
create index experiment_members_debtor on experiment_members (tenant_id, debtor_id);

-- Collectors: the users who work queues, with their limits and skills.
create table collectors (
  tenant_id        uuid not null references tenants (id),
  user_id          uuid not null references users (id),
  team             text,
  max_open_cases   int check (max_open_cases >= 0),
  -- segments this collector is skilled for (empty: any)
  skills           text[] not null default '{}',
  -- portfolios this collector may work (empty: all)
  portfolio_ids    uuid[] not null default '{}',
  active           boolean not null default true,
  updated_at       timestamptz not null default now(),
  primary key (tenant_id, user_id)
);

create table distribution_settings (
  tenant_id           uuid primary key references tenants (id),
  strategy            text not null default 'balanced' check (strategy in ('round_robin', 'balanced', 'skill', 'sticky')),
  -- the daily run distributes new cases when on
  auto                boolean not null default true,
  round_robin_cursor  uuid,
  updated_at          timestamptz not null default now()
);

-- A case (a debtor with open debts) and its collector. A closed assignment keeps its collector:
-- the sticky strategy gives a reopened case back to it.
create table case_assignments (
  tenant_id       uuid not null references tenants (id),
  debtor_id       uuid not null,
  user_id         uuid not null,
  status          text not null default 'active' check (status in ('active', 'closed')),
  strategy        text not null,
  assigned_on     date not null,
  closed_on       date,
  callback_at     timestamptz,
  last_worked_at  timestamptz,
  primary key (tenant_id, debtor_id)
);
create index case_assignments_user on case_assignments (tenant_id, user_id) where status = 'active';

-- The outcome of each call (tabulação), with the effects it had.
create table dispositions (
  tenant_id         uuid not null references tenants (id),
  id                uuid not null default uuid_v7(),
  debtor_id         uuid not null,
  user_id           uuid not null,
  code              text not null,
  contact_point_id  uuid,
  attempt           boolean not null,
  answered          boolean not null,
  right_party       boolean not null,
  promise_id        uuid,
  callback_at       timestamptz,
  note              text,
  at                timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index dispositions_user_at on dispositions (tenant_id, user_id, at);
create index dispositions_debtor_at on dispositions (tenant_id, debtor_id, at);

-- Call scripts per stage, customizable per portfolio (null: the tenant's default for the stage).
create table call_scripts (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default gen_random_uuid(),
  portfolio_id  uuid,
  stage         text not null check (stage in ('aviso', 'alerta', 'acao')),
  body          text not null,
  updated_by    uuid,
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index call_scripts_stage on call_scripts (tenant_id, coalesce(portfolio_id, '00000000-0000-0000-0000-000000000000'::uuid), stage);

-- A deceased debtor is no longer collected from (the estate is another proceeding).
alter table debtors add column deceased_at timestamptz;
-- the history of promises per debtor (scores, queue)
create index promises_debtor on promises (tenant_id, debtor_id);

-- Scores, segments, models, experiments, distribution and queue are the agency's working data: a
-- creditor viewer sees none of it (its KPIs come from the debts and payments themselves).
do $$
declare t text;
begin
  foreach t in array array['debtor_scores', 'segments', 'score_models', 'experiments', 'experiment_members', 'collectors',
                           'distribution_settings', 'case_assignments', 'dispositions', 'call_scripts'] loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy scope on %I using (tenant_id = app_tenant() and app_creditor() is null) with check (tenant_id = app_tenant() and app_creditor() is null)', t);
    execute format('grant select, insert, update on %I to recupera_app', t);
  end loop;
end
$$;
grant delete on debtor_scores, segments, call_scripts to recupera_app;
