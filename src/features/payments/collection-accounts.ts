import { createHash, randomBytes } from 'node:crypto';
import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { CollectionAccount } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { validateAccount } from '../../brazil/boleto/index.ts';

/** Where a creditor receives: a bank account with its boleto agreement and a PIX key. */
export const collectionAccountInput = z.object({
  creditorId: zUuid,
  name: z.string().trim().min(1).max(120),
  bankCode: z.enum(['001', '033', '104', '237', '341', '756']).describe('001 BB, 033 Santander, 104 Caixa, 237 Bradesco, 341 Itaú, 756 Sicoob'),
  agency: z.string().trim().regex(/^\d{1,5}$/, 'agência: só dígitos'),
  agencyDigit: z.string().trim().max(1).optional(),
  account: z.string().trim().regex(/^\d{1,12}$/, 'conta: só dígitos'),
  accountDigit: z.string().trim().max(2).optional(),
  wallet: z.string().trim().regex(/^\d{1,3}$/, 'carteira: só dígitos'),
  agreement: z.string().trim().regex(/^\d{1,20}$/, 'convênio / código do beneficiário: só dígitos').optional(),
  transmissionCode: z.string().trim().regex(/^\d{1,15}$/, 'código de transmissão: até 15 dígitos').optional().describe('Santander: o código de transmissão da remessa, informado pelo banco'),
  pixKey: z.string().trim().min(1).max(77).optional(),
  nextSequence: z.number().int().min(1).max(9_999_999_999).default(1).describe('Próximo nosso número: para um convênio que já emitiu boletos por outro sistema, continue depois do último'),
});

export const collectionAccountOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  name: z.string(),
  bankCode: z.string(),
  agency: z.string(),
  agencyDigit: z.string().nullable(),
  account: z.string(),
  accountDigit: z.string().nullable(),
  wallet: z.string(),
  agreement: z.string().nullable(),
  transmissionCode: z.string().nullable(),
  pixKey: z.string().nullable(),
  nextSequence: z.number().int(),
  /** Shown once, when the account is created: the PSP's webhook address ends with it. */
  pixWebhookPath: z.string().optional().describe('Registre no PSP a URL pública + este caminho (mostrado só na criação)'),
});

export const webhookTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createCollectionAccount(db: Database, actor: Actor, input: z.infer<typeof collectionAccountInput>) {
  requirePermission(actor, 'accounts.write');
  const beneficiary = { bankCode: input.bankCode, agency: input.agency, agencyDigit: input.agencyDigit, account: input.account, accountDigit: input.accountDigit, wallet: input.wallet, agreement: input.agreement };
  validateAccount(beneficiary); // the bank's own lengths: refused now rather than at the first boleto
  const token = randomBytes(24).toString('base64url');
  return db.scoped(scopeOf(actor), async (tx) => {
    const creditor = await tx.db.selectFrom('creditors').select('id').where('id', '=', input.creditorId).executeTakeFirst();
    if (!creditor) throw notFound('Credor');
    const same = await tx.db.selectFrom('collection_accounts').select('id').where('bank_code', '=', input.bankCode).where('agency', '=', input.agency).where('account', '=', input.account).where('wallet', '=', input.wallet).where((eb) => (input.agreement ? eb('agreement', '=', input.agreement) : eb('agreement', 'is', null))).executeTakeFirst();
    if (same) throw new AppError('conflict', 'Esta conta e convênio já estão cadastrados: dois cadastros emitiriam os mesmos nossos números.', { field: 'account' });
    const hasDefault = await tx.db.selectFrom('collection_accounts').select('id').where('creditor_id', '=', input.creditorId).where('is_default', '=', true).executeTakeFirst();
    const row = await tx.db
      .insertInto('collection_accounts')
      .values({
        tenant_id: actor.tenantId, creditor_id: input.creditorId, name: input.name, bank_code: input.bankCode, agency: input.agency, agency_digit: input.agencyDigit ?? null,
        account: input.account, account_digit: input.accountDigit ?? null, wallet: input.wallet, agreement: input.agreement ?? null, transmission_code: input.transmissionCode ?? null, pix_key: input.pixKey ?? null,
        next_sequence: input.nextSequence, webhook_token_sha256: webhookTokenHash(token), is_default: !hasDefault,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toOutput(row), pixWebhookPath: `/api/webhooks/pix/${token}` };
  });
}

/** A new secret path for the PSP's webhook (the old one stops working at once). Shown once. */
export async function rotateWebhookToken(db: Database, actor: Actor, accountId: string): Promise<{ pixWebhookPath: string }> {
  requirePermission(actor, 'accounts.write');
  const token = randomBytes(24).toString('base64url');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.updateTable('collection_accounts').set({ webhook_token_sha256: webhookTokenHash(token) }).where('id', '=', accountId).returning('id').executeTakeFirst();
    if (!row) throw notFound('Conta de cobrança');
    return { pixWebhookPath: `/api/webhooks/pix/${token}` };
  });
}

export async function listCollectionAccounts(db: Database, actor: Actor, creditorId?: string) {
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('collection_accounts').selectAll().orderBy('created_at');
    if (creditorId) q = q.where('creditor_id', '=', creditorId);
    return (await q.execute()).map(toOutput);
  });
}

/** The creditor's default account, locked when a nosso número is to be drawn from it. */
export async function defaultAccountOf(tx: Tx, creditorId: string): Promise<CollectionAccount> {
  const row = await tx.db.selectFrom('collection_accounts').selectAll().where('creditor_id', '=', creditorId).where('is_default', '=', true).executeTakeFirst();
  if (!row) throw new AppError('conflict', 'O credor não tem conta de cobrança cadastrada (POST /api/collection-accounts).', { field: 'creditorId' });
  return row;
}

/** The boleto module's view of an account. */
export function beneficiaryAccountOf(row: CollectionAccount) {
  return validateAccount({
    bankCode: row.bank_code, agency: row.agency, agencyDigit: row.agency_digit ?? undefined, account: row.account, accountDigit: row.account_digit ?? undefined,
    wallet: row.wallet, agreement: row.agreement ?? undefined,
  });
}

function toOutput(row: CollectionAccount): z.infer<typeof collectionAccountOutput> {
  return {
    id: row.id, creditorId: row.creditor_id, name: row.name, bankCode: row.bank_code, agency: row.agency, agencyDigit: row.agency_digit, account: row.account,
    accountDigit: row.account_digit, wallet: row.wallet, agreement: row.agreement, transmissionCode: row.transmission_code, pixKey: row.pix_key,
    nextSequence: Number(row.next_sequence),
  };
}
