-- Negotiation and agreements (issue 5): offer policies, agreements with their installments,
-- payments and what they paid on each debt, promises to pay.

-- An offer policy per portfolio (and, optionally, segment): the rules document is validated by
-- the application (src/domain/negotiation/offer-policy.ts), rates as decimal strings.
create table offer_policies (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default gen_random_uuid(),
  creditor_id   uuid not null,
  portfolio_id  uuid not null,
  segment       text,
  name          text not null,
  rules         jsonb not null,
  updated_by    uuid,
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id)
);
create unique index offer_policies_portfolio_segment on offer_policies (tenant_id, portfolio_id, coalesce(segment, ''));

create sequence agreement_numbers;
-- "2026-000123": at least six digits, never cut (lpad would truncate the millionth).
create function next_agreement_number() returns text
  language sql volatile
  as $$ select to_char(now(), 'YYYY') || '-' || (select case when length(n::text) >= 6 then n::text else lpad(n::text, 6, '0') end from (select nextval('agreement_numbers') as n) s) $$;

-- proposed → accepted → active → fulfilled | broken | cancelled (src/domain/negotiation/agreement-lifecycle.ts)
create table agreements (
  tenant_id             uuid not null references tenants (id),
  id                    uuid not null default uuid_v7(),
  number                text not null default next_agreement_number(),
  creditor_id           uuid not null,
  portfolio_id          uuid not null,
  debtor_id             uuid not null,
  status                text not null check (status in ('proposed', 'accepted', 'active', 'fulfilled', 'broken', 'cancelled')),
  -- the balances were taken on this day; the offer is valid through valid_until
  as_of                 date not null,
  valid_until           date not null,
  -- the whole offer as computed and shown: per-debt, per-component breakdown and the installment table
  terms                 jsonb not null,
  balance_cents         bigint not null check (balance_cents > 0),
  discount_cents        bigint not null check (discount_cents >= 0),
  total_cents           bigint not null check (total_cents > 0),
  installment_count     int not null check (installment_count >= 1),
  grace_days            int not null check (grace_days >= 0),
  -- how the installments are paid; the payments issue issues the boleto (nosso número) or PIX charge (txid)
  payment_method        text not null default 'pix' check (payment_method in ('boleto', 'pix')),
  within_policy         boolean not null,
  -- outside the policy: 'pending' until a supervisor approves, with a reason
  approval_status       text not null check (approval_status in ('not_needed', 'pending', 'approved')),
  approved_by           uuid,
  approved_at           timestamptz,
  approval_reason       text,
  accepted_at           timestamptz,
  accepted_channel      text check (accepted_channel in ('phone', 'portal', 'email', 'whatsapp', 'in_person')),
  accepted_ip           text,
  accepted_by_user      uuid,
  accepted_by_debtor    boolean,
  -- the exact text of the terms shown at acceptance, and its SHA-256
  accepted_terms_text   text,
  accepted_terms_sha256 text,
  activated_at          timestamptz,
  closed_at             timestamptz,
  broken_on             date,
  close_reason          text,
  created_by            uuid,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, number),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index agreements_debtor on agreements (tenant_id, debtor_id);
create index agreements_open on agreements (tenant_id, status) where status in ('proposed', 'accepted', 'active');
create index agreements_broken_on on agreements (tenant_id, broken_on) where status = 'broken';

-- The debts an agreement covers, with their balance at as_of. `binding` is true while the agreement
-- holds the debt (accepted or active): the unique index lets one agreement hold a debt at a time,
-- so two acceptances racing for the same debt cannot both commit.
create table agreement_debts (
  tenant_id      uuid not null,
  agreement_id   uuid not null,
  debt_id        uuid not null,
  balance_cents  bigint not null,
  discount_cents bigint not null,
  binding        boolean not null default false,
  primary key (tenant_id, agreement_id, debt_id),
  foreign key (tenant_id, agreement_id) references agreements (tenant_id, id),
  foreign key (tenant_id, debt_id) references debts (tenant_id, id)
);
create unique index agreement_debts_binding on agreement_debts (tenant_id, debt_id) where binding;
create index agreement_debts_debt on agreement_debts (tenant_id, debt_id);

