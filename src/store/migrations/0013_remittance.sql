-- Creditor portal and remittance (issue 9, part 4): the agency's commission rules per creditor
-- (and, optionally, per portfolio) and the monthly statement of what was recovered for each
-- creditor, the commission and the net passed on (prestação de contas). Rules as decimal
-- strings (fractions: "0.15" = 15%), money as integer centavos. See docs/remittance.md.

-- A rule in force from valid_from through valid_to (null: open-ended). portfolio_id null: the
-- creditor's default; a portfolio's own rule wins over it. The application refuses overlapping
-- periods for the same creditor and portfolio (src/features/remittance/commission-rules.ts).
create table commission_rules (
  tenant_id                uuid not null references tenants (id),
  id                       uuid not null default gen_random_uuid(),
  creditor_id              uuid not null,
  portfolio_id             uuid,
  name                     text not null,
  valid_from               date not null,
  valid_to                 date,
  -- the bands' key: days past due at the payment date, or the amount recovered in the statement
  basis                    text not null check (basis in ('days_past_due', 'amount_recovered')),
  -- [{ "from": 0, "rate": "0.10" }, { "from": 91, "rate": "0.15" }, …], validated by the application
  bands                    jsonb not null,
  monthly_fee_cents        bigint not null default 0 check (monthly_fee_cents >= 0),
  per_agreement_fee_cents  bigint not null default 0 check (per_agreement_fee_cents >= 0),
  per_payment_fee_cents    bigint not null default 0 check (per_payment_fee_cents >= 0),
  updated_by               uuid,
  created_at               timestamptz not null default now(),
  updated_at               timestamptz not null default now(),
  primary key (tenant_id, id),
  check (valid_to is null or valid_to >= valid_from),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id),
  foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id)
);
create index commission_rules_creditor on commission_rules (tenant_id, creditor_id, valid_from);

create sequence remittance_statement_numbers;
-- "REP-2026-000123": at least six digits, never cut.
create function next_remittance_number() returns text
  language sql volatile
  as $$ select 'REP-' || to_char(now(), 'YYYY') || '-' || (select case when length(n::text) >= 6 then n::text else lpad(n::text, 6, '0') end from (select nextval('remittance_statement_numbers') as n) s) $$;

-- One statement per creditor and month. A draft is computed live from the payments; issuing it
-- freezes the whole document (snapshot) and its lines, numbers it, and never changes again.
create table remittance_statements (
  tenant_id          uuid not null references tenants (id),
  id                 uuid not null default uuid_v7(),
  creditor_id        uuid not null,
  period_start       date not null check (extract(day from period_start) = 1),
  period_end         date not null,
  status             text not null default 'draft' check (status in ('draft', 'issued')),
  number             text,
  recovered_cents    bigint,
  commission_cents   bigint,
  fees_cents         bigint,
  net_cents          bigint,
  snapshot           jsonb,
  created_by         uuid,
  created_at         timestamptz not null default now(),
  issued_by          uuid,
  issued_at          timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, creditor_id, period_start),
  unique (tenant_id, number),
  check ((status = 'issued') = (number is not null and snapshot is not null and issued_at is not null)),
  foreign key (tenant_id, creditor_id) references creditors (tenant_id, id)
);

-- An issued statement is frozen: the database refuses to change it, whoever asks.
create function remittance_statement_frozen() returns trigger
  language plpgsql
  as $$ begin
    if old.status = 'issued' then raise exception 'issued remittance statement % is frozen', old.number using errcode = 'P0001'; end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$;
create trigger remittance_statements_frozen before update or delete on remittance_statements
  for each row execute function remittance_statement_frozen();

-- The lines of issued statements. The unique index puts each payment (per debt it paid, plus its
-- excess) in one issued statement only: a payment is never passed on twice.
create table remittance_lines (
  tenant_id          uuid not null,
  statement_id       uuid not null,
  line_no            int not null,
  payment_id         uuid not null,
  debt_id            uuid,
  kind               text not null check (kind in ('recovery', 'excess')),
  late               boolean not null,
  paid_on            date not null,
  amount_cents       bigint not null,
  rate               numeric(8, 6) not null,
  commission_cents   bigint not null,
  net_cents          bigint not null,
  primary key (tenant_id, statement_id, line_no),
  foreign key (tenant_id, statement_id) references remittance_statements (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id)
);
create unique index remittance_lines_once on remittance_lines (tenant_id, payment_id, coalesce(debt_id::text, kind));
-- A statement reads a creditor's payments of a month (and sums them again for the reconciliation).
create index payments_creditor_paid on payments (tenant_id, creditor_id, paid_on);

alter table commission_rules enable row level security;
create policy scope on commission_rules
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
-- A creditor viewer sees its creditor's statements (the application shows it only issued ones).
alter table remittance_statements enable row level security;
create policy scope on remittance_statements
  using (tenant_id = app_tenant() and (app_creditor() is null or creditor_id = app_creditor()))
  with check (tenant_id = app_tenant() and app_creditor() is null);
alter table remittance_lines enable row level security;
create policy scope on remittance_lines
  using (tenant_id = app_tenant() and (app_creditor() is null or exists (
    select 1 from remittance_statements s where s.tenant_id = remittance_lines.tenant_id and s.id = remittance_lines.statement_id and s.creditor_id = app_creditor())))
  with check (tenant_id = app_tenant() and app_creditor() is null);

grant select, insert, update, delete on commission_rules to recupera_app;
grant select, insert, update on remittance_statements to recupera_app;
grant select, insert on remittance_lines to recupera_app;
grant usage on sequence remittance_statement_numbers to recupera_app;
