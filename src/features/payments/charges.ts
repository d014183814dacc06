import { sql } from 'kysely';
import { z, zUuid } from '../../api/zod.ts';
import { issueBoleto, nossoNumeroKey, renderBoletoPdf } from '../../brazil/boleto/index.ts';
import { centsToValor, encodePix, newTxid, pixQrPng, pixQrSvg, type PspClient } from '../../brazil/pix/index.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { addDays, formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Charge, ChargeKind, CollectionAccount, Installment } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { addressLine, postalAddressOf } from '../debtors/normalize-contact.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { beneficiaryAccountOf, defaultAccountOf } from './collection-accounts.ts';

/**
 * Charges: the boleto or PIX through which an installment is paid. A boleto draws the next
 * nosso número of the creditor's account (under the account's row lock, so two are never the
 * same) and waits to be registered at the bank by the next remessa; a PIX charge is a cobv at
 * the PSP when one is configured, else a static BR Code with its own txid. Either way the
 * number the money comes back with (nosso número or txid) finds the charge.
 */
export interface PaymentRails {
  /** A PSP speaking the BCB PIX API; without one, PIX charges are static BR Codes. */
  psp: PspClient | null;
}

/** Days a boleto stays payable after its due date (the remessa's write-off instruction says the same). */
export const BOLETO_PAYABLE_DAYS = 60;

export const chargeOutput = z.object({
  id: z.uuid(),
  debtorId: z.uuid(),
  kind: z.enum(['boleto', 'pix']),
  installmentId: z.uuid().nullable(),
  agreementId: z.uuid().nullable(),
  installmentNumber: z.number().int().nullable(),
  amountCents: z.number().int(),
  dueDate: z.string(),
  status: z.enum(['open', 'paid', 'cancelled']),
  paidCents: z.number().int(),
  paidOn: z.string().nullable(),
  bankCode: z.string().nullable(),
  nossoNumero: z.string().nullable().describe('Os dígitos do nosso número, sem o DV (como o banco o devolve no retorno)'),
  nossoNumeroPrinted: z.string().nullable().describe('Como impresso no boleto'),
  barcode: z.string().nullable(),
  line: z.string().nullable(),
  registration: z.string().nullable(),
  txid: z.string().nullable(),
  pixCopiaECola: z.string().nullable(),
  pixLocation: z.string().nullable(),
});
export type ChargeOutput = z.infer<typeof chargeOutput>;

export const issueChargesInput = z.object({ kind: z.enum(['boleto', 'pix']).optional().describe('Padrão: a forma de pagamento do acordo') });

/** Issues the missing charges of every open installment of an agreement (the ones issued before are returned as they are). */
export async function issueAgreementCharges(db: Database, actor: Actor, rails: PaymentRails, agreementId: string, kind: ChargeKind | undefined): Promise<ChargeOutput[]> {
  requirePermission(actor, 'charges.issue');
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await tx.db.selectFrom('agreements').select(['id', 'status', 'number']).where('id', '=', agreementId).executeTakeFirst();
    if (!agreement) throw notFound('Acordo');
    if (agreement.status !== 'accepted' && agreement.status !== 'active') throw new AppError('conflict', `O acordo ${agreement.number} não está vigente (situação: ${agreement.status}): não há o que cobrar.`, { field: 'agreementId' });
    const installments = await tx.db.selectFrom('installments').selectAll().where('agreement_id', '=', agreementId).where('status', '=', 'open').orderBy('number').execute();
    const out: ChargeOutput[] = [];
    for (const installment of installments) out.push(await issueInstallmentCharge(tx, actor, rails, installment, kind ?? installment.payment_method));
    return out;
  });
}