-- Number 0 is the down payment (entrada); due dates on business days.
create table installments (
  tenant_id           uuid not null,
  id                  uuid not null default uuid_v7(),
  agreement_id        uuid not null,
  debtor_id           uuid not null,
  creditor_id         uuid not null,
  number              int not null check (number >= 0),
  due_date            date not null,
  amount_cents        bigint not null check (amount_cents > 0),
  interest_cents      bigint not null default 0,
  paid_cents          bigint not null default 0 check (paid_cents >= 0),
  status              text not null default 'open' check (status in ('open', 'paid', 'cancelled')),
  paid_on             date,
  payment_method      text not null default 'pix' check (payment_method in ('boleto', 'pix')),
  created_at          timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, agreement_id, number),
  foreign key (tenant_id, agreement_id) references agreements (tenant_id, id)
);
create index installments_open_due on installments (tenant_id, due_date) where status = 'open';

-- Money received. (source, external_id) makes a repeated notice of the same payment a no-op.
create table payments (
  tenant_id       uuid not null references tenants (id),
  id              uuid not null default uuid_v7(),
  debtor_id       uuid not null,
  creditor_id     uuid not null,
  agreement_id    uuid,
  installment_id  uuid,
  debt_id         uuid,
  amount_cents    bigint not null check (amount_cents > 0),
  -- what went to the installment or debt; the rest is excess, to be refunded or applied (never kept silently)
  applied_cents   bigint not null check (applied_cents >= 0),
  excess_cents    bigint not null default 0 check (excess_cents >= 0),
  paid_on         date not null,
  method          text not null check (method in ('pix', 'boleto', 'transfer', 'cash', 'card', 'other')),
  source          text not null check (source in ('api', 'cnab', 'pix_webhook')),
  external_id     text not null,
  created_by      uuid,
  created_at      timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, source, external_id),
  check (num_nonnulls(installment_id, debt_id) = 1)
);
create index payments_debtor on payments (tenant_id, debtor_id, paid_on);

-- What payments paid on each debt, read by every balance calculation: a payment made straight
-- to a debt, or, when an agreement breaks, its payments imputed to the original debts.
create table debt_credits (
  tenant_id    uuid not null,
  debt_id      uuid not null,
  payment_id   uuid not null,
  paid_on      date not null,
  amount_cents bigint not null check (amount_cents > 0),
  reason       text not null check (reason in ('payment', 'agreement_breach')),
  primary key (tenant_id, payment_id, debt_id),
  foreign key (tenant_id, debt_id) references debts (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id)
);
-- read by debt id alone (balances, and dispatch outside row-level security)
create index debt_credits_debt on debt_credits (debt_id);

create table promises (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default uuid_v7(),
  debtor_id     uuid not null,
  creditor_id   uuid not null,
  debt_ids      uuid[] not null,
  amount_cents  bigint not null check (amount_cents > 0),
  promised_for  date not null,
  channel       text not null check (channel in ('phone', 'whatsapp', 'email', 'sms', 'portal', 'in_person')),
  taken_by      uuid,
  note          text,
  status        text not null default 'pending' check (status in ('pending', 'kept', 'broken', 'cancelled')),
  -- the day the promise was judged: kept on the day the payments reached it, broken the day after its date
  resolved_on   date,
  created_on    date not null,
  created_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debtor_id) references debtors (tenant_id, id)
);
create index promises_pending on promises (tenant_id, promised_for) where status = 'pending';
create index promises_broken on promises (tenant_id, resolved_on) where status = 'broken';

-- Installment reminders are actions of the schedule too: they name their installment.
alter table actions add column installment_id uuid;

alter table offer_policies enable row level security;
create policy scope on offer_policies
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table agreements enable row level security;
create policy scope on agreements
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table agreement_debts enable row level security;
create policy scope on agreement_debts
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from agreements a where a.tenant_id = agreement_debts.tenant_id and a.id = agreement_debts.agreement_id and a.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table installments enable row level security;
create policy scope on installments
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table payments enable row level security;
create policy scope on payments
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table debt_credits enable row level security;
create policy scope on debt_credits
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from debts d where d.tenant_id = debt_credits.tenant_id and d.id = debt_credits.debt_id and d.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table promises enable row level security;
create policy scope on promises
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

grant select, insert, update on offer_policies, agreements, agreement_debts, installments, payments, promises to recupera_app;
grant select, insert on debt_credits to recupera_app;
grant usage on sequence agreement_numbers to recupera_app;
