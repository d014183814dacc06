import { UF_INFO, type Uf } from '../../brazil/uf.ts';
import { DEFAULT_COMPLIANCE_POLICY, nextAllowedMoment, type CompliancePolicy, type Recipient } from '../compliance/rules.ts';
import { instantAt, localTime } from '../compliance/local-time.ts';
import { addDays, type IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';

/**
 * A collector's work queue: the cases that may be called now, best first, and the ones that must
 * wait, each with the reason (and, when known, until when) so the screen can explain it.
 *
 * Order of the ready cases:
 *  1. callbacks due (callbackAt ≤ now), earliest first — the debtor asked for that moment;
 *  2. pending promises due today or overdue (in the debtor's time zone), oldest first — the
 *     follow-up checks the money, the collector calls;
 *  3. the rest by expected recovery (open amount × score) descending.
 * Ties, in every tier: the case not worked the longest first (never worked first), then id.
 */
export interface QueueCase {
  id: string;
  openAmountCents: Cents;
  /** Probability of payment as an integer per mille, 0–1000 (the collection score). */
  scorePerMille: number;
  /** A pending callback the debtor asked for. */
  callbackAt: Date | null;
  /** The date of a pending promise to pay. */
  promiseDueOn: IsoDate | null;
  lastWorkedAt: Date | null;
  /** Collection paused (dispute, alleged payment, agreement, deceased, opt-out…). */
  paused: boolean;
  uf: Uf | null;
  city: string | null;
  callAttemptsToday: number;
  answeredToday: number;
}

export type QueueTier = 'callback' | 'promise' | 'expected_recovery';

export interface RankedCase {
  id: string;
  /** 1-based position in the queue. */
  position: number;
  tier: QueueTier;
  /** openAmountCents × scorePerMille, exact (thousandths of a centavo). */
  expectedRecovery: bigint;
  /** The same, rounded down to centavos, for display. */
  expectedRecoveryCents: Cents;
  case: QueueCase;
}

export type WaitReason = 'paused' | 'callback_scheduled' | 'call_attempts_cap' | 'answered_calls_cap' | 'worked_today' | 'outside_contact_window';

export interface WaitingCase {
  id: string;
  reason: WaitReason;
  /** pt-BR. */
  message: string;
  /** The first moment the case may come back (absent when it depends on someone: a paused case). */
  until?: Date;
}

export interface RankedQueue {
  ready: RankedCase[];
  waiting: WaitingCase[];
}

function recipientOf(item: QueueCase): Recipient {
  return { kind: 'debtor', uf: item.uf, city: item.city, optedOutChannels: [], whatsappOptIn: false };
}

const timeZoneOf = (uf: Uf | null) => (uf ? UF_INFO[uf].timeZone : 'America/Sao_Paulo');

/** A callback is due when its time has come and nobody has worked the case since. */
function callbackDue(item: QueueCase, now: Date): boolean {
  return item.callbackAt !== null && item.callbackAt <= now && !(item.lastWorkedAt !== null && item.lastWorkedAt >= item.callbackAt);
}

function validate(item: QueueCase): void {
  if (!Number.isInteger(item.scorePerMille) || item.scorePerMille < 0 || item.scorePerMille > 1000) throw new Error(`score inválido no caso ${item.id}: inteiro de 0 a 1000`);
  if (!Number.isSafeInteger(item.openAmountCents) || item.openAmountCents < 0) throw new Error(`valor em aberto inválido no caso ${item.id}`);
}

/**
 * Why a case must wait now, or null when it may be called. Checked from what lasts longest:
 * paused, a callback not yet due, the day's call caps, already worked today, then the contact
 * window (state laws on contact hours, Sundays and holidays).
 */
function waitOf(item: QueueCase, now: Date, policy: CompliancePolicy): WaitingCase | null {
  const recipient = recipientOf(item);
  const zone = timeZoneOf(item.uf);
  const today = localTime(now, zone).date;
  const tomorrow = () => nextAllowedMoment(instantAt(addDays(today, 1), 0, zone), recipient, policy);
  const wait = (reason: WaitReason, message: string, until?: Date): WaitingCase => (until ? { id: item.id, reason, message, until } : { id: item.id, reason, message });

  if (item.paused) return wait('paused', 'cobrança pausada neste caso');
  if (item.callbackAt !== null && item.callbackAt > now) {
    return wait('callback_scheduled', 'retorno agendado para mais tarde', nextAllowedMoment(item.callbackAt, recipient, policy));
  }
  // Frequency caps per debtor per local day (case law on abusive collection, CDC art. 42; product defaults).
  if (item.callAttemptsToday >= policy.maxCallAttemptsPerDay) return wait('call_attempts_cap', `já houve ${policy.maxCallAttemptsPerDay} tentativas de ligação hoje`, tomorrow());
  if (item.answeredToday >= policy.maxAnsweredCallsPerDay) return wait('answered_calls_cap', 'o devedor já atendeu uma ligação hoje', tomorrow());
  if (item.lastWorkedAt !== null && localTime(item.lastWorkedAt, zone).date === today && !callbackDue(item, now)) {
    return wait('worked_today', 'caso já trabalhado hoje', tomorrow());
  }
  // Contact hours by the debtor's state and time zone; no Sundays or holidays (SP Lei 15.426/2014, AL Lei 7.782/2016).
  const allowed = nextAllowedMoment(now, recipient, policy);
  if (allowed.getTime() !== now.getTime()) return wait('outside_contact_window', 'fora do horário permitido de contato para o devedor', allowed);
  return null;
}

const TIER_ORDER: Record<QueueTier, number> = { callback: 0, promise: 1, expected_recovery: 2 };

/** Ranks a collector's cases at `now`: the ready ones in order, and the waiting ones with why and until when. */
export function rankQueue(cases: readonly QueueCase[], now: Date, policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY): RankedQueue {
  const waiting: WaitingCase[] = [];
  const ready: Array<Omit<RankedCase, 'position'>> = [];
  for (const item of cases) {
    validate(item);
    const wait = waitOf(item, now, policy);
    if (wait) {
      waiting.push(wait);
      continue;
    }
    const today = localTime(now, timeZoneOf(item.uf)).date;
    const tier: QueueTier = callbackDue(item, now) ? 'callback' : item.promiseDueOn !== null && item.promiseDueOn <= today ? 'promise' : 'expected_recovery';
    // Exact integer product: amounts up to 1e13 centavos × 1000 would overflow a double's 2^53.
    const expectedRecovery = BigInt(item.openAmountCents) * BigInt(item.scorePerMille);
    ready.push({ id: item.id, tier, expectedRecovery, expectedRecoveryCents: Number(expectedRecovery / 1000n), case: item });
  }
  ready.sort((a, b) => {
    const tier = TIER_ORDER[a.tier] - TIER_ORDER[b.tier];
    if (tier) return tier;
    if (a.tier === 'callback') {
      const t = a.case.callbackAt!.getTime() - b.case.callbackAt!.getTime();
      if (t) return t;
    } else if (a.tier === 'promise') {
      const d = a.case.promiseDueOn! < b.case.promiseDueOn! ? -1 : a.case.promiseDueOn! > b.case.promiseDueOn! ? 1 : 0;
      if (d) return d;
    }
    if (a.tier !== 'callback' && a.expectedRecovery !== b.expectedRecovery) return a.expectedRecovery > b.expectedRecovery ? -1 : 1;
    // Not worked the longest first; never worked before anything.
    const la = a.case.lastWorkedAt?.getTime() ?? -Infinity;
    const lb = b.case.lastWorkedAt?.getTime() ?? -Infinity;
    if (la !== lb) return la < lb ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return { ready: ready.map((r, i) => ({ ...r, position: i + 1 })), waiting };
}
