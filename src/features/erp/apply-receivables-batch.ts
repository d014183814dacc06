import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Decimal } from '../../domain/decimal.ts';
import { creditorByRef } from '../creditors/creditors.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { AppError, type FieldProblem } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Debt } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { planRemovalsOfSettledDebts } from '../escalation/listings.ts';
import type { FieldName } from '../imports/columns.ts';
import { runImport } from '../imports/run-import.ts';
import { recordOf, validateRow, type ImportRow } from '../imports/validate-row.ts';
import {
  canonicalJson, FIELD_PATHS, importFieldsOf, SETTLE_REASONS, type ReceivablesBatchInput, type SettleOperation, type UpsertOperation,
} from './receivable-operations.ts';

export type OperationResult = 'created' | 'updated' | 'unchanged' | 'settled' | 'already_closed';

export interface ReceivablesBatchResponse {
  batchId: string;
  idempotencyKey: string;
  createdAt: string;
  counts: Record<OperationResult, number>;
  importIds: string[];
  results: Array<{ index: number; op: 'upsert' | 'settle'; externalId: string; creditorId: string; debtId: string; result: OperationResult; status: string }>;
}

export interface BatchOutcome {
  replayed: boolean;
  statusCode: number;
  response: ReceivablesBatchResponse;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Changing these would change what the debtor owes: refused while the debt is bound by an agreement or paid through us. */
type StoredDebt = Debt & { debtor_document: string; agreement_number: string | null };

const MONEY_FIELDS: Array<{ label: string; differs: (d: StoredDebt, r: ImportRow, portfolioId: string) => boolean }> = [
  { label: 'valor', differs: (d, r) => d.original_amount_cents !== r.debt.originalAmountCents },
  { label: 'vencimento', differs: (d, r) => d.due_date !== r.debt.dueDate },
  { label: 'emissão', differs: (d, r) => d.issue_date !== r.debt.issueDate },
  { label: 'parcela', differs: (d, r) => d.installment_number !== r.debt.installmentNumber || d.installment_count !== r.debt.installmentCount },
  { label: 'índice de correção', differs: (d, r) => d.correction_index !== r.debt.correctionIndex },
  { label: 'juros', differs: (d, r) => !sameRate(d.interest_rate, r.debt.interestRate) || (d.interest_kind ?? null) !== r.debt.interestKind },
  { label: 'multa', differs: (d, r) => !sameRate(d.fine_rate, r.debt.fineRate) },
  { label: 'honorários', differs: (d, r) => !sameRate(d.fees_rate, r.debt.feesRate) },
  { label: 'relação (consumo ou empresarial)', differs: (d, r) => d.relationship !== r.debt.relationship },
  { label: 'devedor (CPF/CNPJ)', differs: (d, r) => d.debtor_document !== r.debtor.document },
  { label: 'carteira', differs: (d, _r, portfolioId) => d.portfolio_id !== portfolioId },
];

function sameRate(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return new Decimal(a).equals(new Decimal(b));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Applies a batch of receivable operations from an ERP, all or nothing, exactly once per
 * Idempotency-Key. Every item is checked before anything is written — the fields by the
 * importer's own validation, then the state (a debt in an active agreement keeps its terms) —
 * and every problem is reported with its item index and field. Upserts are written by the
 * importer (one import per creditor and portfolio, in this transaction), settlements close the
 * debt, stop its planned dunning and plan the removal of its credit-bureau listings (Súmula 548).
 */
export async function applyReceivablesBatch(
  db: Database,
  actor: Actor,
  input: { idempotencyKey: string | undefined; body: ReceivablesBatchInput; today: IsoDate },
): Promise<BatchOutcome> {
  requirePermission(actor, 'erp.sync');
  const key = input.idempotencyKey?.trim();
  if (!key) throw new AppError('validation', 'Cabeçalho Idempotency-Key obrigatório: um identificador único do lote (por exemplo, um UUID), reenviado igual em caso de nova tentativa.', { field: 'Idempotency-Key' });
  if (!KEY.test(key)) throw new AppError('validation', 'Idempotency-Key deve ter de 1 a 200 caracteres ASCII visíveis.', { field: 'Idempotency-Key' });
  const requestSha256 = sha256(canonicalJson(input.body));

  return db.scoped(scopeOf(actor), async (tx) => {
    // Claimed first: a concurrent request with the same key waits here until this one commits or rolls back.
    const claimed = await tx.db
      .insertInto('erp_batches')
      .values({ tenant_id: actor.tenantId, idempotency_key: key, request_sha256: requestSha256, status_code: 0, response: '{}', operations: input.body.operations.length, created_by: actor.userId })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
      .returning(['id', 'created_at'])
      .executeTakeFirst();
    if (!claimed) {
      const stored = await tx.db.selectFrom('erp_batches').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      if (stored.request_sha256 !== requestSha256) {
        throw new AppError('conflict', `A Idempotency-Key ${key} já foi usada em ${stored.created_at.toISOString()} com outro conteúdo; use uma chave nova para um lote diferente.`, { field: 'Idempotency-Key' });
      }
      return { replayed: true, statusCode: stored.status_code, response: stored.response as ReceivablesBatchResponse };
    }

    const plan = await planBatch(tx, input.body, input.today);
    if (plan.problems.length) {
      const validation = plan.problems.some((p) => p.kind === 'validation');
      const problems: FieldProblem[] = plan.problems.map((p) => ({ field: p.field, message: p.message }));
      throw new AppError(
        validation ? 'validation' : 'conflict',
        `Lote recusado por inteiro: ${problems.length} problema(s) em ${new Set(plan.problems.map((p) => p.index)).size} operação(ões); nada foi gravado. Primeiro: ${problems[0]!.field}: ${problems[0]!.message}`,
        { field: problems[0]!.field, problems },
      );
    }

    const importIds: string[] = [];
    const scope = { ...scopeOf(actor) };
    for (const group of plan.groups.values()) {
      const lines = group.items.map((item) => JSON.stringify(importFieldsOf(item.op))).join('\n') + '\n';
      const report = await runImport({
        db, tx, scope, creditorId: group.creditorId, portfolioId: group.portfolioId,
        fileName: `erp-lote ${key}`.slice(0, 255), input: Readable.from([Buffer.from(lines)]),
        reader: { format: 'jsonl', decimal: 'point' }, allOrNothing: true, asOf: input.today, via: 'erp',
      });
      // Every row was validated above with the same function: a rejection here is a bug, not bad input.
      if (report.status !== 'completed' || report.rejectedRows > 0) throw new AppError('internal', `A importação do lote rejeitou linhas já validadas (${report.errors[0]?.reason ?? report.message ?? report.status}).`);
      importIds.push(report.importId);
      group.importId = report.importId;
    }

    const results: ReceivablesBatchResponse['results'] = [];
    const settledIds: string[] = [];
    for (const item of plan.items) {
      if (item.op.op === 'settle') {
        const outcome = await settleDebt(tx, actor, item.existing!, item.op, key);
        if (outcome === 'settled') settledIds.push(item.existing!.id);
        results.push({ index: item.index, op: 'settle', externalId: item.op.externalId, creditorId: item.creditorId, debtId: item.existing!.id, result: outcome, status: outcome === 'settled' ? SETTLE_REASONS[item.op.reason].status : item.existing!.status });
      }
    }
    if (settledIds.length) await planRemovalsOfSettledDebts(tx, undefined, settledIds);

    for (const group of plan.groups.values()) {
      const rows = await tx.db
        .selectFrom('debts')
        .select(['id', 'external_id', 'import_id', 'status'])
        .where('creditor_id', '=', group.creditorId)
        .where('external_id', 'in', group.items.map((i) => i.op.externalId))
        .execute();
      const byExternalId = new Map(rows.map((r) => [r.external_id, r]));
      for (const item of group.items) {
        const row = byExternalId.get(item.op.externalId)!;
        const result: OperationResult = !item.existing ? 'created' : row.import_id === group.importId ? 'updated' : 'unchanged';
        results.push({ index: item.index, op: 'upsert', externalId: item.op.externalId, creditorId: group.creditorId, debtId: row.id, result, status: row.status });
      }
    }
    results.sort((a, b) => a.index - b.index);

    const counts: Record<OperationResult, number> = { created: 0, updated: 0, unchanged: 0, settled: 0, already_closed: 0 };
    for (const r of results) counts[r.result]++;
    const response: ReceivablesBatchResponse = { batchId: claimed.id, idempotencyKey: key, createdAt: claimed.created_at.toISOString(), counts, importIds, results };
    await tx.db.updateTable('erp_batches').set({ status_code: 200, response: JSON.stringify(response) }).where('id', '=', claimed.id).execute();
    return { replayed: false, statusCode: 200, response };
  });
}

interface PlannedItem {
  index: number;
  op: UpsertOperation | SettleOperation;
  creditorId: string;
  existing: StoredDebt | null;
}

interface ImportGroup {
  creditorId: string;
  portfolioId: string;
  importId: string | null;
  items: Array<PlannedItem & { op: UpsertOperation }>;
}

interface BatchProblem {
  index: number;
  kind: 'validation' | 'state';
  field: string;
  message: string;
}

/** Resolves creditors and portfolios, validates every item and checks it against the stored debt; writes nothing. */
async function planBatch(tx: Tx, body: ReceivablesBatchInput, today: IsoDate) {
  const problems: BatchProblem[] = [];
  const problem = (index: number, kind: BatchProblem['kind'], path: string, message: string) => problems.push({ index, kind, field: `operations[${index}]${path ? '.' + path : ''}`, message });

  const creditors = new Map<string, { id: string; business_kind: 'consumer' | 'b2b' } | null>();
  const creditorOf = async (ref: string) => {
    if (!creditors.has(ref)) {
      const rows = await creditorByRef(tx.db, ref).select(['id', 'business_kind']).execute();
      creditors.set(ref, rows.length === 1 ? rows[0]! : null);
    }
    return creditors.get(ref)!;
  };
  const portfolios = new Map<string, Array<{ id: string; name: string }>>();
  const portfoliosOf = async (creditorId: string) => {
    if (!portfolios.has(creditorId)) portfolios.set(creditorId, await tx.db.selectFrom('portfolios').select(['id', 'name']).where('creditor_id', '=', creditorId).execute());
    return portfolios.get(creditorId)!;
  };

  const items: PlannedItem[] = [];
  const rowsByIndex = new Map<number, ImportRow>();
  const seen = new Map<string, number>();
  for (const [index, op] of body.operations.entries()) {
    const ref = op.creditor ?? body.creditor;
    if (!ref) {
      problem(index, 'validation', 'creditor', 'credor não informado (na operação ou no lote)');
      continue;
    }
    const creditor = await creditorOf(ref);
    if (!creditor) {
      problem(index, 'validation', op.creditor ? 'creditor' : '', 'credor não encontrado nesta assessoria');
      continue;
    }
    const externalId = op.externalId.trim();
    const dupKey = `${creditor.id}\u0000${externalId}`;
    if (seen.has(dupKey)) {
      problem(index, 'validation', 'externalId', `id do título repetido no lote (também na operação ${seen.get(dupKey)})`);
      continue;
    }
    seen.set(dupKey, index);
    if (op.op === 'upsert') {
      if (op.amount !== undefined && op.amountCents !== undefined) {
        problem(index, 'validation', 'amount', 'informe amountCents ou amount, não os dois');
        continue;
      }
      const result = validateRow(recordOf(index + 1, importFieldsOf(op)), {
        decimal: 'point', defaultRelationship: creditor.business_kind, asOf: today, headerOf: (field: FieldName) => FIELD_PATHS[field],
      });
      if ('errors' in result) {
        for (const e of result.errors) problem(index, 'validation', e.field, e.reason);
        continue;
      }
      rowsByIndex.set(index, result.row);
    } else if (op.settledOn > today) {
      problem(index, 'validation', 'settledOn', 'data da baixa no futuro');
      continue;
    }
    items.push({ index, op: { ...op, externalId }, creditorId: creditor.id, existing: null });
  }

  // The stored debts, in one query.
  if (items.length) {
    const { rows } = await tx.sql.query<StoredDebt>(
      `select d.*, b.document as debtor_document,
              (select a.number from agreement_debts ad join agreements a on a.tenant_id = ad.tenant_id and a.id = ad.agreement_id
                where ad.debt_id = d.id and ad.binding and a.status in ('accepted', 'active') limit 1) as agreement_number
         from unnest($1::uuid[], $2::text[]) as k (creditor_id, external_id)
         join debts d on d.creditor_id = k.creditor_id and d.external_id = k.external_id
         join debtors b on b.tenant_id = d.tenant_id and b.id = d.debtor_id`,
      [items.map((i) => i.creditorId), items.map((i) => i.op.externalId)],
    );
    const stored = new Map(rows.map((r) => [`${r.creditor_id}\u0000${r.external_id}`, r]));
    for (const item of items) {
      const debt = stored.get(`${item.creditorId}\u0000${item.op.externalId}`) ?? null;
      item.existing = debt;
      const bound = debt && (debt.status === 'in_agreement' || debt.agreement_number !== null);
      const where = debt?.agreement_number ? ` (acordo ${debt.agreement_number})` : '';
      if (item.op.op === 'settle') {
        if (!debt) problem(item.index, 'state', 'externalId', 'título não encontrado para este credor');
        else if (bound) problem(item.index, 'state', 'externalId', `título em acordo ativo${where}: cancele o acordo ou registre o pagamento nele antes de baixá-lo pelo ERP`);
      }
    }
  }

  const groups = new Map<string, ImportGroup>();
  for (const item of items) {
    if (item.op.op !== 'upsert') continue;
    const op = item.op;
    const own = await portfoliosOf(item.creditorId);
    const ref = op.portfolio ?? body.portfolio;
    let portfolioId: string | undefined;
    if (ref) {
      portfolioId = own.find((p) => p.id === ref || p.name === ref)?.id;
      if (!portfolioId) {
        problem(item.index, 'validation', op.portfolio ? 'portfolio' : '', 'carteira não encontrada neste credor');
        continue;
      }
    } else {
      portfolioId = item.existing?.portfolio_id ?? (own.length === 1 ? own[0]!.id : undefined);
      if (!portfolioId) {
        problem(item.index, 'validation', 'portfolio', `carteira não informada e o credor tem ${own.length} carteiras`);
        continue;
      }
    }
    const debt = item.existing;
    const row = rowsByIndex.get(item.index)!;
    if (debt && (debt.status === 'in_agreement' || debt.status === 'paid' || debt.agreement_number)) {
      const changed = MONEY_FIELDS.filter((f) => f.differs(debt, row, portfolioId)).map((f) => f.label);
      if (changed.length) {
        const why = debt.status === 'paid' ? 'título já pago pela cobrança' : `título em acordo ativo${debt.agreement_number ? ` (acordo ${debt.agreement_number})` : ''}`;
        problem(item.index, 'state', '', `${why}: ${changed.join(', ')} não pode(m) mudar; contatos e nome podem ser atualizados`);
        continue;
      }
    }
    const groupKey = `${item.creditorId}/${portfolioId}`;
    if (!groups.has(groupKey)) groups.set(groupKey, { creditorId: item.creditorId, portfolioId, importId: null, items: [] });
    groups.get(groupKey)!.items.push(item as PlannedItem & { op: UpsertOperation });
  }
  problems.sort((a, b) => a.index - b.index);
  return { problems, items, groups };
}

/** Closes an open debt as the ERP says; an already closed one is left as it is. */
async function settleDebt(tx: Tx, actor: Actor, debt: Debt, op: SettleOperation, key: string): Promise<OperationResult> {
  const { status, label } = SETTLE_REASONS[op.reason];
  const updated = await tx.db
    .updateTable('debts')
    // The day the ERP says it was settled (noon in Brasília): the listing's removal deadline (Súmula 548) and the LGPD retention count from it.
    .set({ status, status_changed_at: new Date(`${op.settledOn}T15:00:00Z`), updated_at: new Date() })
    .where('id', '=', debt.id)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  if (!updated) return 'already_closed';
  await appendEvent(tx, actor, {
    debtorId: debt.debtor_id, creditorId: debt.creditor_id, debtId: debt.id, type: 'debt.settled_by_creditor',
    data: { externalId: debt.external_id, reason: label, erpReason: op.reason, settledOn: op.settledOn, via: 'erp', idempotencyKey: key, ...(op.note ? { note: op.note } : {}) },
  });
  // Dunning stops now, not at the next dispatch: what was planned for this debt will not go out.
  await tx.db
    .updateTable('actions')
    .set({ status: 'stopped', rule: 'paid', reason: `título ${label} (ERP)` })
    .where('debt_id', '=', debt.id)
    .where('status', '=', 'planned')
    .execute();
  return 'settled';
}
