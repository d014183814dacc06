import { addYears, formatDateBR, type IsoDate } from '../dates.ts';
import type { DebtKind } from '../debt-kinds.ts';
import { prescriptionOf } from '../prescription.ts';

/**
 * Whether a data subject's personal data may be erased (LGPD art. 18 IV and VI) on a date, and
 * if not, why, on which legal ground and from which day. Pure: the caller gives the debts and asOf.
 *
 * The controller keeps the data while it needs them to collect (an open debt, until it prescribes)
 * and then, after the debt is settled or prescribed, for a retention period in which either side
 * may still go to court about it; after that the data are anonymized, never kept "just in case".
 */

/** Years the data are kept after a debt is settled or prescribed: PRODUCT.md sets 5–10 y; configurable (PRIVACY_RETENTION_YEARS). */
export const DEFAULT_RETENTION_YEARS = 5; // LGPD art. 16 I and art. 7º VI; CC arts. 205 e 206 (prazos das pretensões)

/** Legal sources named in the answers, one place so the docs and the PDF quote the same text. */
export const ERASURE_SOURCES = {
  debtOpen: 'LGPD art. 7º X (proteção do crédito) e art. 16 I; CC art. 206 §5º I (prazo de cobrança)',
  retention: 'LGPD art. 7º VI (exercício regular de direitos em processo judicial) e art. 16 I; CC arts. 205 e 206',
  anonymize: 'LGPD art. 16 caput e IV, art. 18 IV e VI (eliminação ou anonimização após o término do tratamento)',
} as const;

export interface ErasureDebt {
  id: string;
  externalId: string;
  creditorName: string;
  kind: DebtKind;
  status: 'open' | 'in_agreement' | 'paid' | 'settled' | 'cancelled';
  dueDate: IsoDate;
  prescriptionInterruptedOn: IsoDate | null;
  /** The day the debt left the open statuses (paid, settled, cancelled); null while open. */
  closedOn: IsoDate | null;
}

export interface ErasureHold {
  code: 'debt_open' | 'retention';
  debtId: string;
  /** pt-BR, names the debt and why it holds the data. */
  reason: string;
  source: string;
  /** The first day this debt no longer holds the data (if nothing changes: a payment moves it). */
  until: IsoDate;
}

export type ErasureDecision =
  | { decision: 'refuse'; holds: ErasureHold[]; deletableFrom: IsoDate; answer: string; source: string }
  | { decision: 'anonymize'; answer: string; source: string };

const OPEN = new Set(['open', 'in_agreement']);

export function decideErasure(input: { asOf: IsoDate; debts: readonly ErasureDebt[]; retentionYears?: number }): ErasureDecision {
  const years = input.retentionYears ?? DEFAULT_RETENTION_YEARS;
  const holds: ErasureHold[] = [];
  for (const debt of input.debts) {
    const name = `o título ${debt.externalId} (${debt.creditorName})`;
    if (OPEN.has(debt.status)) {
      const prescribed = prescriptionOf({ kind: debt.kind, dueDate: debt.dueDate, interruptedOn: debt.prescriptionInterruptedOn }).prescriptionDate;
      if (input.asOf < prescribed) {
        holds.push({
          code: 'debt_open', debtId: debt.id, source: ERASURE_SOURCES.debtOpen,
          until: addYears(prescribed, years),
          reason: `${name} está em aberto${debt.status === 'in_agreement' ? ' (em acordo)' : ''} e pode ser cobrado até ${formatDateBR(prescribed)}; os dados são necessários para a cobrança e, depois dela, para a defesa em juízo por ${years} anos`,
        });
        continue;
      }
      // Prescribed: no longer collectable, kept for the retention period counted from prescription.
      const until = addYears(prescribed, years);
      if (input.asOf < until) holds.push({ code: 'retention', debtId: debt.id, source: ERASURE_SOURCES.retention, until, reason: `${name} prescreveu em ${formatDateBR(prescribed)}; os dados são guardados por ${years} anos para a defesa em eventual processo` });
      continue;
    }
    const closedOn = debt.closedOn ?? debt.dueDate;
    const until = addYears(closedOn, years);
    if (input.asOf < until) {
      holds.push({ code: 'retention', debtId: debt.id, source: ERASURE_SOURCES.retention, until, reason: `${name} foi encerrado em ${formatDateBR(closedOn)}; os dados são guardados por ${years} anos para a defesa em eventual processo (pagamento, quitação, cobrança indevida)` });
    }
  }
  if (holds.length === 0) {
    return {
      decision: 'anonymize', source: ERASURE_SOURCES.anonymize,
      answer: 'Não há débito em aberto nem prazo de guarda em curso: os dados pessoais foram anonimizados (nome, documento, data de nascimento, contatos e endereços); valores e datas permanecem apenas para estatística, sem identificar o titular.',
    };
  }
  const deletableFrom = holds.map((h) => h.until).reduce((a, b) => (a > b ? a : b));
  const sources = [...new Set(holds.map((h) => h.source))];
  return {
    decision: 'refuse', holds, deletableFrom, source: sources.join('; '),
    answer:
      `A eliminação não é possível agora: ${holds.map((h) => h.reason).join('; ')}. ` +
      `Fundamento: ${sources.join('; ')}. Mantidas as condições atuais, os dados poderão ser anonimizados a partir de ${formatDateBR(deletableFrom)}; ` +
      'até lá, são usados só para essas finalidades.',
  };
}
