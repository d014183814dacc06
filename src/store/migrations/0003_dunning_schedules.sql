-- Dunning schedules (régua de cobrança) as versioned data, and message templates (issue 4).
create table schedules (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default gen_random_uuid(),
  creditor_id   uuid not null,
  portfolio_id  uuid not null,
  -- null: the whole portfolio; otherwise a named segment
  segment       text,
  name          text not null,
  current_version int not null default 1,
  created_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id)
);
create unique index schedules_portfolio_segment on schedules (tenant_id, portfolio_id, coalesce(segment, ''));

-- Every edit is a new version; an action records the version that drove it.
create table schedule_versions (
  tenant_id        uuid not null,
  schedule_id      uuid not null,
  creditor_id      uuid not null,
  version          int not null check (version >= 1),
  steps            jsonb not null,
  stop_conditions  text[] not null,
  created_by       uuid,
  created_at       timestamptz not null default now(),
  primary key (tenant_id, schedule_id, version),
  foreign key (tenant_id, schedule_id) references schedules (tenant_id, id)
);
create trigger schedule_versions_append_only before update or delete on schedule_versions
  for each row execute function forbid_change();

create table message_templates (
  tenant_id   uuid not null references tenants (id),
  id          uuid not null default gen_random_uuid(),
  key         text not null,
  channel     text not null,
  body        text not null,
  updated_by  uuid,
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, key)
);

alter table schedules enable row level security;
create policy scope on schedules
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table schedule_versions enable row level security;
create policy scope on schedule_versions
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table message_templates enable row level security;
-- Templates are the agency's: a creditor viewer sees none.
create policy scope on message_templates
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);

grant select, insert, update on schedules, message_templates to recupera_app;
grant select, insert on schedule_versions to recupera_app;
