-- LGPD data-subject requests answered (issue 9, part E): the workflow on top of the requests of
-- 0009 (identity verification, statuses, an append-only history), and anonymization of debtors
-- after the retention period (LGPD art. 16; docs/privacy.md).

-- The request's verification and answer. A request not made in the debtor's own portal session
-- is verified by staff before anything is disclosed (LGPD art. 18 §§; art. 46 — security).
alter table data_subject_requests
  add column verified_by       uuid,
  add column verified_at       timestamptz,
  add column answered_at       timestamptz,
  add column answered_by       uuid,
  add column answer            text,
  -- a refusal names its legal source and, for erasure, the first day on which it becomes possible
  add column legal_source      text,
  add column deletable_from    date,
  add column anonymized_at     timestamptz;

-- An anonymized request keeps no contact: the "e-mail or phone" rule applies while it is live.
alter table data_subject_requests drop constraint data_subject_requests_check;
alter table data_subject_requests add constraint data_subject_requests_contact
  check (anonymized_at is not null or email is not null or phone is not null);
create index data_subject_requests_due on data_subject_requests (tenant_id, due_on) where status in ('received', 'in_progress');

-- Every step of a request — who, when, from which status to which, and why. Append-only.
create table data_subject_request_history (
  tenant_id    uuid not null references tenants (id),
  id           bigint generated always as identity primary key,
  request_id   uuid not null,
  at           timestamptz not null default now(),
  user_id      uuid,
  action       text not null check (action in ('received', 'verified', 'started', 'report', 'answered', 'refused', 'anonymized', 'note')),
  from_status  text,
  to_status    text,
  note         text,
  foreign key (tenant_id, request_id) references data_subject_requests (tenant_id, id)
);
create index data_subject_request_history_request on data_subject_request_history (tenant_id, request_id, id);
create trigger data_subject_request_history_append_only before update or delete on data_subject_request_history
  for each row execute function forbid_change();

alter table data_subject_request_history enable row level security;
create policy scope on data_subject_request_history
  using (tenant_id = app_tenant() and app_creditor() is null)
  with check (tenant_id = app_tenant() and app_creditor() is null);
grant select, insert on data_subject_request_history to recupera_app;
grant update on data_subject_requests to recupera_app;

-- A debtor whose personal data were replaced by anonymized values (amounts and dates kept).
alter table debtors add column anonymized_at timestamptz;

-- The timeline stays append-only, with one narrow exception: the anonymization of a debtor
-- (src/features/privacy/anonymize-debtor.ts) may rewrite the `data` of that debtor's events —
-- nothing else, no other column, no delete — inside a transaction that set
-- app.anonymize_debtor to the debtor's id. Only the owner's (system) transactions run it: the
-- request role still has no UPDATE grant on events.
create function events_guard() returns trigger
  language plpgsql
  as $$
  begin
    if tg_op = 'UPDATE'
       and current_setting('app.anonymize_debtor', true) = old.debtor_id::text
       and (new.id, new.tenant_id, new.debtor_id, new.creditor_id, new.debt_id, new.type, new.occurred_at, new.actor_kind, new.actor_user_id)
           is not distinct from
           (old.id, old.tenant_id, old.debtor_id, old.creditor_id, old.debt_id, old.type, old.occurred_at, old.actor_kind, old.actor_user_id) then
      return new;
    end if;
    raise exception '% is append-only', tg_table_name using errcode = 'P0001';
  end
  $$;
drop trigger events_append_only on events;
create trigger events_append_only before update or delete on events
  for each row execute function events_guard();

-- An issued remittance statement stays frozen, with one exception: the anonymization of a debtor
-- (the same transaction-local setting as the timeline's) may rewrite the snapshot's lines of that
-- debtor — name and document — and nothing else: numbers, amounts, dates and totals never change.
create or replace function remittance_statement_frozen() returns trigger
  language plpgsql
  as $$
  declare debtor text := current_setting('app.anonymize_debtor', true);
  begin
    if old.status = 'issued' then
      if tg_op = 'UPDATE' and coalesce(debtor, '') <> ''
         and old.snapshot->'lines' @> jsonb_build_array(jsonb_build_object('debtorId', debtor))
         and (new.tenant_id, new.id, new.creditor_id, new.period_start, new.period_end, new.status, new.number, new.recovered_cents,
              new.commission_cents, new.fees_cents, new.net_cents, new.created_by, new.created_at, new.issued_by, new.issued_at)
             is not distinct from
             (old.tenant_id, old.id, old.creditor_id, old.period_start, old.period_end, old.status, old.number, old.recovered_cents,
              old.commission_cents, old.fees_cents, old.net_cents, old.created_by, old.created_at, old.issued_by, old.issued_at)
         and new.snapshot - 'lines' = old.snapshot - 'lines' then
        return new;
      end if;
      raise exception 'issued remittance statement % is frozen', old.number using errcode = 'P0001';
    end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$;
