-- Payments and escalation (issue 6): the creditor's collection accounts, the boleto and PIX
-- charges issued for installments and debts, bank files in and out (CNAB return and remessa),
-- payments nobody could match, credit-bureau listings and protests.

-- Where a creditor receives: a bank account with its boleto agreement (carteira, convênio) and
-- a PIX key. The nosso número counter lives here and only moves forward.
create table collection_accounts (
  tenant_id          uuid not null references tenants (id),
  id                 uuid not null default uuid_v7(),
  creditor_id        uuid not null,
  name               text not null,
  bank_code          text not null check (bank_code in ('001', '033', '104', '237', '341', '756')),
  agency             text not null,
  agency_digit       text,
  account            text not null,
  account_digit      text,
  wallet             text not null,
  agreement          text,
  -- Santander: the remessa's "código de transmissão" (15 digits, given by the bank), apart from the beneficiary code
  transmission_code  text,
  pix_key            text,
  next_sequence      bigint not null default 1 check (next_sequence > 0),
  next_file_sequence int not null default 1,
  -- the PSP posts PIX notices to /api/webhooks/pix/<token>; only its SHA-256 is kept
  webhook_token_sha256 text unique,
  is_default         boolean not null default true,
  created_at         timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id)
);
create unique index collection_accounts_default on collection_accounts (tenant_id, creditor_id) where is_default;
-- one agreement with the bank is one counter of nosso números: two rows for it would issue the same numbers
create unique index collection_accounts_bank_agreement on collection_accounts (tenant_id, bank_code, agency, account, wallet, coalesce(agreement, ''));

-- Remessa files that registered boletos at the bank.
create table remessa_files (
  tenant_id      uuid not null references tenants (id),
  id             uuid not null default uuid_v7(),
  account_id     uuid not null,
  file_sequence  int not null,
  charges        int not null,
  content        text not null,
  sha256         text not null,
  created_by     uuid,
  created_at     timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, account_id, file_sequence),
  foreign key (tenant_id, account_id) references collection_accounts (tenant_id, id)
);

-- A boleto or a PIX charge for an installment (or a debt outside any agreement).
create table charges (
  tenant_id          uuid not null references tenants (id),
  id                 uuid not null default uuid_v7(),
  creditor_id        uuid not null,
  debtor_id          uuid not null,
  account_id         uuid not null,
  installment_id     uuid,
  debt_id            uuid,
  kind               text not null check (kind in ('boleto', 'pix')),
  amount_cents       bigint not null check (amount_cents > 0),
  due_date           date not null,
  status             text not null default 'open' check (status in ('open', 'paid', 'cancelled')),
  paid_cents         bigint not null default 0 check (paid_cents >= 0),
  paid_on            date,
  -- boleto: the nosso número without its check digit, and the key the bank files are matched by
  nosso_numero       text,
  nosso_numero_digit text,
  nosso_numero_key   text,
  -- as the bank prints it on the slip ("109/00000001-6")
  nosso_numero_printed text,
  barcode            text check (barcode ~ '^[0-9]{44}$'),
  line               text check (line ~ '^[0-9]{47}$'),
  registration       text check (registration in ('pending', 'sent', 'registered', 'rejected')),
  remessa_id         uuid,
  -- PIX: the charge's txid, its BR Code (copia e cola) and, for a PSP charge, its location
  txid               text,
  pix_payload        text,
  pix_location       text,
  created_by         uuid,
  created_at         timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, account_id, nosso_numero),
  unique (tenant_id, txid),
  check (num_nonnulls(installment_id, debt_id) = 1),
  check ((kind = 'boleto') = (nosso_numero is not null and barcode is not null)),
  check ((kind = 'pix') = (txid is not null and pix_payload is not null)),
  foreign key (tenant_id, account_id) references collection_accounts (tenant_id, id)
);
create unique index charges_open_installment on charges (tenant_id, installment_id, kind) where status = 'open' and installment_id is not null;
create index charges_nosso_numero on charges (tenant_id, nosso_numero_key) where nosso_numero_key is not null;
create index charges_registration on charges (tenant_id, account_id) where registration = 'pending';
create index charges_installment on charges (tenant_id, installment_id);

