import { createHash } from 'node:crypto';
import { isUf, type Uf } from '../../brazil/uf.ts';
import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import { DISPOSITIONS, type DispositionCode } from '../../domain/collection/dispositions.ts';
import { instantAt, localTime } from '../../domain/compliance/local-time.ts';
import { addDays, formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import { updatedBalance, type Payment } from '../../domain/balance/updated-balance.ts';
import type { Schedule, Step } from '../../domain/dunning/schedule.ts';
import type { IndexSet } from '../../domain/indices/series.ts';
import { applyToInstallment, breachDate, nextStatus } from '../../domain/negotiation/agreement-lifecycle.ts';
import { imputeAgreementPayments } from '../../domain/negotiation/breach.ts';
import { agreementTerm, documentText } from '../../domain/negotiation/documents.ts';
import type { OfferPolicy } from '../../domain/negotiation/offer-policy.ts';
import { computeOffers, type NegotiableDebt, type Offer } from '../../domain/negotiation/offers.ts';
import { judgePromise } from '../../domain/negotiation/promises.ts';
import { formatBRL } from '../../domain/money.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import { SeededRandom } from '../../domain/random.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, SqlClient, Tx } from '../../store/database.ts';
import type { AgreementStatus, Creditor, Debt, DebtStatus, DeliveryStatus, PostalAddress } from '../../store/schema.ts';
import { indexSetOf, termsOf } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { addressLine } from '../debtors/normalize-contact.ts';
import { planDebt } from '../dunning/daily-run.ts';
import { NEGOTIATION_BALANCE_POLICY } from '../negotiation/negotiation.ts';
import { policyFor } from '../negotiation/offer-policies.ts';

/**
 * The demo agency's past: about six months before `asOf` of the régua at work, made day by day with
 * the seeded PRNG so every seed gives the same history. Each morning the agreements and promises are
 * followed up; the schedule's steps of the day are planned by the daily run's own planner
 * (`planDebt`, the same decisions: due, skipped, blocked, stopped) and go out on the next business
 * day at 10:00 through dispatch's rules (stopped when the case changed, no valid contact → failed,
 * at most two written messages a day), with the providers' receipts; the collectors call their
 * cases (the schedule's call tasks first, then callbacks, then their queue) and record
 * dispositions with their effects; debtors promise, pay, accept agreements in the portal or on
 * the phone, and keep or break them.
 *
 * Rows are written in bulk (a few statements per table) rather than through the application
 * functions, which stamp the clock of the moment they run; each bulk write keeps the invariants
 * those functions keep (docs/dashboard.md lists them): an agreement's terms are a real offer of the
 * portfolio's policy (`computeOffers`) with the term text and its SHA-256 as `acceptAgreement`
 * records them; the agreement's state moves only along `nextStatus`; its debts are in_agreement
 * (binding) while it holds them, paid when it is fulfilled, restored with the payments imputed
 * (`imputeAgreementPayments`) when it breaks on `breachDate`; installments are the offer's
 * payments, paid through `applyToInstallment`; a payment on a debt pays its updated balance and is
 * credited to it (debt_credits); promises are judged by `judgePromise`; dispositions carry their
 * code's flags and effects (wrong number → phone invalid, dispute → debts paused, do not call →
 * voice opted out); every change has its timeline event at the moment it happened.
 */
export interface HistoryOptions {
  asOf: IsoDate;
  /** The first day of the history (the first placement). */
  start: IsoDate;
  seed: string;
}

export interface HistorySummary {
  actions: number;
  deliveries: number;
  dispositions: number;
  promises: number;
  agreements: number;
  payments: number;
  events: number;
}

// ─── Tunables of the simulated behaviour (fictitious, chosen to look like a consumer portfolio) ──
/** Calls per business day of each demo collector. */
const CALLS_PER_DAY: Record<string, number> = { 'operador@demo.recupera.test': 10, 'operador2@demo.recupera.test': 10, 'operador3@demo.recupera.test': 7 };
/** Outcome of a call (sums to 1). */
const CALL_OUTCOMES: ReadonlyArray<[DispositionCode, number]> = [
  ['no_answer', 0.36], ['busy', 0.07], ['voicemail', 0.12], ['wrong_number', 0.02], ['third_party', 0.05], ['right_party_contact', 0.13],
  ['promise', 0.07], ['refused', 0.06], ['callback', 0.08], ['dispute', 0.015], ['claims_paid', 0.01], ['do_not_call', 0.015],
];
/** A returned call (callback) reaches the debtor more often. */
const CALLBACK_OUTCOMES: ReadonlyArray<[DispositionCode, number]> = [['no_answer', 0.3], ['right_party_contact', 0.35], ['promise', 0.2], ['refused', 0.15]];
const PROMISE_KEPT = 0.55;
/** After a right-party conversation, an analyst closes an agreement on the phone. */
const AGREEMENT_AFTER_RPC = 0.22;
/** A message that reached the debtor leads it to an agreement (portal, WhatsApp) or to pay a debt outright within days. */
const RESPONSE: Record<string, { agree: number; pay: number }> = { email: { agree: 0.012, pay: 0.005 }, sms: { agree: 0.016, pay: 0.006 }, whatsapp: { agree: 0.03, pay: 0.008 }, letter: { agree: 0.012, pay: 0.005 } };
/** How agreements go: share paid in full on time; the rest break after some installments (or none). */
const AGREEMENT_KEPT = { cash: 0.85, installments: 0.62 };
/** Share of debtors with a mobile who gave WhatsApp opt-in to the creditor. */
const WHATSAPP_OPT_IN = 0.35;
const WRITTEN_PER_DAY = 2;

const DISPATCHED: ReadonlySet<string> = new Set(['email', 'sms', 'whatsapp', 'letter', 'voice']);
const STAGE_SUBJECT: Record<string, string> = { aviso: 'Aviso de débito', alerta: 'Débito em atraso', acao: 'Comunicado de cobrança' };
const CONTACT_NEEDED: Record<string, string> = { email: 'e-mail', sms: 'SMS (celular)', whatsapp: 'WhatsApp (celular com opt-in)', letter: 'carta (endereço postal)', voice: 'ligação (telefone)' };
const BANK = new BusinessCalendar();

// ─── State ────────────────────────────────────────────────────────────────────────────────────
interface HDebt {
  row: Debt;
  placedOn: IsoDate;
  status: DebtStatus;
  statusAt: Date | null;
  disputedAt: Date | null;
  credits: Payment[];
  prescribedOn: IsoDate;
}

interface HPhone {
  id: string;
  value: string;
  mobile: boolean;
  invalidAt: Date | null;
  optedOut: string[];
}

interface HDebtor {
  id: string;
  kind: 'pf' | 'pj';
  name: string;
  document: string;
  uf: Uf | null;
  city: string | null;
  income: number | null;
  debts: HDebt[];
  phones: HPhone[];
  email: string | null;
  address: PostalAddress | null;
  whatsappAt: Date | null;
  disputed: boolean;
  holder: string;
  lastCall: IsoDate | null;
  callbackOn: IsoDate | null;
  busyUntil: IsoDate | null;
  firstWorked: IsoDate | null;
  lastWorkedAt: Date | null;
  writtenOn: Map<IsoDate, number>;
}

interface HInstallment {
  id: string;
  number: number;
  dueDate: IsoDate;
  amountCents: number;
  interestCents: number;
  paidCents: number;
  status: 'open' | 'paid' | 'cancelled';
  paidOn: IsoDate | null;
}

interface HAgreement {
  id: string;
  number: string;
  debtor: HDebtor;
  creditorId: string;
  portfolioId: string;
  debts: HDebt[];
  balances: Map<string, { balance: number; discount: number }>;
  offer: Offer;
  status: AgreementStatus;
  createdAt: Date;
  createdBy: string | null;
  asOf: IsoDate;
  paymentMethod: 'pix' | 'boleto';
  acceptedAt: Date | null;
  channel: 'phone' | 'portal' | 'whatsapp' | null;
  acceptedBy: string | null;
  ip: string | null;
  activatedAt: Date | null;
  closedAt: Date | null;
  brokenOn: IsoDate | null;
  closeReason: string | null;
  installments: HInstallment[];
  payments: Array<{ id: string; date: IsoDate; appliedCents: number }>;
}

interface HPromise {
  id: string;
  debtor: HDebtor;
  creditorId: string;
  debtIds: string[];
  amountCents: number;
  promisedFor: IsoDate;
  takenBy: string;
  createdOn: IsoDate;
  createdAt: Date;
  status: 'pending' | 'kept' | 'broken';
  resolvedOn: IsoDate | null;
}

type Row = Record<string, unknown>;

