import { createHash } from 'node:crypto';
import { buildRemessa240, MAX_TITLES, type RemessaTitle } from '../../brazil/cnab/index.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { postalAddressOf } from '../debtors/normalize-contact.ts';

/**
 * The remessa (CNAB 240) that registers the account's pending boletos at the bank — a boleto is
 * payable only once registered (Febraban "boleto registrado", 2017). Each file takes the
 * account's next file sequence; the charges it carries are marked sent, and the bank's return
 * file confirms (02) or rejects (03) each one. A boleto whose payer has no address cannot be
 * registered: it is left pending and reported.
 */
export interface RemessaResult {
  id: string;
  fileName: string;
  content: string;
  charges: number;
  skipped: Array<{ chargeId: string; reason: string }>;
}

export async function generateRemessa(db: Database, actor: Actor, accountId: string, now: Date = new Date()): Promise<RemessaResult> {
  requirePermission(actor, 'payments.reconcile');
  return db.scoped(scopeOf(actor), async (tx) => {
    const account = await tx.db.selectFrom('collection_accounts').selectAll().where('id', '=', accountId).forUpdate().executeTakeFirst();
    if (!account) throw notFound('Conta de cobrança');
    const creditor = await tx.db.selectFrom('creditors').select(['legal_name', 'document']).where('id', '=', account.creditor_id).executeTakeFirstOrThrow();
    const pending = await tx.db.selectFrom('charges').selectAll().where('account_id', '=', accountId).where('registration', '=', 'pending').where('status', '=', 'open').orderBy('created_at').limit(MAX_TITLES).execute(); // the rest go in the next file
    const titles: RemessaTitle[] = [];
    const included: string[] = [];
    const skipped: RemessaResult['skipped'] = [];
    for (const charge of pending) {
      const debtor = await tx.db.selectFrom('debtors').select(['name', 'document']).where('id', '=', charge.debtor_id).executeTakeFirstOrThrow();
      const address = await postalAddressOf(tx, charge.debtor_id);
      if (!address) {
        skipped.push({ chargeId: charge.id, reason: 'pagador sem endereço: o banco recusa o registro' });
        continue;
      }
      const installment = charge.installment_id ? await tx.db.selectFrom('installments').select(['number', 'agreement_id']).where('id', '=', charge.installment_id).executeTakeFirst() : undefined;
      const agreement = installment ? await tx.db.selectFrom('agreements').select('number').where('id', '=', installment.agreement_id).executeTakeFirst() : undefined;
      titles.push({
        nossoNumero: charge.nosso_numero!,
        nossoNumeroDigit: charge.nosso_numero_digit,
        documentNumber: agreement && installment ? `${agreement.number}-${installment.number}`.slice(-15) : charge.id.slice(0, 15),
        // The bank refuses a due date before the issue date: a slip issued for an installment
        // already due goes out as issued on its due date, rather than stopping the whole file.
        issueDate: minDate(localTime(charge.created_at, 'America/Sao_Paulo').date, charge.due_date),
        dueDate: charge.due_date,
        amount: charge.amount_cents,
        kind: '04', // DS, duplicata de serviço: what agencies register for agreement installments
        // No interest and no fine at the bank (see the slip's instructions in charges.ts).
        interestPerDay: 0,
        payer: { name: debtor.name, document: debtor.document, street: `${address.street}, ${address.number ?? 's/n'}${address.complement ? ` ${address.complement}` : ''}`, district: address.district ?? '', postalCode: address.cep, city: address.city, uf: address.uf },
      });
      included.push(charge.id);
    }
    if (titles.length === 0) throw new AppError('conflict', skipped.length ? `Nenhum boleto pode ser registrado: ${skipped.length} sem endereço do pagador.` : 'Nenhum boleto pendente de registro nesta conta.');
    if (account.bank_code === '033' && !account.transmission_code) throw new AppError('conflict', 'Santander: cadastre o código de transmissão da conta (informado pelo banco) antes da remessa.', { field: 'transmissionCode' });
    const fileSequence = account.next_file_sequence;
    const local = localTime(now, 'America/Sao_Paulo'); // the bank reads the header's date and time as Brasília's
    const content = buildRemessa240({
      account: { bankCode: account.bank_code, agency: account.agency, agencyDigit: account.agency_digit ?? undefined, account: account.account, accountDigit: account.account_digit ?? undefined, wallet: account.wallet, agreement: (account.bank_code === '033' ? account.transmission_code : account.agreement) ?? undefined },
      beneficiary: { name: creditor.legal_name, document: creditor.document },
      fileSequence,
      generatedAt: `${local.date}T${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`,
      titles,
    });
    const file = await tx.db
      .insertInto('remessa_files')
      .values({ tenant_id: account.tenant_id, account_id: account.id, file_sequence: fileSequence, charges: titles.length, content, sha256: createHash('sha256').update(content).digest('hex'), created_by: actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.db.updateTable('charges').set({ registration: 'sent', remessa_id: file.id }).where('id', 'in', included).execute();
    await tx.db.updateTable('collection_accounts').set({ next_file_sequence: fileSequence + 1 }).where('id', '=', account.id).execute();
    // The file carries the payers' names, documents and addresses to the bank.
    await recordAccess(tx, actor, { action: 'export', resource: 'remessa', subjectIds: pending.filter((c) => included.includes(c.id)).map((c) => c.debtor_id), details: { remessaId: file.id, charges: titles.length } });
    const day = local.date;
    return { id: file.id, fileName: `CB${day.slice(8, 10)}${day.slice(5, 7)}${String(fileSequence).padStart(4, '0')}.REM`, content, charges: titles.length, skipped };
  });
}

const minDate = (a: string, b: string): string => (a < b ? a : b);
