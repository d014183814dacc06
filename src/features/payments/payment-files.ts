import { createHash } from 'node:crypto';
import { z } from '../../api/zod.ts';
import { nossoNumeroKey } from '../../brazil/boleto/index.ts';
import { parseCnabReturn, type CnabDetail, type CnabReturn } from '../../brazil/cnab/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { reconcile, type ReconcileStatus } from './reconciliation.ts';

/**
 * A bank's return file (CNAB 240 or 400), reconciled in one transaction: the whole file or
 * nothing. The file is parsed before anything is written (a bad line refuses the file, naming
 * line, columns and field); the same file again is recognised by its SHA-256 and answered with
 * the first import's summary; a payment repeated in another file is still counted once, since
 * its external id is the bank's occurrence itself.
 */
export const paymentFileSummary = z.object({
  fileId: z.uuid(),
  fileName: z.string(),
  layout: z.string(),
  bankCode: z.string(),
  bankName: z.string(),
  generatedOn: z.string().nullable(),
  replayed: z.boolean().describe('true: este arquivo já tinha sido importado; nada mudou'),
  details: z.number().int(),
  paid: z.number().int().describe('registros de liquidação'),
  applied: z.number().int(),
  alreadyApplied: z.number().int().describe('pagamentos que já constavam (de outro arquivo, do webhook ou da baixa manual)'),
  unmatched: z.number().int().describe('na fila de conciliação manual'),
  partial: z.number().int(),
  excessCents: z.number().int(),
  paidCents: z.number().int(),
  registered: z.number().int().describe('boletos com registro confirmado pelo banco'),
  rejected: z.number().int().describe('boletos com registro recusado'),
  ignored: z.number().int().describe('outras ocorrências (só informativas)'),
  lines: z.array(z.object({ line: z.number().int(), nossoNumero: z.string(), occurrence: z.string(), occurrenceText: z.string(), amountPaidCents: z.number().int(), status: z.string(), reason: z.string().nullable() })),
});
export type PaymentFileSummary = z.infer<typeof paymentFileSummary>;

/** Bank occurrences about the registration of a boleto (FEBRABAN CNAB 240 G047; the CNAB 400 manuals use the same codes). */
const REGISTERED = new Set(['02']);
const REJECTED = new Set(['03']);

export async function importPaymentFile(db: Database, actor: Actor, file: { fileName: string; content: Buffer }): Promise<PaymentFileSummary> {
  requirePermission(actor, 'payments.reconcile');
  return importReturnFile(db, scopeOf(actor), actor.userId, file);
}

