-- Enrichment from a single datum (issue 9, part A): what a data provider answered for a CNPJ/CPF
-- or a CEP, cached until it expires; every lookup recorded with its legal basis and cost; a
-- tenant's own daily budget, when it differs from the configured default.

-- The provider's answer, normalized (names, addresses, phones, e-mails with source and date).
-- One entry per tenant, provider and key (the digits of the CNPJ/CPF or the CEP).
create table enrichment_cache (
  tenant_id   uuid not null references tenants (id),
  provider    text not null,
  key         text not null,
  found       boolean not null,
  result      jsonb,
  fetched_at  timestamptz not null,
  expires_at  timestamptz not null,
  primary key (tenant_id, provider, key)
);

-- Every lookup, served from the cache or not (LGPD art. 37: record of processing). `cost_cents`
-- is what the provider charges for it (0 for a cache hit or a failed call); the day's sum is
-- what the budget counts. `outcome` 'pending' is a call under way: its cost is reserved.
create table enrichment_lookups (
  tenant_id    uuid not null references tenants (id),
  id           uuid not null default uuid_v7(),
  user_id      uuid,
  debtor_id    uuid,
  document     text not null,
  kind         text not null check (kind in ('document', 'cep')),
  provider     text not null,
  legal_basis  text not null,
  cost_cents   bigint not null default 0 check (cost_cents >= 0),
  cached       boolean not null,
  outcome      text not null check (outcome in ('pending', 'found', 'not_found', 'error', 'budget_exceeded')),
  error        text,
  at           timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index enrichment_lookups_at on enrichment_lookups (tenant_id, at desc);

-- A tenant's daily budget, overriding ENRICHMENT_DAILY_BUDGET_CENTS / ENRICHMENT_DAILY_MAX_LOOKUPS.
create table enrichment_budgets (
  tenant_id           uuid primary key references tenants (id),
  daily_budget_cents  bigint not null check (daily_budget_cents >= 0),
  daily_max_lookups   int not null check (daily_max_lookups >= 0),
  updated_by          uuid,
  updated_at          timestamptz not null default now()
);

-- The agency's (as controller), like the LGPD requests: not visible to a creditor viewer.
alter table enrichment_cache enable row level security;
create policy scope on enrichment_cache
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table enrichment_lookups enable row level security;
create policy scope on enrichment_lookups
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table enrichment_budgets enable row level security;
create policy scope on enrichment_budgets
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
grant select, insert, update on enrichment_cache, enrichment_lookups, enrichment_budgets to recupera_app;