export async function issueInstallmentCharge(tx: Tx, actor: Actor | null, rails: PaymentRails, stale: Installment, kind: ChargeKind): Promise<ChargeOutput> {
  // The installment row is the lock: two requests issue one charge, and the amount read is the current one.
  const installment = await tx.db.selectFrom('installments').selectAll().where('id', '=', stale.id).forUpdate().executeTakeFirstOrThrow();
  const amount = installment.amount_cents - installment.paid_cents;
  if (installment.status !== 'open' || amount <= 0) throw new AppError('conflict', `A parcela ${installment.number} já está paga.`, { field: 'installmentId' });
  const existing = await tx.db.selectFrom('charges').selectAll().where('installment_id', '=', installment.id).where('kind', '=', kind).where('status', '=', 'open').executeTakeFirst();
  if (existing && existing.amount_cents === amount) return toOutput(existing, installment);
  if (existing) {
    // Paid in part since: the old charge asks for more than is owed (a boleto's and a cobv's amounts are fixed). It is
    // replaced; cancelling it at the bank or the PSP is left to the operator (docs/payments.md).
    await tx.db.updateTable('charges').set({ status: 'cancelled' }).where('id', '=', existing.id).execute();
    await appendEvent(tx, actor, { debtorId: installment.debtor_id, creditorId: installment.creditor_id, type: 'charge.cancelled', data: { chargeId: existing.id, kind, reason: 'valor da parcela mudou (pagamento parcial)', amountCents: existing.amount_cents } });
  }
  const account = await tx.db.selectFrom('collection_accounts').selectAll().where('id', '=', (await defaultAccountOf(tx, installment.creditor_id)).id).forUpdate().executeTakeFirstOrThrow();
  const base = { tenant_id: installment.tenant_id, creditor_id: installment.creditor_id, debtor_id: installment.debtor_id, account_id: account.id, installment_id: installment.id, debt_id: null, kind, amount_cents: amount, due_date: installment.due_date, created_by: actor?.userId ?? null };
  const row = kind === 'boleto' ? await insertBoleto(tx, account, base) : await insertPix(tx, rails, account, base, installment);
  await appendEvent(tx, actor, {
    debtorId: installment.debtor_id, creditorId: installment.creditor_id, type: 'charge.issued',
    data: { chargeId: row.id, kind, agreementId: installment.agreement_id, installment: installment.number, amountCents: amount, dueDate: installment.due_date, nossoNumero: row.nosso_numero, txid: row.txid },
  });
  return toOutput(row, installment);
}

type ChargeBase = Pick<Charge, 'tenant_id' | 'creditor_id' | 'debtor_id' | 'account_id' | 'installment_id' | 'debt_id' | 'kind' | 'amount_cents' | 'due_date' | 'created_by'>;