interface HistoryContext {
  tenantName: string;
  creditors: Map<string, Creditor>;
  policies: Map<string, OfferPolicy>;
  schedules: Map<string, Schedule>;
  indices: IndexSet;
  analyst: string;
  supervisor: string;
  /** Collector user id → e-mail. */
  collectors: Map<string, string>;
}
type Anchor = { debt: HDebt; anchor: 'agreement_breach' | 'promise_broken' | 'installment_due'; on: IsoDate; installment?: { agreement: HAgreement; installment: HInstallment } };
type Queued = { action: Row; debt: HDebt; debtor: HDebtor; installment?: { agreement: HAgreement; installment: HInstallment } };

export async function seedDemoHistory(db: Database, tenantId: string, options: HistoryOptions): Promise<HistorySummary> {
  const history = await db.scoped({ tenantId }, (tx) => History.load(tx, tenantId, options));
  history.run();
  return db.scoped({ tenantId }, (tx) => history.write(tx.sql));
}

class History {
  private readonly rnd: SeededRandom;
  private readonly ids: SeededRandom;
  private readonly debtors: HDebtor[];
  private readonly debts = new Map<string, HDebt>();
  private readonly byCollector = new Map<string, HDebtor[]>();
  private readonly agreements: HAgreement[] = [];
  private readonly promises: HPromise[] = [];
  private readonly stepsByDay = new Map<IsoDate, HDebt[]>();
  private readonly anchors = new Map<IsoDate, Anchor[]>();
  private readonly later = new Map<IsoDate, Array<{ at: number; run: () => void }>>();
  private readonly queue: Queued[] = [];
  private readonly calendars = new Map<string, BusinessCalendar>();
  private readonly offsets = new Map<IsoDate, number>();
  private readonly tasksToday = new Map<string, Array<{ debtor: HDebtor; task: Row }>>();
  private readonly out = {
    actions: [] as Row[], deliveries: [] as Row[], tasks: [] as Row[], dispositions: [] as Row[], audit: [] as Row[],
    payments: [] as Row[], credits: [] as Row[], events: [] as Array<{ row: Row; data: () => Row }>,
  };
  private contactChanges = new Map<string, HPhone>();
  private providerSeq = 0;
  private externalSeq = 0;

  private readonly tenantId: string;
  private readonly options: HistoryOptions;
  private readonly ctx: HistoryContext;

  private constructor(tenantId: string, options: HistoryOptions, ctx: HistoryContext, debtors: HDebtor[]) {
    this.tenantId = tenantId;
    this.options = options;
    this.ctx = ctx;
    this.rnd = new SeededRandom(options.seed);
    this.ids = new SeededRandom(`${options.seed}:ids`);
    this.debtors = debtors;
    for (const d of debtors) for (const debt of d.debts) this.debts.set(debt.row.id, debt);
  }

  static async load(tx: Tx, tenantId: string, options: HistoryOptions): Promise<History> {
    const sql = tx.sql;
    const q = async <T>(text: string, params: unknown[] = [tenantId]) => (await sql.query<T>(text, params)).rows;
    const tenant = (await q<{ name: string }>('select name from tenants where id = $1'))[0]!;
    const creditors = new Map((await q<Creditor>('select * from creditors where tenant_id = $1')).map((c) => [c.id, c]));
    const users = await q<{ id: string; email: string; role: string }>('select id, email, role from users where tenant_id = $1 order by email');
    const schedules = new Map<string, Schedule>();
    for (const s of await q<{ id: string; portfolio_id: string; name: string; version: number; steps: Step[]; stop_conditions: Schedule['stopConditions'] }>(
      `select s.id, s.portfolio_id, s.name, v.version, v.steps, v.stop_conditions from schedules s
       join schedule_versions v on v.tenant_id = s.tenant_id and v.schedule_id = s.id and v.version = s.current_version
       where s.tenant_id = $1 and s.segment is null`,
    )) {
      schedules.set(s.portfolio_id, { id: s.id, version: s.version, name: s.name, steps: s.steps.filter((step) => DISPATCHED.has(step.action)), stopConditions: s.stop_conditions });
    }
    const indices = await indexSetOf(tx);
    const debts = await q<Debt>('select * from debts where tenant_id = $1 order by external_id');
    const policies = new Map<string, OfferPolicy>();
    for (const portfolioId of new Set(debts.map((d) => d.portfolio_id))) {
      policies.set(portfolioId, (await policyFor(tx, portfolioId)).rules);
    }
    const debtorRows = await q<{ id: string; kind: 'pf' | 'pj'; name: string; document: string; uf: string | null; city: string | null; declared_income_cents: number | null }>(
      // by document, not id: ids are generated by the database, and the history must not depend on them
      'select id, kind, name, document, uf, city, declared_income_cents from debtors where tenant_id = $1 order by document',
    );
    const contacts = await q<{ id: string; debtor_id: string; channel: string; value: string; phone_kind: string | null; address: PostalAddress | null; opted_out_channels: string[] }>(
      'select id, debtor_id, channel, value, phone_kind, address, opted_out_channels from contact_points where tenant_id = $1 and not is_reference and invalid_at is null order by created_at, channel, value',
    );
    const collectorIds = new Map(users.filter((u) => u.role === 'collector' && u.email in CALLS_PER_DAY).map((u) => [u.email, u.id]));
    const byDebtor = new Map<string, HDebt[]>();
    for (const row of debts) {
      const debt: HDebt = {
        row, placedOn: localDate(row.created_at), status: row.status, statusAt: null, disputedAt: row.disputed_at, credits: [],
        prescribedOn: prescriptionOf({ kind: storedDebtKind(row.document_kind), dueDate: row.due_date, interruptedOn: row.prescription_interrupted_on }).prescriptionDate,
      };
      (byDebtor.get(row.debtor_id) ?? byDebtor.set(row.debtor_id, []).get(row.debtor_id)!).push(debt);
    }
    // oldest first: the collector's and the debtor's "oldest overdue debt"
    for (const list of byDebtor.values()) list.sort((x, y) => (x.row.due_date < y.row.due_date ? -1 : x.row.due_date > y.row.due_date ? 1 : x.row.external_id < y.row.external_id ? -1 : 1));
    const rnd = new SeededRandom(`${options.seed}:contatos`);
    const olga = collectorIds.get('operador@demo.recupera.test')!;
    const caio = collectorIds.get('operador2@demo.recupera.test')!;
    const bia = collectorIds.get('operador3@demo.recupera.test')!;
    const contactsOf = new Map<string, typeof contacts>();
    for (const c of contacts) (contactsOf.get(c.debtor_id) ?? contactsOf.set(c.debtor_id, []).get(c.debtor_id)!).push(c);
    const debtors: HDebtor[] = debtorRows.map((r, i) => {
      const mine = contactsOf.get(r.id) ?? [];
      const phones = mine.filter((c) => c.channel === 'phone').map((c) => ({ id: c.id, value: c.value, mobile: c.phone_kind === 'mobile', invalidAt: null, optedOut: [...c.opted_out_channels] }));
      const debtsOf = byDebtor.get(r.id) ?? [];
      const placed = debtsOf.reduce((min, d) => (d.placedOn < min ? d.placedOn : min), '9999-12-31');
      const hasMobile = phones.some((p) => p.mobile);
      return {
        id: r.id, kind: r.kind, name: r.name, document: r.document, uf: r.uf && isUf(r.uf) ? r.uf : null, city: r.city, income: r.declared_income_cents,
        debts: debtsOf, phones, email: mine.find((c) => c.channel === 'email')?.value ?? null, address: mine.find((c) => c.channel === 'address')?.address ?? null,
        // the creditor collected the WhatsApp opt-in at the sale; it came with the placement
        whatsappAt: hasMobile && rnd.chance(WHATSAPP_OPT_IN) ? instantAt(placed, 9 * 60, 'America/Sao_Paulo') : null,
        disputed: false, holder: r.kind === 'pj' ? bia : i % 2 === 0 ? olga : caio,
        lastCall: null, callbackOn: null, busyUntil: null, firstWorked: null, lastWorkedAt: null, writtenOn: new Map(),
      };
    });
    const analyst = users.find((u) => u.role === 'analyst')!.id;
    const supervisor = users.find((u) => u.role === 'supervisor')!.id;
    const history = new History(tenantId, options, {
      tenantName: tenant.name, creditors, policies, schedules, indices, analyst, supervisor,
      collectors: new Map([...collectorIds].map(([email, id]) => [id, email])),
    }, debtors);
    return history;
  }

  // ─── Time ───────────────────────────────────────────────────────────────────────────────────

