import { isValidCnpj, isValidCpf } from '../../brazil/documents.ts';
import { updatedBalance } from '../../domain/balance/updated-balance.ts';
import { storedDebtKind, type DebtKind } from '../../domain/debt-kinds.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { EscalationCandidate } from '../../domain/escalation/listing.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import type { Tx } from '../../store/database.ts';
import type { Debt, Debtor, PostalAddress } from '../../store/schema.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { NEGOTIATION_BALANCE_POLICY } from '../negotiation/negotiation.ts';

/** A debt as listing and protest see it: the facts the eligibility rules read, and the parties' data a bureau or notary needs. */
export interface LoadedCandidate {
  debt: Debt;
  debtor: Debtor;
  address: PostalAddress | null;
  creditor: { legalName: string; document: string; address: string };
  kind: DebtKind;
  balanceCents: number;
  listingExpiry: IsoDate;
  candidate: EscalationCandidate & { kind: DebtKind; originalAmountCents: number };
}

export async function loadCandidates(tx: Tx, debtIds: readonly string[], asOf: IsoDate): Promise<Map<string, LoadedCandidate>> {
  const out = new Map<string, LoadedCandidate>();
  if (debtIds.length === 0) return out;
  const debts = await tx.db.selectFrom('debts').selectAll().where('id', 'in', [...debtIds]).execute();
  if (debts.length === 0) return out; // none visible in this scope
  const debtors = new Map((await tx.db.selectFrom('debtors').selectAll().where('id', 'in', [...new Set(debts.map((d) => d.debtor_id))]).execute()).map((d) => [d.id, d]));
  const creditors = new Map((await tx.db.selectFrom('creditors').selectAll().where('id', 'in', [...new Set(debts.map((d) => d.creditor_id))]).execute()).map((c) => [c.id, c]));
  const addresses = new Map<string, PostalAddress>();
  const addressRows = await tx.db
    .selectFrom('contact_points')
    .select(['debtor_id', 'address'])
    .where('debtor_id', 'in', [...debtors.keys()])
    .where('channel', '=', 'address')
    .where('invalid_at', 'is', null)
    .where('is_reference', '=', false)
    .orderBy('created_at')
    .execute();
  for (const r of addressRows) if (r.address && !addresses.has(r.debtor_id)) addresses.set(r.debtor_id, r.address);
  const credits = await creditsOf(tx, debts.map((d) => d.id));
  const indices = await indexSetOf(tx);
  for (const debt of debts) {
    const debtor = debtors.get(debt.debtor_id)!;
    const creditor = creditors.get(debt.creditor_id)!;
    const kind = storedDebtKind(debt.document_kind);
    const prescription = prescriptionOf({ kind, dueDate: debt.due_date, interruptedOn: debt.prescription_interrupted_on });
    let balanceCents = 0;
    if (debt.status === 'open' && debt.due_date < asOf) {
      try {
        balanceCents = updatedBalance(termsOf(debt), credits.get(debt.id) ?? [], asOf, indices, NEGOTIATION_BALANCE_POLICY).total;
      } catch {
        balanceCents = 0; // no series for the period: not liquid today, so not listed or protested
      }
    }
    const address = addresses.get(debt.debtor_id) ?? null;
    const creditorView = { legalName: creditor.legal_name, document: creditor.document, address: creditorAddress(creditor) };
    out.set(debt.id, {
      debt, debtor, address, creditor: creditorView, kind, balanceCents, listingExpiry: prescription.listingExpiry,
      candidate: {
        kind,
        originalAmountCents: debt.original_amount_cents,
        debt: { status: debt.status, dueDate: debt.due_date, disputed: !!debt.disputed_at, prescriptionDate: prescription.prescriptionDate, listingExpiry: prescription.listingExpiry, balanceCents },
        debtor: { documentValid: debtor.kind === 'pf' ? isValidCpf(debtor.document) : isValidCnpj(debtor.document), hasAddress: !!address, overIndebted: !!debtor.over_indebted_since },
        creditor: { document: creditor.document || null, address: creditorView.address || null },
      },
    });
  }
  return out;
}
