import { createHash } from 'node:crypto';
import { maskDocument } from '../../brazil/documents.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import { constantTimeEqual } from '../../shared/constant-time.ts';

/**
 * The portal's pure rules: who the debtor is shown as, which debts the portal lists, when an
 * attempt is refused, how a one-time code is kept, and the data-subject request's deadline.
 */

/**
 * Days the agency has to answer a data subject (LGPD art. 19 II: "no prazo de até 15 (quinze) dias,
 * contado da data do requerimento do titular", for the complete statement of access). The law fixes
 * no term for the other rights of art. 18 yet; the portal applies the same 15 calendar days to every
 * kind, the strictest reading. Configurable here.
 */
export const DATA_SUBJECT_RESPONSE_DAYS = 15;

/** The due date of a request received on `receivedOn` (calendar days, as the law counts them). */
export function dataSubjectDueOn(receivedOn: IsoDate, days = DATA_SUBJECT_RESPONSE_DAYS): IsoDate {
  return addDays(receivedOn, days);
}

/** The one message every failed identification gets, whatever failed: nothing tells a stranger whether the CPF is known. */
export const IDENTIFICATION_FAILED = 'Não foi possível confirmar seus dados. Confira o CPF/CNPJ e a data de nascimento ou peça um código.';

/** The one answer to every code request, sent or not. */
export const CODE_REQUESTED = 'Se os dados estiverem cadastrados, enviaremos um código de acesso pelo canal escolhido. O código vale por poucos minutos.';

/** How the debtor is greeted: a person by the first name, a company by its name. */
export function greetingName(name: string, kind: 'pf' | 'pj'): string {
  const trimmed = name.trim();
  if (kind === 'pj') return trimmed;
  const first = trimmed.split(/\s+/)[0] ?? '';
  // Imports often come in capitals: "MARIA" → "Maria".
  return first === first.toUpperCase() ? first.charAt(0) + first.slice(1).toLocaleLowerCase('pt-BR') : first;
}

/** The document as the portal shows it: a CPF masked (***.982.247-**), a CNPJ in full (a company's public id). */
export const maskedDocument = (document: string): string => maskDocument(document);

export interface PortalDebtFacts {
  status: string;
  document_kind: string;
  due_date: IsoDate;
  prescription_interrupted_on: IsoDate | null;
}

/** The first day a debt is prescribed (CC arts. 205, 206; one interruption, art. 202). */
export function prescribedOn(debt: PortalDebtFacts): IsoDate {
  return prescriptionOf({ kind: storedDebtKind(debt.document_kind), dueDate: debt.due_date, interruptedOn: debt.prescription_interrupted_on }).prescriptionDate;
}

/**
 * Whether the portal lists a debt: the ones still owed (open, or held by an agreement). A
 * prescribed open debt is not actively collected (STJ REsp 2.088.100); showing it even to the
 * debtor who asks is a switch (PORTAL_SHOW_PRESCRIBED), off by default, while Tema 1.264 is pending.
 */
export function portalShowsDebt(debt: PortalDebtFacts, asOf: IsoDate, showPrescribed: boolean): boolean {
  if (debt.status === 'in_agreement') return true;
  if (debt.status !== 'open') return false;
  return showPrescribed || prescribedOn(debt) > asOf;
}

/** Whether the debtor may negotiate a debt in the portal: listed, open and already due (titles not yet due wait). */
export function portalNegotiates(debt: PortalDebtFacts, asOf: IsoDate, showPrescribed: boolean): boolean {
  return debt.status === 'open' && debt.due_date <= asOf && portalShowsDebt(debt, asOf, showPrescribed);
}

// ─── Attempt limits ───────────────────────────────────────────────────────────────────────────

export interface AttemptLimits {
  windowMinutes: number;
  perDocument: number;
  perDocumentPerDay: number;
  perIp: number;
}

/** What the database counted before this attempt: attempts in the window (and the day), and the oldest of each. */
export interface AttemptCounts {
  ip: { inWindow: number; oldest: Date | null };
  document: { inWindow: number; oldestInWindow: Date | null; inDay: number; oldestInDay: Date | null } | null;
}

export type AttemptVerdict = { ok: true } | { ok: false; scope: 'ip' | 'document'; retryAfterSeconds: number; message: string };

const DAY_MS = 86_400_000;

/** Refuses an attempt once a counter is full, saying when the oldest attempt leaves it. */
export function attemptVerdict(counts: AttemptCounts, limits: AttemptLimits, now: Date): AttemptVerdict {
  const window = limits.windowMinutes * 60_000;
  const wait = (oldest: Date | null, span: number) => Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + span - now.getTime()) / 1000));
  const doc = counts.document;
  if (doc && doc.inDay >= limits.perDocumentPerDay) {
    return { ok: false, scope: 'document', retryAfterSeconds: wait(doc.oldestInDay, DAY_MS), message: 'Muitas tentativas para este CPF/CNPJ hoje. Tente de novo amanhã ou fale com a assessoria pelo telefone.' };
  }
  if (doc && doc.inWindow >= limits.perDocument) {
    return { ok: false, scope: 'document', retryAfterSeconds: wait(doc.oldestInWindow, window), message: `Muitas tentativas para este CPF/CNPJ. Aguarde ${limits.windowMinutes} minutos e tente de novo.` };
  }
  if (counts.ip.inWindow >= limits.perIp) {
    return { ok: false, scope: 'ip', retryAfterSeconds: wait(counts.ip.oldest, window), message: `Muitas tentativas a partir desta conexão. Aguarde ${limits.windowMinutes} minutos e tente de novo.` };
  }
  return { ok: true };
}

/** The counters' keys: a SHA-256, so they hold no CPF or address in clear. */
export const documentKey = (tenantId: string, document: string): string => sha256(`document:${tenantId}:${document}`);
export const addressKey = (ip: string): string => sha256(`ip:${ip}`);

// ─── One-time codes ───────────────────────────────────────────────────────────────────────────

/** Six digits, from a uniform integer below 10⁶ (the caller draws it from crypto.randomInt). */
export function formatCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError('code out of range');
  return String(n).padStart(6, '0');
}

/** A code is kept as SHA-256 of a random salt and the digits; its short life and few tries are what protect it. */
export const codeHash = (salt: string, code: string): string => sha256(`${salt}:${code}`);

export function codeMatches(salt: string, storedHash: string, typed: string): boolean {
  return /^\d{6}$/.test(typed) && constantTimeEqual(codeHash(salt, typed), storedHash);
}

/** The text of the code message: no debt, no amount — the contact may not be read by the debtor alone (CDC art. 42). */
export function codeMessage(agencyName: string, code: string, ttlMinutes: number): { subject: string; text: string } {
  return {
    subject: `${agencyName}: seu código de acesso`,
    text: `${agencyName}: seu código de acesso é ${code}. Vale por ${ttlMinutes} minutos. Não o compartilhe. Se não foi você quem pediu, ignore esta mensagem.`,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