  /** The instant of a Brasília wall-clock time on a day. */
  private at(day: IsoDate, minutes: number): Date {
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      offset = instantAt(day, 0, 'America/Sao_Paulo').getTime();
      this.offsets.set(day, offset);
    }
    return new Date(offset + minutes * 60_000);
  }

  private uuid(at: Date): string {
    const hex = at.getTime().toString(16).padStart(12, '0');
    const r = (n: number) => Array.from({ length: n }, () => this.ids.int(0, 15).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r(3)}-${'89ab'[this.ids.int(0, 3)]}${r(3)}-${r(12)}`;
  }

  private event(at: Date, debtor: HDebtor, type: string, data: () => Row, extra: { creditorId?: string | null; debtId?: string | null; actor?: string | null; kind?: 'user' | 'system' | 'debtor' } = {}): void {
    this.out.events.push({
      row: {
        debtor_id: debtor.id, creditor_id: extra.creditorId ?? null, debt_id: extra.debtId ?? null, type, occurred_at: at.toISOString(),
        actor_kind: extra.kind ?? (extra.actor ? 'user' : 'system'), actor_user_id: extra.actor ?? null,
      },
      data,
    });
  }

  /** A debtor's act later on (a payment, an agreement): run at that Brasília minute of the day, if before asOf. */
  private schedule(day: IsoDate, minutes: number, run: (at: Date) => void): void {
    if (day >= this.options.asOf) return;
    (this.later.get(day) ?? this.later.set(day, []).get(day)!).push({ at: minutes, run: () => run(this.at(day, minutes)) });
  }

  private calendarOf(debtor: HDebtor): BusinessCalendar {
    const key = `${debtor.uf ?? ''}|${debtor.city ?? ''}`;
    let c = this.calendars.get(key);
    if (!c) this.calendars.set(key, (c = new BusinessCalendar({ uf: debtor.uf ?? undefined, city: debtor.city ?? undefined })));
    return c;
  }

  // ─── The simulation ─────────────────────────────────────────────────────────────────────────

  run(): void {
    const { start, asOf } = this.options;
    // The days each debt's due-date steps fall on, once.
    for (const debtor of this.debtors) {
      for (const debt of debtor.debts) {
        const schedule = this.ctx.schedules.get(debt.row.portfolio_id);
        if (!schedule || debt.status !== 'open') continue;
        for (const step of schedule.steps) {
          if (step.anchor !== 'due_date') continue;
          const day = addDays(debt.row.due_date, step.offsetDays);
          if (day < start || day >= asOf || day < debt.placedOn) continue;
          (this.stepsByDay.get(day) ?? this.stepsByDay.set(day, []).get(day)!).push(debt);
        }
      }
    }
    for (const debtor of this.debtors) {
      if (!this.byCollector.has(debtor.holder)) this.byCollector.set(debtor.holder, []);
      if (debtor.debts.some((d) => d.status === 'open')) this.byCollector.get(debtor.holder)!.push(debtor);
    }
    for (let day = start; day < asOf; day = addDays(day, 1)) {
      this.followUp(day);
      this.plan(day);
      const business = BANK.isBusinessDay(day);
      if (business) this.dispatch(day);
      // The day's calls and debtor acts in time order (an agreement accepted at 11:00 is seen by a call
      // at 15:00); what they set in motion for later the same day joins the agenda.
      const agenda = this.later.get(day) ?? [];
      this.later.set(day, agenda);
      if (business) agenda.push(...this.callsOf(day));
      for (;;) {
        if (agenda.length === 0) break;
        let next = 0;
        for (let k = 1; k < agenda.length; k++) if (agenda[k]!.at < agenda[next]!.at) next = k;
        agenda.splice(next, 1)[0]!.run();
      }
      this.later.delete(day);
    }
  }

  // ─── Follow-up (06:00): proposals expire, agreements break, promises are judged ─────────────

  private followUp(day: IsoDate): void {
    const at = this.at(day, 6 * 60);
    for (const a of this.agreements) {
      if (a.status === 'proposed' && a.offer.validUntil < day) {
        a.status = nextStatus(a.status, 'expire');
        a.closedAt = at;
        a.closeReason = `proposta válida até ${formatDateBR(a.offer.validUntil)}`;
        this.event(at, a.debtor, 'agreement.expired', () => ({ agreementId: a.id, number: a.number, reason: a.closeReason }), { creditorId: a.creditorId });
      } else if (a.status === 'accepted' || a.status === 'active') {
        const on = breachDate(a.installments, this.ctx.policies.get(a.portfolioId)!.graceDays, day);
        if (on) this.breakAgreement(a, on, at);
      }
    }
    for (const p of this.promises) {
      if (p.status !== 'pending' || p.createdOn > day) continue;
      const payments = this.out.payments.filter((r) => r.debtor_id === p.debtor.id && r.creditor_id === p.creditorId).map((r) => ({ paidOn: r.paid_on as IsoDate, amountCents: r.applied_cents as number }));
      const verdict = judgePromise({ amountCents: p.amountCents, createdOn: p.createdOn, promisedFor: p.promisedFor }, payments, day);
      if (verdict.status === 'pending') continue;
      p.status = verdict.status;
      p.resolvedOn = verdict.on;
      p.debtor.busyUntil = null;
      this.event(at, p.debtor, `promise.${verdict.status}`, () => ({ promiseId: p.id, amountCents: p.amountCents, promisedFor: p.promisedFor, on: verdict.on, debtIds: p.debtIds }), { creditorId: p.creditorId });
      if (verdict.status === 'broken') for (const id of p.debtIds) this.anchor(addDays(verdict.on, 1), { debt: this.debts.get(id)!, anchor: 'promise_broken', on: verdict.on });
    }
  }

  private anchor(day: IsoDate, anchor: Anchor): void {
    if (day >= this.options.asOf) return;
    (this.anchors.get(day) ?? this.anchors.set(day, []).get(day)!).push(anchor);
  }

  private breakAgreement(a: HAgreement, on: IsoDate, at: Date): void {
    const grace = this.ctx.policies.get(a.portfolioId)!.graceDays;
    const late = a.installments.filter((i) => i.status === 'open').sort((x, y) => x.number - y.number)[0]!;
    const { imputations, excessCents } = imputeAgreementPayments(
      a.debts.map((d) => ({ debtId: d.row.id, terms: termsOf(d.row), credits: d.credits })),
      a.payments.map((p) => ({ paymentId: p.id, date: p.date, amountCents: p.appliedCents })),
      this.ctx.indices,
      NEGOTIATION_BALANCE_POLICY,
    );
    const restored: Row[] = [];
    for (const debt of a.debts) {
      const mine = imputations.filter((i) => i.debtId === debt.row.id);
      for (const i of mine) {
        this.out.credits.push({ debt_id: debt.row.id, payment_id: i.paymentId, paid_on: i.date, amount_cents: i.amountCents, reason: 'agreement_breach' });
        debt.credits.push({ date: i.date, amountCents: i.amountCents });
      }
      debt.credits.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
      const balance = updatedBalance(termsOf(debt.row), debt.credits, on, this.ctx.indices, NEGOTIATION_BALANCE_POLICY);
      debt.status = balance.total === 0 ? 'paid' : 'open';
      debt.statusAt = at;
      const imputed = mine.reduce((s, i) => s + i.amountCents, 0);
      const entry = { debtId: debt.row.id, externalId: debt.row.external_id, imputedCents: imputed, balanceCents: balance.total, components: balance.components, status: debt.status };
      restored.push(entry);
      this.event(at, a.debtor, 'debt.restored', () => ({ agreementId: a.id, number: a.number, on, ...entry }), { creditorId: a.creditorId, debtId: debt.row.id });
    }
    for (const i of a.installments) if (i.status === 'open') i.status = 'cancelled';
    a.status = nextStatus(a.status, 'break');
    a.closedAt = at;
    a.brokenOn = on;
    a.closeReason = `parcela ${late.number === 0 ? 'de entrada' : late.number} vencida em ${formatDateBR(late.dueDate)} sem pagamento após ${grace} dia(s) de tolerância`;
    const paid = a.payments.reduce((s, p) => s + p.appliedCents, 0);
    this.event(at, a.debtor, 'agreement.broken', () => ({ agreementId: a.id, number: a.number, on, reason: a.closeReason, paidCents: paid, excessCents, restored }), { creditorId: a.creditorId });
    for (const debt of a.debts) if (debt.status === 'open') this.anchor(addDays(on, 1), { debt, anchor: 'agreement_breach', on });
  }

  // ─── The daily run's planning (06:00): the real planner on the day's steps ─────────────────

  private planningRow(debt: HDebt, debtor: HDebtor, day: IsoDate): Parameters<typeof planDebt>[0] {
    const valid = debtor.phones.filter((p) => !p.invalidAt || p.invalidAt.getTime() > this.at(day, 0).getTime());
    const optedOut = [...new Set(valid.flatMap((p) => p.optedOut))];
    return {
      id: debt.row.id, status: debt.status, debtor_id: debtor.id, creditor_id: debt.row.creditor_id, portfolio_id: debt.row.portfolio_id,
      due_date: debt.row.due_date, original_amount_cents: debt.row.original_amount_cents, document_kind: debt.row.document_kind,
      disputed: debt.disputedAt !== null, prescription_interrupted_on: debt.row.prescription_interrupted_on, kind: debtor.kind, uf: debtor.uf, city: debtor.city,
      over_indebted: false, has_email: debtor.email !== null, has_mobile: valid.some((p) => p.mobile), has_phone: valid.length > 0, has_address: debtor.address !== null,
      whatsapp: debtor.whatsappAt !== null, opted_out: optedOut.length ? optedOut : null, segment: null, band: null, deceased: false, challenger_of: null,
    };
  }

  private plan(day: IsoDate): void {
    const runAt = this.at(day, 6 * 60);
    const record = (debtor: HDebtor, debt: HDebt, planned: ReturnType<typeof planDebt>, installment?: Queued['installment']) => {
      for (const p of planned) {
        const action: Row = {
          id: this.uuid(runAt), run_date: day, debt_id: p.debt_id, debtor_id: p.debtor_id, creditor_id: p.creditor_id, schedule_id: p.schedule_id, schedule_version: p.schedule_version,
          step_id: p.step_id, due_on: p.due_on, stage: p.stage, channel: p.channel, template: p.template, status: p.status, rule: p.rule, reason: p.reason,
          deliver_after: null, attempts: 0, created_at: runAt.toISOString(), installment_id: p.installment_id ?? null,
        };
        this.out.actions.push(action);
        this.event(runAt, debtor, `action.${p.status}`, () => ({ actionId: action.id, channel: p.channel, step: p.step_id, scheduleId: p.schedule_id, scheduleVersion: p.schedule_version, dueOn: p.due_on, ...(p.rule ? { rule: p.rule } : {}), ...(p.reason ? { reason: p.reason } : {}), ...(p.installment_id ? { installmentId: p.installment_id } : {}) }), { creditorId: p.creditor_id, debtId: p.debt_id });
        if (p.status === 'planned') this.queue.push({ action, debt, debtor, ...(installment ? { installment } : {}) });
      }
    };
    for (const debt of this.stepsByDay.get(day) ?? []) {
      if (debt.status !== 'open') continue;
      const debtor = this.debtorOf(debt);
      const schedule = this.ctx.schedules.get(debt.row.portfolio_id)!;
      record(debtor, debt, planDebt(this.planningRow(debt, debtor, day), { ...schedule, steps: schedule.steps.filter((s) => s.anchor === 'due_date') }, addDays(day, -1), day));
    }
    for (const anchor of this.anchors.get(day) ?? []) {
      const debt = anchor.debt;
      if (anchor.installment) {
        const { agreement, installment } = anchor.installment;
        if (installment.status !== 'open' || (agreement.status !== 'accepted' && agreement.status !== 'active')) continue;
      } else if (debt.status !== 'open') continue;
      const debtor = this.debtorOf(debt);
      const schedule = this.ctx.schedules.get(debt.row.portfolio_id)!;
      const steps = schedule.steps.filter((s) => s.anchor === anchor.anchor);
      record(debtor, debt, planDebt(this.planningRow(debt, debtor, day), { ...schedule, steps }, addDays(day, -1), day, {
        events: { [anchor.anchor]: anchor.on }, ...(anchor.installment ? { installmentId: anchor.installment.installment.id } : {}),
      }), anchor.installment);
    }
  }

  private debtorOf(debt: HDebt): HDebtor {
    return this.debtorIndex().get(debt.row.debtor_id)!;
  }

  private index: Map<string, HDebtor> | null = null;
  private debtorIndex(): Map<string, HDebtor> {
    return (this.index ??= new Map(this.debtors.map((d) => [d.id, d])));
  }

  // ─── Dispatch (business days, 10:00): the guard at sending, the providers' answers ─────────

  private dispatch(day: IsoDate): void {
    const waiting = this.queue.splice(0);
    let minute = 10 * 60;
    for (const item of waiting) {
      const { action, debt, debtor } = item;
      const at = this.at(day, minute);
      minute += 0.2;
      const channel = action.channel as string;
      const data = { actionId: action.id, channel };
      const stopped = item.installment
        ? (item.installment.installment.status !== 'open' || !['accepted', 'active'].includes(item.installment.agreement.status) ? 'paid' : null)
        : debt.status === 'open' ? null : debt.status === 'in_agreement' ? 'active_agreement' : 'paid';
      if (stopped) {
        const reason = stopped === 'active_agreement' ? 'o título entrou em acordo depois do planejamento' : item.installment ? 'a parcela não está mais em aberto' : `o título não está mais em aberto (${debt.status})`;
        Object.assign(action, { status: 'stopped', rule: stopped, reason });
        this.event(at, debtor, 'action.stopped', () => ({ ...data, rule: stopped, reason }), { creditorId: debt.row.creditor_id, debtId: debt.row.id });
        continue;
      }
      if (debtor.disputed && !item.installment) {
        Object.assign(action, { status: 'blocked', rule: 'disputed_debt', reason: 'dívida contestada pelo devedor: cobrança suspensa (CDC art. 42)' });
        this.event(at, debtor, 'action.blocked', () => ({ ...data, rule: 'disputed_debt', reason: 'dívida contestada pelo devedor: cobrança suspensa', source: 'CDC art. 42' }), { creditorId: debt.row.creditor_id, debtId: debt.row.id });
        continue;
      }
      const written = channel !== 'voice';
      if (written && (debtor.writtenOn.get(day) ?? 0) >= WRITTEN_PER_DAY) {
        // the frequency cap: the message waits for the next business day
        this.queue.push(item);
        this.event(at, debtor, 'action.deferred', () => ({ ...data, rule: 'frequency_cap', reason: `no máximo ${WRITTEN_PER_DAY} mensagens escritas por dia`, source: 'CDC art. 42 (cobrança abusiva); limites do produto' }), { creditorId: debt.row.creditor_id, debtId: debt.row.id });
        continue;
      }
      const recipient = this.recipientOf(channel, debtor, at);
      if (!recipient) {
        const reason = `sem contato válido para ${CONTACT_NEEDED[channel]}`;
        Object.assign(action, { status: 'failed', reason });
        this.event(at, debtor, 'action.failed', () => ({ ...data, reason }), { creditorId: debt.row.creditor_id, debtId: debt.row.id });
        continue;
      }
      if (written) debtor.writtenOn.set(day, (debtor.writtenOn.get(day) ?? 0) + 1);
      this.deliver(item, day, at, recipient);
    }
  }

  private recipientOf(channel: string, debtor: HDebtor, at: Date): string | null {
    const phones = debtor.phones.filter((p) => !p.invalidAt || p.invalidAt > at);
    if (channel === 'email') return debtor.email;
    if (channel === 'sms') return phones.find((p) => p.mobile)?.value ?? null;
    if (channel === 'whatsapp') return debtor.whatsappAt ? (phones.find((p) => p.mobile)?.value ?? null) : null;
    if (channel === 'voice') return (phones.find((p) => p.mobile) ?? phones[0])?.value ?? null;
    if (channel === 'letter') return debtor.address ? addressLine(debtor.address) : null;
    return null;
  }

  private deliver(item: Queued, day: IsoDate, at: Date, recipient: string): void {
    const { action, debt, debtor } = item;
    const channel = action.channel as string;
    const creditor = this.ctx.creditors.get(debt.row.creditor_id)!;
    const subject = `${STAGE_SUBJECT[action.stage as string] ?? 'Comunicado'} — ${creditor.trade_name ?? creditor.legal_name}`;
    const sha = createHash('sha256').update(`${subject}\n${action.template}\n${debt.row.id}\n${day}`).digest('hex');
    const roll = this.rnd.next();
    let status: DeliveryStatus;
    let providerStatus: string | null = null;
    let error: string | null = null;
    let statusAt: Date | null = null;
    let providerId: string | null = `${channel.toUpperCase().slice(0, 2)}${String(++this.providerSeq).padStart(10, '0')}`;
    if (channel === 'email') {
      if (roll < 0.05) [status, error, providerId] = ['failed', '550 5.1.1 caixa postal inexistente', null];
      else status = 'sent';
    } else if (channel === 'sms') {
      if (roll < 0.03) [status, error, providerId] = ['failed', 'HTTP 400: número inválido para SMS', null];
      else if (roll < 0.09) [status, providerStatus, error] = ['undelivered', 'undelivered', '30003 Unreachable destination handset'];
      else if (roll < 0.14) status = 'sent';
      else [status, providerStatus] = ['delivered', 'delivered'];
    } else if (channel === 'whatsapp') {
      if (roll < 0.04) [status, error, providerId] = ['failed', 'HTTP 400: número sem WhatsApp', null];
      else if (roll < 0.08) [status, providerStatus, error] = ['undelivered', 'failed', '131026 Message undeliverable'];
      else if (roll < 0.45) [status, providerStatus] = ['delivered', 'delivered'];
      else [status, providerStatus] = ['read', 'read'];
    } else status = 'sent';
    if (providerStatus) statusAt = new Date(at.getTime() + this.rnd.int(1, 240) * 60_000);
    if (channel === 'voice') providerId = this.uuid(at);
    const final = status === 'failed' ? 'failed' : 'sent';
    Object.assign(action, { status: final, attempts: 1, reason: error });
    this.out.deliveries.push({
      action_id: action.id, debtor_id: debtor.id, creditor_id: debt.row.creditor_id, channel, recipient, content_sha256: sha, status, provider_id: providerId, error,
      attempted_at: at.toISOString(), finished_at: at.toISOString(), attempts: 1, provider_status: providerStatus, status_at: statusAt?.toISOString() ?? null,
    });
    const base = { creditorId: debt.row.creditor_id, debtId: debt.row.id };
    if (final === 'failed') {
      this.event(at, debtor, 'action.failed', () => ({ actionId: action.id, channel, attempt: 1, error }), base);
      return;
    }
    this.event(at, debtor, 'action.sent', () => ({ actionId: action.id, channel, attempt: 1, subject, recipient, providerId }), base);
    if (statusAt && status !== 'sent') this.event(statusAt, debtor, `action.${status}`, () => ({ actionId: action.id, channel, providerStatus, at: statusAt!.toISOString(), ...(error ? { error } : {}) }), base);
    if (channel === 'voice') {
      // a call task in the holder's queue: the holder calls it today (see callsOf)
      const task: Row = {
        id: providerId, action_id: action.id, debtor_id: debtor.id, creditor_id: debt.row.creditor_id, debt_id: debt.row.id, kind: 'call', status: 'open', phone: recipient,
        script: `Falo com ${debtor.name}? Esta ligação é gravada. Falo em nome de ${creditor.legal_name} sobre um valor em aberto; os detalhes estão em /portal. Podemos encontrar uma solução hoje?`,
        due_at: at.toISOString(), assigned_to: null, outcome: null, created_at: at.toISOString(), closed_at: null,
      };
      this.out.tasks.push(task);
      (this.tasksToday.get(debtor.holder) ?? this.tasksToday.set(debtor.holder, []).get(debtor.holder)!).push({ debtor, task });
      return;
    }
    // the debtor's answer to a message that reached it
    if (status === 'undelivered' || (debtor.busyUntil && debtor.busyUntil > day) || debtor.disputed) return;
    const odds = RESPONSE[channel];
    if (!odds) return;
    const boost = status === 'read' ? 2 : 1;
    const r = this.rnd.next();
    if (r < odds.agree * boost) {
      const when = addDays(day, this.rnd.int(0, 6));
      debtor.busyUntil = addDays(when, 1);
      const via = channel === 'whatsapp' && this.rnd.chance(0.5) ? 'whatsapp' : 'portal';
      this.schedule(when, this.rnd.int(8 * 60, 22 * 60), (at) => this.negotiate(debtor, when, at, via, null));
    } else if (r < (odds.agree + odds.pay) * boost) {
      const when = addDays(day, this.rnd.int(0, 5));
      debtor.busyUntil = addDays(when, 1);
      this.schedule(when, this.rnd.int(7 * 60, 22 * 60), (at) => this.payOldest(debtor, when, at));
    }
  }

  // ─── Calls (business days, 10:00–17:00) ─────────────────────────────────────────────────────

  /** The debts a collector may work on the day: open, overdue, placed, not prescribed, of a debtor without a dispute or a held agreement. */
  private callable(debtor: HDebtor, day: IsoDate, dueBy: IsoDate = addDays(day, -1)): HDebt[] {
    if (debtor.disputed || debtor.debts.some((d) => d.status === 'in_agreement')) return [];
    return debtor.debts.filter((d) => d.status === 'open' && d.row.due_date <= dueBy && d.placedOn <= day && d.prescribedOn > day);
  }

  private phoneFor(debtor: HDebtor, at: Date): HPhone | null {
    const ok = debtor.phones.filter((p) => (!p.invalidAt || p.invalidAt > at) && !p.optedOut.includes('voice'));
    return ok.find((p) => p.mobile) ?? ok[0] ?? null;
  }

  private callsOf(day: IsoDate): Array<{ at: number; run: () => void }> {
    const calls: Array<{ at: number; run: () => void }> = [];
    for (const [collector, email] of this.ctx.collectors) {
      const capacity = CALLS_PER_DAY[email] ?? 0;
      const list: Array<{ debtor: HDebtor; tasks: Row[]; callback: boolean }> = [];
      const chosen = new Set<string>();
      for (const { debtor, task } of this.tasksToday.get(collector) ?? []) {
        const found = list.find((l) => l.debtor === debtor);
        if (found) found.tasks.push(task);
        else {
          list.push({ debtor, tasks: [task], callback: false });
          chosen.add(debtor.id);
        }
      }
      const pool = this.byCollector.get(collector) ?? [];
      for (const debtor of pool) {
        if (debtor.callbackOn === day && !chosen.has(debtor.id)) {
          list.push({ debtor, tasks: [], callback: true });
          chosen.add(debtor.id);
        }
      }
      for (let tries = 0; list.length < capacity && tries < capacity * 12 && pool.length; tries++) {
        const debtor = pool[this.rnd.int(0, pool.length - 1)]!;
        if (chosen.has(debtor.id) || (debtor.busyUntil && debtor.busyUntil > day) || (debtor.lastCall && addDays(debtor.lastCall, 6) > day)) continue;
        if (this.callable(debtor, day).length === 0) continue;
        list.push({ debtor, tasks: [], callback: false });
        chosen.add(debtor.id);
      }
      const span = (17 - 10) * 60;
      list.forEach((item, i) => {
        const minute = 10 * 60 + Math.floor((i * span) / Math.max(list.length, 1)) + this.rnd.int(0, 5);
        calls.push({ at: minute, run: () => this.call(collector, item.debtor, day, minute, item.tasks, item.callback) });
      });
    }
    this.tasksToday.clear();
    return calls.sort((a, b) => a.at - b.at);
  }

  private call(collector: string, debtor: HDebtor, day: IsoDate, minute: number, tasks: Row[], callback: boolean): void {
    const at = this.at(day, minute);
    const phone = this.phoneFor(debtor, at);
    const open = this.callable(debtor, day);
    if (!phone || open.length === 0) {
      // nothing to call about any more (paid, in agreement, disputed) or no phone left: the task is closed unworked
      for (const task of tasks) Object.assign(task, { status: 'cancelled', outcome: phone ? 'caso sem títulos em cobrança' : 'sem telefone válido', closed_at: at.toISOString() });
      return;
    }
    const outcomes = callback ? CALLBACK_OUTCOMES : CALL_OUTCOMES;
    let r = this.rnd.next();
    let code: DispositionCode = outcomes[0]![0];
    for (const [c, p] of outcomes) if ((r -= p) < 0) {
      code = c;
      break;
    }
    const id = this.uuid(at);
    let promiseId: string | null = null;
    let callbackAt: Date | null = null;
    let note: string | null = null;
    debtor.lastCall = day;
    debtor.callbackOn = null;
    debtor.firstWorked ??= day;
    debtor.lastWorkedAt = at;
    switch (code) {
      case 'wrong_number':
        phone.invalidAt = at;
        this.contactChanges.set(phone.id, phone);
        break;
      case 'do_not_call':
        for (const p of debtor.phones) if (!p.optedOut.includes('voice')) {
          p.optedOut.push('voice');
          this.contactChanges.set(p.id, p);
        }
        break;
      case 'dispute':
      case 'claims_paid':
        note = code === 'dispute' ? 'Diz que não reconhece a compra; pediu cópia do contrato.' : 'Diz que já pagou; enviará o comprovante por e-mail.';
        debtor.disputed = true;
        for (const d of debtor.debts) if (d.status === 'open' && d.placedOn <= day && !d.disputedAt) d.disputedAt = at;
        break;
      case 'callback':
        callbackAt = this.at(addDays(day, this.rnd.int(1, 3)), this.rnd.int(14 * 60, 16 * 60));
        debtor.callbackOn = BANK.isBusinessDay(localDate(callbackAt)) ? localDate(callbackAt) : null;
        break;
      case 'promise':
        promiseId = this.promise(collector, debtor, open, day, at);
        if (!promiseId) code = 'right_party_contact';
        break;
      default:
        break;
    }
    const final = DISPOSITIONS[code];
    this.out.dispositions.push({
      id, debtor_id: debtor.id, user_id: collector, code, contact_point_id: phone.id, attempt: final.attempt, answered: final.answered, right_party: final.rightPartyContact,
      promise_id: promiseId, callback_at: callbackAt?.toISOString() ?? null, note, at: at.toISOString(),
    });
    for (const task of tasks) Object.assign(task, { status: 'done', outcome: code, closed_at: at.toISOString(), assigned_to: collector });
    this.event(at, debtor, 'call.disposition', () => ({
      dispositionId: id, code, label: final.label, effects: [...final.effects], contactPointId: phone.id, ...(promiseId ? { promiseId } : {}), ...(callbackAt ? { callbackAt: callbackAt.toISOString() } : {}), ...(note ? { note } : {}),
    }), { actor: collector });
    // offers simulated during the conversation (the audit log records the read of the offers)
    if ((code === 'right_party_contact' || code === 'callback') && this.rnd.chance(0.5)) this.simulated(collector, debtor, new Date(at.getTime() + 60_000));
    if (code === 'refused' && this.rnd.chance(0.2)) this.simulated(collector, debtor, new Date(at.getTime() + 60_000));
    if (code === 'right_party_contact' && this.rnd.chance(AGREEMENT_AFTER_RPC)) {
      // transferred to an analyst, who closes it on the phone within the hour
      const closing = minute + this.rnd.int(20, 60);
      debtor.busyUntil = addDays(day, 1);
      this.schedule(day, closing, (at) => this.negotiate(debtor, day, at, 'phone', this.rnd.chance(0.8) ? this.ctx.analyst : this.ctx.supervisor));
    }
  }

  private simulated(user: string | null, debtor: HDebtor, at: Date): void {
    this.out.audit.push({
      user_id: user, action: 'read', resource: 'offers', route: user ? 'POST /api/debtors/:debtorId/offers' : 'POST /api/portal/:tenant/offers', subject_ids: [debtor.id], ip: null,
      details: user ? {} : { via: 'portal', debtorId: debtor.id }, at: at.toISOString(),
    });
  }

  private owed(debt: HDebt, on: IsoDate): number {
    return updatedBalance(termsOf(debt.row), debt.credits, on, this.ctx.indices, NEGOTIATION_BALANCE_POLICY).total;
  }

  /**
   * A promise to pay the oldest overdue debt within a week — its face value, in whole reais (kept by
   * paying the debt's updated balance, which is at least that) — or broken.
   */
  private promise(collector: string, debtor: HDebtor, open: HDebt[], day: IsoDate, at: Date): string | null {
    const target = open[0]!;
    const amount = Math.floor(target.row.original_amount_cents / 100) * 100;
    if (amount < 100) return null;
    const promisedFor = addDays(day, this.rnd.int(2, 7));
    const p: HPromise = {
      id: this.uuid(at), debtor, creditorId: target.row.creditor_id, debtIds: debtor.debts.filter((d) => d.status === 'open' && d.placedOn <= day).map((d) => d.row.id), amountCents: amount,
      promisedFor, takenBy: collector, createdOn: day, createdAt: at, status: 'pending', resolvedOn: null,
    };
    this.promises.push(p);
    debtor.busyUntil = addDays(promisedFor, 2);
    this.event(at, debtor, 'promise.made', () => ({ promiseId: p.id, amountCents: p.amountCents, promisedFor: p.promisedFor, channel: 'phone', debtIds: p.debtIds }), { creditorId: p.creditorId, actor: collector });
    if (this.rnd.chance(PROMISE_KEPT)) {
      const when = addDays(promisedFor, -this.rnd.int(0, 2)) < day ? day : addDays(promisedFor, -this.rnd.int(0, 2));
      const minute = when === day ? this.rnd.int(Math.min(minutesOf(at, day) + 30, 21 * 60), 21 * 60 + 30) : this.rnd.int(8 * 60, 21 * 60);
      this.schedule(when, minute, (paidAt) => this.payDebt(debtor, target, when, paidAt));
    }
    return p.id;
  }

  // ─── Payments ───────────────────────────────────────────────────────────────────────────────

  private payOldest(debtor: HDebtor, day: IsoDate, at: Date): void {
    debtor.busyUntil = null;
    const open = this.callable(debtor, day, day);
    if (open.length) this.payDebt(debtor, open[0]!, day, at);
  }

  /** A payment of the debt's whole updated balance straight on the debt (payDebt): credited, the debt paid. */
  private payDebt(debtor: HDebtor, debt: HDebt, day: IsoDate, at: Date): void {
    if (debt.status !== 'open') return;
    const registeredBy: string | null = null;
    const owed = this.owed(debt, day);
    if (owed <= 0) return;
    const method = this.rnd.chance(0.7) ? 'pix' : 'boleto';
    const id = this.uuid(at);
    this.out.payments.push({
      id, debtor_id: debtor.id, creditor_id: debt.row.creditor_id, agreement_id: null, installment_id: null, debt_id: debt.row.id, amount_cents: owed, applied_cents: owed,
      excess_cents: 0, paid_on: day, method, source: 'api', external_id: `demo-${++this.externalSeq}`, created_by: registeredBy ?? this.ctx.analyst, created_at: at.toISOString(),
    });
    this.out.credits.push({ debt_id: debt.row.id, payment_id: id, paid_on: day, amount_cents: owed, reason: 'payment' });
    debt.credits.push({ date: day, amountCents: owed });
    debt.status = 'paid';
    debt.statusAt = at;
    this.event(at, debtor, 'payment.received', () => ({
      paymentId: id, amountCents: owed, appliedCents: owed, excessCents: 0, owedCents: owed, paidInFull: true, paidOn: day, method, source: 'api', note: `Título quitado com ${formatBRL(owed)}`,
    }), { creditorId: debt.row.creditor_id, debtId: debt.row.id, actor: registeredBy ?? this.ctx.analyst });
  }

  // ─── Agreements ─────────────────────────────────────────────────────────────────────────────

  /**
   * An agreement on the debtor's overdue, non-prescribed open debts, on one of the policy's own
   * offers (à vista or installments): proposed, and accepted — by phone through an analyst, or by
   * the debtor in the portal or on WhatsApp — or left to expire.
   */
  private negotiate(debtor: HDebtor, day: IsoDate, at: Date, via: 'phone' | 'portal' | 'whatsapp', analyst: string | null): void {
    debtor.busyUntil = null;
    const open = this.callable(debtor, day, day);
    if (open.length === 0) return;
    const creditorId = open[0]!.row.creditor_id;
    const debts = open.filter((d) => d.row.creditor_id === creditorId).sort((a, b) => (a.row.due_date < b.row.due_date ? -1 : a.row.due_date > b.row.due_date ? 1 : a.row.external_id < b.row.external_id ? -1 : 1));
    const portfolioId = debts[0]!.row.portfolio_id;
    const policy = this.ctx.policies.get(portfolioId)!;
    const negotiable: NegotiableDebt[] = debts.map((d) => {
      const b = updatedBalance(termsOf(d.row), d.credits, day, this.ctx.indices, NEGOTIATION_BALANCE_POLICY);
      return { debtId: d.row.id, externalId: d.row.external_id, dueDate: d.row.due_date, daysPastDue: b.daysOverdue, components: b.components, total: b.total };
    });
    let offers: Offer[];
    try {
      offers = computeOffers({ asOf: day, debts: negotiable, policy, declaredIncomeCents: debtor.income, calendar: this.calendarOf(debtor) }).offers;
    } catch (error) {
      if (error instanceof AppError) return;
      throw error;
    }
    const installmentOffers = offers.filter((o) => o.kind === 'installments' && o.payments.length <= 7);
    const offer = installmentOffers.length && !this.rnd.chance(via === 'phone' ? 0.4 : 0.5) ? installmentOffers[this.rnd.int(0, installmentOffers.length - 1)]! : offers[0]!;
    const createdBy = via === 'portal' ? null : (analyst ?? this.ctx.analyst);
    const a: HAgreement = {
      id: this.uuid(at), number: '', debtor, creditorId, portfolioId, debts, offer, status: 'proposed', createdAt: at, createdBy, asOf: day,
      balances: new Map(negotiable.map((n) => [n.debtId, { balance: n.total, discount: offer.breakdown.filter((l) => l.debtId === n.debtId).reduce((s, l) => s + l.discountCents, 0) }])),
      paymentMethod: this.rnd.chance(0.65) ? 'pix' : 'boleto', acceptedAt: null, channel: null, acceptedBy: null, ip: null, activatedAt: null, closedAt: null, brokenOn: null,
      closeReason: null, installments: [], payments: [],
    };
    this.agreements.push(a);
    this.simulated(via === 'portal' ? null : createdBy, debtor, new Date(at.getTime() - 120_000));
    const actor = via === 'portal' ? { kind: 'debtor' as const } : { actor: createdBy };
    this.event(at, debtor, 'agreement.proposed', () => ({
      agreementId: a.id, number: a.number, debtIds: debts.map((d) => d.row.id), totalCents: offer.totalCents, discountCents: offer.discountCents, installments: offer.payments.length, withinPolicy: true, violations: [],
    }), { creditorId, ...actor });
    const accepts = this.rnd.chance(via === 'portal' ? 0.65 : 0.85);
    if (!accepts) return;
    const acceptedAt = new Date(at.getTime() + this.rnd.int(2, 25) * 60_000);
    if (localDate(acceptedAt) !== day) return;
    a.status = nextStatus(a.status, 'accept');
    a.acceptedAt = acceptedAt;
    a.channel = via;
    a.acceptedBy = via === 'portal' ? null : createdBy;
    a.ip = via === 'portal' ? `177.${this.rnd.int(16, 250)}.${this.rnd.int(0, 255)}.${this.rnd.int(1, 254)}` : null;
    a.installments = offer.payments.map((p) => ({ id: this.uuid(acceptedAt), number: p.number, dueDate: p.dueDate, amountCents: p.amountCents, interestCents: p.interestCents, paidCents: 0, status: 'open', paidOn: null }));
    for (const d of debts) {
      d.status = 'in_agreement';
      d.statusAt = acceptedAt;
    }
    this.event(acceptedAt, debtor, 'agreement.accepted', () => ({
      agreementId: a.id, number: a.number, channel: via, byDebtor: via === 'portal', termsSha256: this.termsOf(a).sha256, totalCents: offer.totalCents,
    }), { creditorId, ...(via === 'portal' ? { kind: 'debtor' as const } : { actor: createdBy }) });
    // the installment reminders of the schedule, three days before each due date
    for (const i of a.installments) {
      const first = [...debts].sort((x, y) => (x.row.id < y.row.id ? -1 : 1))[0]!;
      this.anchor(addDays(i.dueDate, -3), { debt: first, anchor: 'installment_due', on: i.dueDate, installment: { agreement: a, installment: i } });
    }
    // how the debtor pays: everything on time, or up to some installment and then no more
    const keeps = this.rnd.chance(offer.kind === 'cash' ? AGREEMENT_KEPT.cash : AGREEMENT_KEPT.installments);
    const paysUpTo = keeps ? a.installments.length : this.rnd.int(0, a.installments.length - 1);
    for (const i of a.installments.slice(0, paysUpTo)) {
      const shift = this.rnd.chance(0.8) ? -this.rnd.int(0, 3) : this.rnd.int(1, 4);
      const when = addDays(i.dueDate, shift) < day ? day : addDays(i.dueDate, shift);
      // never before the acceptance
      const minute = when === day ? this.rnd.int(Math.min(minutesOf(acceptedAt, day) + 10, 23 * 60), 23 * 60 + 30) : this.rnd.int(7 * 60, 22 * 60);
      this.schedule(when, minute, (paidAt) => this.payInstallment(a, i, when, paidAt));
    }
  }

  private terms = new Map<string, { text: string; sha256: string }>();
  /** The term as acceptAgreement records it (documentData + agreementTerm + documentText), on the proposal's day. */
  private termsOf(a: HAgreement): { text: string; sha256: string } {
    let t = this.terms.get(a.id);
    if (!t) {
      if (!a.number) throw new Error('agreement number not assigned yet');
      const creditor = this.ctx.creditors.get(a.creditorId)!;
      const text = documentText(agreementTerm({
        number: a.number,
        creditor: { name: creditor.legal_name, tradeName: creditor.trade_name, document: creditor.document, address: creditorAddress(creditor) },
        agency: { name: this.ctx.tenantName },
        debtor: { name: a.debtor.name, document: a.debtor.document, address: a.debtor.address ? addressLine(a.debtor.address) : '' },
        offer: a.offer,
        debts: a.debts.map((d) => ({ externalId: d.row.external_id, dueDate: d.row.due_date, originalCents: d.row.original_amount_cents, description: d.row.description })),
        graceDays: this.ctx.policies.get(a.portfolioId)!.graceDays,
        place: `${creditor.city}/${creditor.uf}`,
        issuedOn: a.asOf,
      }));
      t = { text, sha256: createHash('sha256').update(text).digest('hex') };
      this.terms.set(a.id, t);
    }
    return t;
  }

  /** An installment paid in full (applyPayment on an installment): the first payment activates, the last fulfils. */
  private payInstallment(a: HAgreement, i: HInstallment, day: IsoDate, at: Date): void {
    if ((a.status !== 'accepted' && a.status !== 'active') || i.status !== 'open') return;
    const { appliedCents, excessCents, paidInFull } = applyToInstallment(i, i.amountCents - i.paidCents);
    const id = this.uuid(at);
    const method = a.paymentMethod;
    this.out.payments.push({
      id, debtor_id: a.debtor.id, creditor_id: a.creditorId, agreement_id: a.id, installment_id: i.id, debt_id: null, amount_cents: appliedCents + excessCents, applied_cents: appliedCents,
      excess_cents: excessCents, paid_on: day, method, source: 'api', external_id: `demo-${++this.externalSeq}`, created_by: this.ctx.analyst, created_at: at.toISOString(),
    });
    a.payments.push({ id, date: day, appliedCents });
    i.paidCents += appliedCents;
    if (paidInFull) {
      i.status = 'paid';
      i.paidOn = day;
    }
    this.event(at, a.debtor, 'payment.received', () => ({
      paymentId: id, agreementId: a.id, number: a.number, installment: i.number, amountCents: appliedCents + excessCents, appliedCents, excessCents, paidOn: day, method, source: 'api',
    }), { creditorId: a.creditorId, actor: this.ctx.analyst });
    if (a.installments.every((x) => x.status !== 'open')) {
      a.status = nextStatus(a.status, 'fulfil');
      a.closedAt = at;
      a.closeReason = 'quitado';
      a.activatedAt ??= at;
      for (const d of a.debts) {
        d.status = 'paid';
        d.statusAt = at;
      }
      this.event(at, a.debtor, 'agreement.fulfilled', () => ({ agreementId: a.id, number: a.number, paidOn: day, debtIds: a.debts.map((d) => d.row.id) }), { creditorId: a.creditorId, actor: this.ctx.analyst });
    } else if (a.status === 'accepted') {
      a.status = nextStatus(a.status, 'activate');
      a.activatedAt = at;
      this.event(at, a.debtor, 'agreement.activated', () => ({ agreementId: a.id, number: a.number, paidOn: day }), { creditorId: a.creditorId, actor: this.ctx.analyst });
    }
  }

  // ─── Writing ────────────────────────────────────────────────────────────────────────────────

  async write(sql: SqlClient): Promise<HistorySummary> {
    const tenant = this.tenantId;
    // Agreement numbers from the shared sequence, in the order the agreements were proposed.
    const ordered = [...this.agreements].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    if (ordered.length) {
      const { rows } = await sql.query<{ n: string }>(`select nextval('agreement_numbers')::text as n from generate_series(1, $1::int)`, [ordered.length]);
      const numbers = rows.map((r) => Number(r.n)).sort((x, y) => x - y);
      ordered.forEach((a, i) => {
        const n = String(numbers[i]);
        a.number = `${localDate(a.createdAt).slice(0, 4)}-${n.length >= 6 ? n : n.padStart(6, '0')}`;
      });
    }
    const insert = async (table: string, columns: Record<string, string>, rows: readonly Row[]) => {
      const names = Object.keys(columns);
      for (let i = 0; i < rows.length; i += 2_000) {
        const chunk = rows.slice(i, i + 2_000);
        await sql.query(
          `insert into ${table} (tenant_id, ${names.join(', ')}) select $1, ${names.join(', ')}
           from jsonb_to_recordset($2::jsonb) as x (${names.map((n) => `${n} ${columns[n]}`).join(', ')})`,
          [tenant, JSON.stringify(chunk)],
        );
      }
    };
    // contacts: WhatsApp opt-ins, phones found wrong, voice opt-outs
    const contacts = this.debtors.flatMap((d) => d.phones.filter((p) => p.mobile && d.whatsappAt).slice(0, 1).map((p) => ({ id: p.id, whatsapp_opt_in_at: d.whatsappAt!.toISOString() })));
    await sql.query(
      `update contact_points c set whatsapp_opt_in_at = x.whatsapp_opt_in_at from jsonb_to_recordset($2::jsonb) as x (id uuid, whatsapp_opt_in_at timestamptz) where c.tenant_id = $1 and c.id = x.id`,
      [tenant, JSON.stringify(contacts)],
    );
    await sql.query(
      `update contact_points c set invalid_at = x.invalid_at, opted_out_channels = x.opted_out, updated_at = coalesce(x.invalid_at, c.updated_at)
       from jsonb_to_recordset($2::jsonb) as x (id uuid, invalid_at timestamptz, opted_out text[]) where c.tenant_id = $1 and c.id = x.id`,
      [tenant, JSON.stringify([...this.contactChanges.values()].map((p) => ({ id: p.id, invalid_at: p.invalidAt?.toISOString() ?? null, opted_out: p.optedOut })))],
    );
    // debts: their state at the end of the history
    const changed = [...this.debts.values()].filter((d) => d.statusAt || (d.disputedAt && !d.row.disputed_at));
    await sql.query(
      `update debts d set status = x.status, status_changed_at = coalesce(x.status_at, d.status_changed_at), disputed_at = x.disputed_at,
              updated_at = greatest(coalesce(x.status_at, d.updated_at), coalesce(x.disputed_at, d.updated_at))
       from jsonb_to_recordset($2::jsonb) as x (id uuid, status text, status_at timestamptz, disputed_at timestamptz) where d.tenant_id = $1 and d.id = x.id`,
      [tenant, JSON.stringify(changed.map((d) => ({ id: d.row.id, status: d.status, status_at: d.statusAt?.toISOString() ?? null, disputed_at: d.disputedAt ? new Date(d.disputedAt).toISOString() : null })))],
    );
    await insert('agreements', {
      id: 'uuid', number: 'text', creditor_id: 'uuid', portfolio_id: 'uuid', debtor_id: 'uuid', status: 'text', as_of: 'date', valid_until: 'date', terms: 'jsonb', balance_cents: 'bigint',
      discount_cents: 'bigint', total_cents: 'bigint', installment_count: 'int', grace_days: 'int', payment_method: 'text', within_policy: 'boolean', approval_status: 'text',
      accepted_at: 'timestamptz', accepted_channel: 'text', accepted_ip: 'text', accepted_by_user: 'uuid', accepted_by_debtor: 'boolean', accepted_terms_text: 'text',
      accepted_terms_sha256: 'text', activated_at: 'timestamptz', closed_at: 'timestamptz', broken_on: 'date', close_reason: 'text', created_by: 'uuid', created_at: 'timestamptz', updated_at: 'timestamptz',
    }, ordered.map((a) => {
      const terms = a.acceptedAt ? this.termsOf(a) : null;
      const updated = [a.createdAt, a.acceptedAt, a.activatedAt, a.closedAt].filter((x): x is Date => !!x).reduce((m, x) => (x > m ? x : m));
      return {
        id: a.id, number: a.number, creditor_id: a.creditorId, portfolio_id: a.portfolioId, debtor_id: a.debtor.id, status: a.status, as_of: a.asOf, valid_until: a.offer.validUntil,
        terms: a.offer, balance_cents: a.offer.balanceCents, discount_cents: a.offer.discountCents, total_cents: a.offer.totalCents, installment_count: a.offer.payments.length,
        grace_days: this.ctx.policies.get(a.portfolioId)!.graceDays, payment_method: a.paymentMethod, within_policy: a.offer.withinPolicy, approval_status: 'not_needed',
        accepted_at: a.acceptedAt?.toISOString() ?? null, accepted_channel: a.channel, accepted_ip: a.ip, accepted_by_user: a.acceptedBy, accepted_by_debtor: a.acceptedAt ? a.channel === 'portal' : null,
        accepted_terms_text: terms?.text ?? null, accepted_terms_sha256: terms?.sha256 ?? null, activated_at: a.activatedAt?.toISOString() ?? null, closed_at: a.closedAt?.toISOString() ?? null,
        broken_on: a.brokenOn, close_reason: a.closeReason, created_by: a.createdBy, created_at: a.createdAt.toISOString(), updated_at: updated.toISOString(),
      };
    }));
    await insert('agreement_debts', { agreement_id: 'uuid', debt_id: 'uuid', balance_cents: 'bigint', discount_cents: 'bigint', binding: 'boolean' }, ordered.flatMap((a) =>
      a.debts.map((d) => ({ agreement_id: a.id, debt_id: d.row.id, balance_cents: a.balances.get(d.row.id)!.balance, discount_cents: a.balances.get(d.row.id)!.discount, binding: a.status === 'accepted' || a.status === 'active' }))));
    await insert('installments', {
      id: 'uuid', agreement_id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', number: 'int', due_date: 'date', amount_cents: 'bigint', interest_cents: 'bigint', paid_cents: 'bigint',
      status: 'text', paid_on: 'date', payment_method: 'text', created_at: 'timestamptz',
    }, ordered.flatMap((a) => a.installments.map((i) => ({
      id: i.id, agreement_id: a.id, debtor_id: a.debtor.id, creditor_id: a.creditorId, number: i.number, due_date: i.dueDate, amount_cents: i.amountCents, interest_cents: i.interestCents,
      paid_cents: i.paidCents, status: i.status, paid_on: i.paidOn, payment_method: a.paymentMethod, created_at: a.acceptedAt!.toISOString(),
    }))));
    await insert('payments', {
      id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', agreement_id: 'uuid', installment_id: 'uuid', debt_id: 'uuid', amount_cents: 'bigint', applied_cents: 'bigint', excess_cents: 'bigint',
      paid_on: 'date', method: 'text', source: 'text', external_id: 'text', created_by: 'uuid', created_at: 'timestamptz',
    }, this.out.payments);
    await insert('debt_credits', { debt_id: 'uuid', payment_id: 'uuid', paid_on: 'date', amount_cents: 'bigint', reason: 'text' }, this.out.credits);
    await insert('promises', {
      id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', debt_ids: 'uuid[]', amount_cents: 'bigint', promised_for: 'date', channel: 'text', taken_by: 'uuid', note: 'text', status: 'text',
      resolved_on: 'date', created_on: 'date', created_at: 'timestamptz',
    }, this.promises.map((p) => ({
      id: p.id, debtor_id: p.debtor.id, creditor_id: p.creditorId, debt_ids: p.debtIds, amount_cents: p.amountCents, promised_for: p.promisedFor, channel: 'phone', taken_by: p.takenBy, note: null,
      status: p.status, resolved_on: p.resolvedOn, created_on: p.createdOn, created_at: p.createdAt.toISOString(),
    })));
    // what the last morning left planned goes out on the first business day after the history: planned, as the outbox holds it
    await insert('actions', {
      id: 'uuid', run_date: 'date', debt_id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', schedule_id: 'uuid', schedule_version: 'int', step_id: 'text', due_on: 'date', stage: 'text',
      channel: 'text', template: 'text', status: 'text', rule: 'text', reason: 'text', deliver_after: 'timestamptz', attempts: 'int', created_at: 'timestamptz', installment_id: 'uuid',
    }, this.out.actions);
    await insert('deliveries', {
      action_id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', channel: 'text', recipient: 'text', content_sha256: 'text', status: 'text', provider_id: 'text', error: 'text',
      attempted_at: 'timestamptz', finished_at: 'timestamptz', attempts: 'int', provider_status: 'text', status_at: 'timestamptz',
    }, this.out.deliveries);
    await insert('collector_tasks', {
      id: 'uuid', action_id: 'uuid', debtor_id: 'uuid', creditor_id: 'uuid', debt_id: 'uuid', kind: 'text', status: 'text', phone: 'text', script: 'text', due_at: 'timestamptz',
      assigned_to: 'uuid', outcome: 'text', created_at: 'timestamptz', closed_at: 'timestamptz',
    }, this.out.tasks);
    await insert('dispositions', {
      id: 'uuid', debtor_id: 'uuid', user_id: 'uuid', code: 'text', contact_point_id: 'uuid', attempt: 'boolean', answered: 'boolean', right_party: 'boolean', promise_id: 'uuid',
      callback_at: 'timestamptz', note: 'text', at: 'timestamptz',
    }, this.out.dispositions);
    // the cases the collectors worked, closed: the day's distribution (after scoring) gives the open ones out again
    await insert('case_assignments', { debtor_id: 'uuid', user_id: 'uuid', status: 'text', strategy: 'text', assigned_on: 'date', closed_on: 'date', last_worked_at: 'timestamptz' },
      this.debtors.filter((d) => d.firstWorked).map((d) => ({
        debtor_id: d.id, user_id: d.holder, status: 'closed', strategy: 'skill', assigned_on: d.firstWorked, closed_on: addDays(this.options.asOf, -1), last_worked_at: d.lastWorkedAt!.toISOString(),
      })));
    await insert('audit_log', { user_id: 'uuid', action: 'text', resource: 'text', route: 'text', subject_ids: 'uuid[]', ip: 'text', details: 'jsonb', at: 'timestamptz' }, this.out.audit.sort((a, b) => ((a.at as string) < (b.at as string) ? -1 : 1)));
    const events = this.out.events
      .map((e, i) => ({ row: { ...e.row, data: e.data() }, at: e.row.occurred_at as string, seq: i }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq))
      .map((e) => e.row);
    await insert('events', { debtor_id: 'uuid', creditor_id: 'uuid', debt_id: 'uuid', type: 'text', occurred_at: 'timestamptz', actor_kind: 'text', actor_user_id: 'uuid', data: 'jsonb' }, events);
    return {
      actions: this.out.actions.length, deliveries: this.out.deliveries.length, dispositions: this.out.dispositions.length, promises: this.promises.length,
      agreements: this.agreements.length, payments: this.out.payments.length, events: events.length,
    };
  }
}

/** Minutes since Brasília midnight of `day` (negative before it). */
function minutesOf(at: Date, day: IsoDate): number {
  return Math.floor((at.getTime() - instantAt(day, 0, 'America/Sao_Paulo').getTime()) / 60_000);
}

const localDates = new Map<number, IsoDate>();
/** The Brasília date of an instant (looked up once per hour of the clock). */
function localDate(at: Date): IsoDate {
  const hour = Math.floor(at.getTime() / 3_600_000);
  let date = localDates.get(hour);
  if (date === undefined) localDates.set(hour, (date = localTime(at, 'America/Sao_Paulo').date));
  return date;
}