async function insertBoleto(tx: Tx, account: CollectionAccount, base: ChargeBase): Promise<Charge> {
  const sequence = Number(account.next_sequence);
  const boleto = issueBoleto({ account: beneficiaryAccountOf(account), sequence, amount: base.amount_cents, dueDate: base.due_date });
  await tx.db.updateTable('collection_accounts').set({ next_sequence: sequence + 1 }).where('id', '=', account.id).execute();
  return tx.db
    .insertInto('charges')
    .values({
      ...base, nosso_numero: boleto.nossoNumero.number, nosso_numero_digit: boleto.nossoNumero.checkDigit, nosso_numero_key: nossoNumeroKey(boleto.nossoNumero.number), nosso_numero_printed: boleto.nossoNumero.printed,
      barcode: boleto.barcode, line: boleto.line, registration: 'pending', remessa_id: null, txid: null, pix_payload: null, pix_location: null, paid_on: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function insertPix(tx: Tx, rails: PaymentRails, account: CollectionAccount, base: ChargeBase, installment: Installment): Promise<Charge> {
  const pixKey = account.pix_key;
  if (!pixKey) throw new AppError('conflict', `A conta de cobrança ${account.name} não tem chave PIX.`, { field: 'pixKey' });
  const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', base.creditor_id).executeTakeFirstOrThrow();
  const agreement = await tx.db.selectFrom('agreements').select('number').where('id', '=', installment.agreement_id).executeTakeFirstOrThrow();
  let txid: string;
  let payload: string;
  let location: string | null = null;
  if (rails.psp) {
    // A charge with a due date (cobv): the PSP keeps it payable after the due date with the account's fine and interest.
    const debtor = await tx.db.selectFrom('debtors').select(['name', 'document']).where('id', '=', base.debtor_id).executeTakeFirstOrThrow();
    const address = await postalAddressOf(tx, base.debtor_id);
    txid = newTxid();
    const cob = await pspCall(() => rails.psp!.createCobv(txid, {
      calendario: { dataDeVencimento: base.due_date, validadeAposVencimento: 60 },
      devedor: {
        ...(debtor.document.length === 11 ? { cpf: debtor.document } : { cnpj: debtor.document }),
        nome: debtor.name.slice(0, 200),
        ...(address ? { logradouro: `${address.street}, ${address.number ?? 's/n'}`.slice(0, 200), cidade: address.city.slice(0, 200), uf: address.uf, cep: address.cep } : {}),
      },
      valor: { original: centsToValor(base.amount_cents) },
      chave: pixKey,
      solicitacaoPagador: `Parcela ${installment.number} do acordo ${agreement.number}`.slice(0, 140),
    }));
    payload = cob.pixCopiaECola ?? '';
    location = cob.loc?.location ?? cob.location ?? null;
    if (!payload) throw new AppError('internal', 'O PSP não devolveu o PIX copia e cola da cobrança.');
  } else {
    // A static BR Code carries at most 25 characters of txid, and the notice of its payment carries it back.
    txid = newTxid().slice(0, 25);
    // The BR Code keeps 25 characters of the name and 15 of the city (BCB Manual de Padrões, fields 59 and 60).
    payload = encodePix({ key: pixKey, amount: base.amount_cents, merchantName: (creditor.trade_name ?? creditor.legal_name).slice(0, 25).trim(), merchantCity: creditor.city.slice(0, 15).trim(), txid });
  }
  return tx.db
    .insertInto('charges')
    .values({ ...base, txid, pix_payload: payload, pix_location: location, nosso_numero: null, nosso_numero_digit: null, nosso_numero_key: null, nosso_numero_printed: null, barcode: null, line: null, registration: null, remessa_id: null, paid_on: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The charges of an installment after a payment was applied to it (under the agreement's lock),
 * whatever the payment's source: the paying charge, when there is one, counts it; once the
 * installment is paid, that charge is paid and every other open one (the boleto when paid by
 * PIX, both when paid by hand) is no longer payable.
 */
export async function settleInstallmentCharges(tx: Tx, installmentId: string, chargeId: string | null, appliedCents: number, installmentPaid: boolean, paidOn: IsoDate): Promise<void> {
  if (!installmentPaid) {
    if (chargeId) await tx.db.updateTable('charges').set((eb) => ({ paid_cents: eb('paid_cents', '+', appliedCents) })).where('id', '=', chargeId).execute();
    return;
  }
  // One statement: the paying charge paid, every other open one cancelled.
  await tx.db
    .updateTable('charges')
    .set({
      status: sql<'paid' | 'cancelled'>`case when id = ${chargeId}::uuid then 'paid' else 'cancelled' end`,
      paid_cents: sql<number>`case when id = ${chargeId}::uuid then paid_cents + ${appliedCents}::bigint else paid_cents end`,
      paid_on: sql<string | null>`case when id = ${chargeId}::uuid then ${paidOn}::date else paid_on end`,
    })
    .where('installment_id', '=', installmentId)
    .where((eb) => (chargeId ? eb.or([eb('status', '=', 'open'), eb('id', '=', chargeId)]) : eb('status', '=', 'open')))
    .execute();
}

/** The PSP's refusals are the PSP's, not the caller's: never a 401 or 400 that looks like the user's fault. */
async function pspCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError && error.code !== 'internal') throw new AppError('conflict', `O PSP recusou a cobrança PIX: ${error.message}`, { cause: error });
    throw error;
  }
}

export async function listCharges(db: Database, actor: Actor, filter: { agreementId?: string | undefined; debtorId?: string | undefined }): Promise<ChargeOutput[]> {
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('charges').innerJoin('installments', 'installments.id', 'charges.installment_id').selectAll('charges').select(['installments.agreement_id', 'installments.number']);
    if (filter.agreementId) q = q.where('installments.agreement_id', '=', filter.agreementId);
    if (filter.debtorId) q = q.where('charges.debtor_id', '=', filter.debtorId);
    const rows = await q.orderBy('installments.number').orderBy('charges.created_at').limit(500).execute();
    const banks = await bankCodesOf(tx, rows);
    return rows.map((r) => toOutput(r, { agreement_id: r.agreement_id, number: r.number }, banks.get(r.account_id)));
  });
}

export async function getCharge(db: Database, actor: Actor, chargeId: string): Promise<ChargeOutput> {
  return db.scoped(scopeOf(actor), async (tx) => {
    const { charge, installment, account } = await loadCharge(tx, chargeId);
    return toOutput(charge, installment, account.bank_code);
  });
}

async function loadCharge(tx: Tx, chargeId: string) {
  const charge = await tx.db.selectFrom('charges').selectAll().where('id', '=', chargeId).executeTakeFirst();
  if (!charge) throw notFound('Cobrança');
  const installment = charge.installment_id ? await tx.db.selectFrom('installments').selectAll().where('id', '=', charge.installment_id).executeTakeFirst() : undefined;
  const account = await tx.db.selectFrom('collection_accounts').selectAll().where('id', '=', charge.account_id).executeTakeFirstOrThrow();
  return { charge, installment, account };
}

/** The boleto's slip (PDF, FEBRABAN layout with the ITF barcode). Shows the payer's name and document: the read is audited. */
export async function renderChargeBoleto(db: Database, actor: Actor, chargeId: string, today: IsoDate, route?: string): Promise<{ fileName: string; pdf: Buffer }> {
  return db.scoped(scopeOf(actor), async (tx) => {
    const { charge, installment, account } = await loadCharge(tx, chargeId);
    if (charge.kind !== 'boleto' || !charge.barcode || !charge.line || !charge.nosso_numero) throw new AppError('validation', 'Esta cobrança não é um boleto.', { field: 'chargeId' });
    const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', charge.creditor_id).executeTakeFirstOrThrow();
    const debtor = await tx.db.selectFrom('debtors').select(['name', 'document']).where('id', '=', charge.debtor_id).executeTakeFirstOrThrow();
    const address = await postalAddressOf(tx, charge.debtor_id);
    const agreement = installment ? await tx.db.selectFrom('agreements').select('number').where('id', '=', installment.agreement_id).executeTakeFirst() : undefined;
    await recordAccess(tx, actor, { action: 'export', resource: 'boleto', subjectIds: [charge.debtor_id], ...(route ? { route } : {}), details: { chargeId } });
    const accountView = beneficiaryAccountOf(account);
    const documentNumber = agreement ? `${agreement.number}-${installment!.number}` : charge.id.slice(0, 8);
    const pdf = await renderBoletoPdf({
      boleto: {
        bankCode: account.bank_code, currency: '9', amount: charge.amount_cents, dueDate: charge.due_date, barcode: charge.barcode, line: charge.line, freeField: charge.barcode.slice(19),
        nossoNumero: { number: charge.nosso_numero, checkDigit: charge.nosso_numero_digit, printed: charge.nosso_numero_printed ?? charge.nosso_numero },
      },
      account: accountView,
      beneficiary: { name: creditor.legal_name, document: creditor.document, address: creditorAddress(creditor) },
      payer: { name: debtor.name, document: debtor.document, ...(address ? { address: addressLine(address) } : {}) },
      documentNumber,
      documentDate: localTime(charge.created_at, 'America/Sao_Paulo').date,
      processingDate: today,
      kind: 'DS',
      // No fine or interest at the bank: the agreement's plan already prices the time, and a late installment is
      // governed by the agreement's grace period and breach, not by charges the bank would add.
      instructions: [
        agreement ? `Parcela ${installment!.number} do acordo ${agreement.number}.` : 'Pagamento de título em cobrança.',
        `Não cobrar multa nem juros. Não receber após ${BOLETO_PAYABLE_DAYS} dias do vencimento (${formatDateBR(addDays(charge.due_date, BOLETO_PAYABLE_DAYS))}).`,
      ],
    });
    return { fileName: `boleto-${documentNumber}.pdf`, pdf };
  });
}

/** The PIX QR code of a charge, as PNG or SVG. */
export async function renderChargeQr(db: Database, actor: Actor, chargeId: string, format: 'png' | 'svg'): Promise<Buffer | string> {
  const payload = await db.scoped(scopeOf(actor), async (tx) => {
    const { charge } = await loadCharge(tx, chargeId);
    if (charge.kind !== 'pix' || !charge.pix_payload) throw new AppError('validation', 'Esta cobrança não é um PIX.', { field: 'chargeId' });
    return charge.pix_payload;
  });
  return format === 'png' ? pixQrPng(payload) : pixQrSvg(payload);
}

async function bankCodesOf(tx: Tx, rows: Array<{ account_id: string }>): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.account_id))];
  if (ids.length === 0) return new Map();
  const accounts = await tx.db.selectFrom('collection_accounts').select(['id', 'bank_code']).where('id', 'in', ids).execute();
  return new Map(accounts.map((a) => [a.id, a.bank_code]));
}

function toOutput(row: Charge, installment: Pick<Installment, 'agreement_id' | 'number'> | undefined, bankCode?: string): ChargeOutput {
  return {
    id: row.id, debtorId: row.debtor_id, kind: row.kind, installmentId: row.installment_id, agreementId: installment?.agreement_id ?? null, installmentNumber: installment?.number ?? null,
    amountCents: row.amount_cents, dueDate: row.due_date, status: row.status, paidCents: row.paid_cents, paidOn: row.paid_on,
    bankCode: row.kind === 'boleto' ? (bankCode ?? row.barcode?.slice(0, 3) ?? null) : null,
    nossoNumero: row.nosso_numero, nossoNumeroPrinted: row.nosso_numero_printed,
    barcode: row.barcode, line: row.line, registration: row.registration, txid: row.txid, pixCopiaECola: row.pix_payload, pixLocation: row.pix_location,
  };
}

export const chargeParams = z.object({ chargeId: zUuid });
