import { pixWebhookSchema, valorToCents } from '../../brazil/pix/index.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { webhookTokenHash } from './collection-accounts.ts';
import { queueNotice, reconcile, type ReconcileStatus } from './reconciliation.ts';

/**
 * The PIX webhook in the Banco Central's format (API Pix, "Webhook": POST <registered url>/pix
 * with `{ "pix": [ { endToEndId, txid, valor, horario, … } ] }`). The registered URL carries
 * the account's secret token, kept only as a hash; the BCB asks for mutual TLS in front of it,
 * which the reverse proxy provides (docs/operations.md). Each PIX is reconciled by its txid and
 * identified by its end-to-end id: the PSP may post the same notice many times.
 */
export interface PixWebhookResult {
  received: number;
  outcomes: Array<{ endToEndId: string; status: ReconcileStatus; reason: string | null }>;
}

export async function receivePixWebhook(db: Database, token: string, body: unknown): Promise<PixWebhookResult> {
  const account = await db.system(async (tx) =>
    tx.db.selectFrom('collection_accounts').select(['tenant_id', 'id']).where('webhook_token_sha256', '=', webhookTokenHash(token)).executeTakeFirst(),
  );
  if (!account) throw new AppError('unauthenticated', 'Endereço de webhook desconhecido.');
  const parsed = pixWebhookSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('validation', `Notificação PIX inválida em ${issue.path.join('.') || 'corpo'}: ${issue.message}`, { field: issue.path.join('.') || 'pix' });
  }
  const pixes = parsed.data.pix;
  // Every amount is checked before anything is written: a bad entry refuses the notice whole, and the PSP retries it.
  const notices = pixes.map((p, i) => {
    let amountCents: number;
    try {
      amountCents = valorToCents(p.valor);
    } catch {
      throw new AppError('validation', `pix[${i}].valor inválido: ${p.valor}`, { field: `pix[${i}].valor` });
    }
    if (amountCents <= 0) throw new AppError('validation', `pix[${i}].valor deve ser positivo`, { field: `pix[${i}].valor` });
    const refunds = (p.devolucoes ?? []).filter((d) => d.status === 'DEVOLVIDO').map((d) => ({ id: d.id, amountCents: valorToCents(d.valor), on: localTime(new Date(d.horario.liquidacao ?? d.horario.solicitacao ?? p.horario), 'America/Sao_Paulo').date }));
    return { endToEndId: p.endToEndId, txid: p.txid ?? null, amountCents, paidOn: localTime(new Date(p.horario), 'America/Sao_Paulo').date, refunds };
  });
  return db.scoped({ tenantId: account.tenant_id }, async (tx) => {
    const outcomes: PixWebhookResult['outcomes'] = [];
    for (const n of notices) {
      const outcome = await reconcile(tx, { source: 'pix_webhook', externalId: n.endToEndId, method: 'pix', txid: n.txid, amountCents: n.amountCents, paidOn: n.paidOn, accountIds: [account.id] });
      outcomes.push({ endToEndId: n.endToEndId, status: outcome.status, reason: outcome.reason });
      // A refund (devolução) of a PIX already applied: the money went back, the payment must be reversed by a person.
      for (const refund of n.refunds) {
        await queueNotice(tx, { source: 'pix_webhook', externalId: `${n.endToEndId}/devolucao/${refund.id}`, method: 'pix', txid: n.txid, amountCents: refund.amountCents, paidOn: refund.on }, `Devolução do PIX ${n.endToEndId} (${refund.id}): estorne o pagamento aplicado.`);
      }
    }
    return { received: notices.length, outcomes };
  });
}
