-- Outbound webhooks (issue 9, part 2): a tenant's subscriptions, the outbox of events written in
-- the same transaction as the fact, and one delivery per event × subscription with its retries.
-- The agency's integration settings: a creditor viewer sees none of it.

create table webhook_subscriptions (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default uuid_v7(),
  url           text not null check (url ~ '^https?://'),
  event_types   text[] not null check (cardinality(event_types) > 0),
  -- only the events of this creditor (null: every creditor's)
  creditor_id   uuid,
  active        boolean not null default true,
  description   text,
  -- the HMAC key: kept to sign each delivery, shown once (creation, rotation), never read back by the API
  secret        text not null,
  secret_rotated_at timestamptz not null default now(),
  created_by    uuid,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  -- deleting keeps the row so the delivery log still names it
  deleted_at    timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id)
);
-- the cheap check on every fact: does this tenant have an active subscription at all?
create index webhook_subscriptions_active on webhook_subscriptions (tenant_id) where active and deleted_at is null;

-- The outbox: one row per event, with the stable id receivers de-duplicate by. The payload is
-- built from these columns, so every attempt and every replay sends the same bytes.
create table webhook_events (
  tenant_id    uuid not null references tenants (id),
  id           uuid not null default uuid_v7(),
  type         text not null,
  creditor_id  uuid,
  data         jsonb not null,
  occurred_at  timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index webhook_events_occurred on webhook_events (tenant_id, occurred_at);

create table webhook_deliveries (
  tenant_id        uuid not null references tenants (id),
  id               uuid not null default uuid_v7(),
  event_id         uuid not null,
  subscription_id  uuid not null,
  -- a replay is a new delivery of the same event (same id, same payload)
  replay_of        uuid,
  status           text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_attempt_at  timestamptz,
  last_status      int,
  -- the receiver's status or our network error; never the payload (no personal data)
  last_error       text,
  duration_ms      int,
  delivered_at     timestamptz,
  created_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, event_id) references webhook_events (tenant_id, id),
  foreign key (tenant_id, subscription_id) references webhook_subscriptions (tenant_id, id)
);
-- publishing twice never sends twice
create unique index webhook_deliveries_once on webhook_deliveries (tenant_id, event_id, subscription_id) where replay_of is null;
-- the worker's claim: due pending deliveries across tenants, oldest first
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_log on webhook_deliveries (tenant_id, created_at desc);

do $$
declare t text;
begin
  foreach t in array array['webhook_subscriptions', 'webhook_events', 'webhook_deliveries'] loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy scope on %I using (tenant_id = app_tenant() and app_creditor() is null) with check (tenant_id = app_tenant() and app_creditor() is null)', t);
    execute format('grant select, insert, update on %I to recupera_app', t);
  end loop;
end
$$;