export async function importReturnFile(db: Database, scope: { tenantId: string; creditorId?: string | null }, importedBy: string | null, file: { fileName: string; content: Buffer }): Promise<PaymentFileSummary> {
  if (file.content.length === 0) throw new AppError('validation', 'Arquivo vazio.', { field: 'file' });
  const parsed = parseCnabReturn(file.content);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  return db.scoped(scope, async (tx) => {
    const inserted = await tx.db
      .insertInto('payment_files')
      .values({ tenant_id: scope.tenantId, file_name: file.fileName, sha256, layout: parsed.layout, bank_code: parsed.bankCode, generated_on: parsed.generatedOn, summary: '{}', imported_by: importedBy })
      .onConflict((oc) => oc.columns(['tenant_id', 'sha256']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const first = await tx.db.selectFrom('payment_files').select('summary').where('sha256', '=', sha256).executeTakeFirstOrThrow();
      return { ...(first.summary as PaymentFileSummary), replayed: true };
    }
    const summary: PaymentFileSummary = {
      fileId: inserted.id, fileName: file.fileName, layout: parsed.layout, bankCode: parsed.bankCode, bankName: parsed.bankName, generatedOn: parsed.generatedOn, replayed: false,
      details: parsed.details.length, paid: 0, applied: 0, alreadyApplied: 0, unmatched: 0, partial: 0, excessCents: 0, paidCents: 0, registered: 0, rejected: 0, ignored: 0, lines: [],
    };
    const accounts = await accountsOfFile(tx, parsed);
    for (const detail of parsed.details) {
      const line = { line: detail.line, nossoNumero: detail.nossoNumero, occurrence: detail.occurrence, occurrenceText: detail.occurrenceText, amountPaidCents: detail.amountPaid };
      if (detail.paid && detail.amountPaid > 0) {
        summary.paid++;
        summary.paidCents += detail.amountPaid;
        const outcome = await reconcile(tx, {
          source: 'cnab', externalId: cnabPaymentId(detail, accounts.identity), method: 'boleto', nossoNumeroKey: nossoNumeroKey(detail.nossoNumero), bankCode: detail.bankCode, accountIds: accounts.ids,
          amountCents: detail.amountPaid, paidOn: paidOnOf(detail, parsed), file: { id: inserted.id, line: detail.line },
        });
        count(summary, outcome.status);
        if (outcome.partial && outcome.status === 'applied') summary.partial++;
        summary.excessCents += outcome.status === 'applied' ? outcome.excessCents : 0;
        summary.lines.push({ ...line, status: outcome.status, reason: outcome.reason });
      } else if (REGISTERED.has(detail.occurrence) || REJECTED.has(detail.occurrence)) {
        const registration = REGISTERED.has(detail.occurrence) ? 'registered' : 'rejected';
        const changed = await setRegistration(tx, detail, registration, accounts.ids);
        summary[registration]++;
        summary.lines.push({ ...line, status: registration, reason: changed ? null : 'boleto não encontrado' });
      } else {
        summary.ignored++;
        summary.lines.push({ ...line, status: 'ignored', reason: null });
      }
    }
    await tx.db.updateTable('payment_files').set({ summary: JSON.stringify(summary) }).where('id', '=', inserted.id).execute();
    return summary;
  });
}

/**
 * The bank's occurrence as the payment's identity: the same liquidation in any file is one
 * payment. The account it came through is part of it — two agreements at one bank count their
 * nossos números from 1 each.
 */
export function cnabPaymentId(detail: CnabDetail, account: string): string {
  return [account, nossoNumeroKey(detail.nossoNumero), detail.occurrence, detail.paymentDate ?? detail.creditDate ?? '', detail.amountPaid].join(':');
}

/**
 * The collection accounts a return file speaks for: the header's agreement (convênio) or account
 * number picks the account among the tenant's at that bank; without a match, all of them (and a
 * nosso número found in two of them is ambiguous, so it waits for an analyst).
 */
async function accountsOfFile(tx: Tx, parsed: CnabReturn): Promise<{ ids: string[]; identity: string }> {
  const rows = await tx.db.selectFrom('collection_accounts').select(['id', 'agreement', 'transmission_code', 'account', 'account_digit']).where('bank_code', '=', parsed.bankCode as never).execute();
  const digits = (v: string | null | undefined) => (v ?? '').replace(/\D/g, '').replace(/^0+/, '');
  const { agreement, account } = parsed.beneficiary;
  const matches = rows.filter(
    (a) => (digits(agreement) !== '' && [digits(a.agreement), digits(a.transmission_code)].includes(digits(agreement))) || (digits(account) !== '' && [digits(a.account), digits(a.account + (a.account_digit ?? ''))].includes(digits(account))),
  );
  if (matches.length === 1) return { ids: [matches[0]!.id], identity: matches[0]!.id };
  return { ids: rows.map((r) => r.id), identity: parsed.bankCode };
}

function paidOnOf(detail: CnabDetail, parsed: CnabReturn): string {
  const date = detail.paymentDate ?? detail.creditDate ?? parsed.generatedOn;
  if (!date) throw new AppError('validation', `Linha ${detail.line}: liquidação sem data de pagamento nem de crédito.`, { field: `linha ${detail.line}` });
  return date;
}

function count(summary: PaymentFileSummary, status: ReconcileStatus): void {
  if (status === 'applied') summary.applied++;
  else if (status === 'replayed') summary.alreadyApplied++;
  else summary.unmatched++;
}

/** The bank confirmed (02) or refused (03) a boleto's registration; a refused one is cancelled, so the installment can have another. */
async function setRegistration(tx: Tx, detail: CnabDetail, registration: 'registered' | 'rejected', accountIds: string[]): Promise<boolean> {
  if (accountIds.length === 0) return false;
  const result = await tx.db
    .updateTable('charges')
    .set({ registration, ...(registration === 'rejected' ? { status: 'cancelled' as const } : {}) })
    .where('nosso_numero_key', '=', nossoNumeroKey(detail.nossoNumero))
    .where('kind', '=', 'boleto')
    .where('status', '=', 'open')
    .where('account_id', 'in', accountIds)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listPaymentFiles(db: Database, actor: Actor) {
  requirePermission(actor, 'payments.reconcile');
  return db.scoped(scopeOf(actor), async (tx) =>
    (await tx.db.selectFrom('payment_files').select(['id', 'file_name', 'layout', 'bank_code', 'generated_on', 'summary', 'created_at']).orderBy('created_at', 'desc').limit(200).execute()).map((r) => {
      const s = r.summary as PaymentFileSummary;
      return { id: r.id, fileName: r.file_name, layout: r.layout, bankCode: r.bank_code, generatedOn: r.generated_on, importedAt: r.created_at.toISOString(), details: s.details, applied: s.applied, unmatched: s.unmatched, paidCents: s.paidCents };
    }),
  );
}