-- Bank return files as imported: the same file twice is recognised by its hash and changes nothing.
create table payment_files (
  tenant_id     uuid not null references tenants (id),
  id            uuid not null default uuid_v7(),
  file_name     text not null,
  sha256        text not null,
  layout        text not null,
  bank_code     text not null,
  generated_on  date,
  summary       jsonb not null,
  imported_by   uuid,
  created_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, sha256)
);

-- Money that arrived and matched nothing payable: it waits here for an analyst, never lost.
create table unmatched_payments (
  tenant_id        uuid not null references tenants (id),
  id               uuid not null default uuid_v7(),
  source           text not null check (source in ('cnab', 'pix_webhook')),
  external_id      text not null,
  -- what the money carried to find its charge: a nosso número or a txid
  reference        text,
  amount_cents     bigint not null check (amount_cents > 0),
  paid_on          date not null,
  method           text not null check (method in ('pix', 'boleto')),
  payer_name       text,
  payer_document   text,
  payment_file_id  uuid,
  file_line        int,
  reason           text not null,
  status           text not null default 'pending' check (status in ('pending', 'resolved', 'dismissed')),
  payment_id       uuid,
  resolved_by      uuid,
  resolved_at      timestamptz,
  note             text,
  created_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, source, external_id)
);
create index unmatched_payments_pending on unmatched_payments (tenant_id, created_at) where status = 'pending';

-- Credit-bureau listings (negativação): requested → notified (the bureau's notice to the debtor,
-- CDC 43 §2) → active after the wait → removal requested → removed; or refused/cancelled.
create table bureau_listings (
  tenant_id              uuid not null references tenants (id),
  id                     uuid not null default uuid_v7(),
  debt_id                uuid not null,
  debtor_id              uuid not null,
  creditor_id            uuid not null,
  bureau                 text not null,
  status                 text not null check (status in ('requested', 'notified', 'active', 'removal_requested', 'removed', 'refused', 'cancelled')),
  amount_cents           bigint not null check (amount_cents > 0),
  protocol               text,
  requested_on           date not null,
  notified_on            date,
  -- the first day the listing may be confirmed: the notice plus the wait
  confirmable_on         date,
  active_on              date,
  expires_on             date not null,
  -- the day the debt was settled (paid, or its agreement's first payment), and what that sets in motion
  settled_on             date,
  removal_planned_on     date,
  removal_deadline       date,
  removal_requested_on   date,
  removed_on             date,
  removal_reason         text,
  -- the day the removal, still pending, raised its alert (once)
  alerted_on             date,
  last_error             text,
  action_id              uuid,
  created_by             uuid,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debt_id) references debts (tenant_id, id)
);
create unique index bureau_listings_live on bureau_listings (tenant_id, debt_id, bureau) where status in ('requested', 'notified', 'active', 'removal_requested');
create index bureau_listings_open on bureau_listings (tenant_id) where status in ('requested', 'notified', 'active', 'removal_requested');

-- Protests (Lei 9.492/97): candidates exported for the notaries' electronic submission, then
-- protested, then — after payment — settled with the letter of consent (carta de anuência).
create table protests (
  tenant_id        uuid not null references tenants (id),
  id               uuid not null default uuid_v7(),
  debt_id          uuid not null,
  debtor_id        uuid not null,
  creditor_id      uuid not null,
  status           text not null check (status in ('candidate', 'exported', 'protested', 'settled', 'withdrawn')),
  amount_cents     bigint not null check (amount_cents > 0),
  export_id        uuid,
  exported_on      date,
  protested_on     date,
  notary_protocol  text,
  settled_on       date,
  action_id        uuid,
  created_by       uuid,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, debt_id) references debts (tenant_id, id)
);
create unique index protests_live on protests (tenant_id, debt_id) where status in ('candidate', 'exported', 'protested');

alter table collection_accounts enable row level security;
create policy scope on collection_accounts
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table remessa_files enable row level security;
create policy scope on remessa_files
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table charges enable row level security;
create policy scope on charges
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table payment_files enable row level security;
create policy scope on payment_files
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table unmatched_payments enable row level security;
create policy scope on unmatched_payments
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table bureau_listings enable row level security;
create policy scope on bureau_listings
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table protests enable row level security;
create policy scope on protests
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);

grant select, insert, update on collection_accounts, charges, unmatched_payments, bureau_listings, protests to recupera_app;
grant select, insert on remessa_files to recupera_app;
grant select, insert, update on payment_files to recupera_app;
