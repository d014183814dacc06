import fs from 'node:fs';
import path from 'node:path';
import { formatBRL } from '../../domain/money.ts';
import { importReturnFile } from '../../features/payments/payment-files.ts';
import { AppError } from '../../shared/errors.ts';
import { withDatabase } from '../context.ts';
import { EXIT, ExitError, printJson } from '../output.ts';

const STATUS: Record<string, string> = { applied: 'aplicado', replayed: 'já constava', unmatched: 'sem cobrança: fila de conciliação', unmatched_replayed: 'já na fila', registered: 'registro confirmado', rejected: 'registro recusado', ignored: 'informativo' };

/** `recupera payments import FILE`: a bank's return file reconciled; exit 1 when something waits for an analyst. */
export async function paymentsImportCommand(file: string, options: { tenant?: string; json?: boolean }) {
  if (!fs.existsSync(file)) throw new AppError('validation', `Arquivo ${file} não encontrado.`);
  const content = fs.readFileSync(file);
  const summary = await withDatabase('payments import', async (db) => {
    const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string; slug: string }>('select id, slug from tenants order by slug')).rows);
    const tenant = options.tenant ? tenants.find((t) => t.slug === options.tenant) : tenants.length === 1 ? tenants[0] : undefined;
    if (!tenant) throw new ExitError(options.tenant ? `assessoria ${options.tenant} não encontrada` : `informe --tenant (${tenants.map((t) => t.slug).join(', ') || 'nenhuma assessoria cadastrada'})`);
    return importReturnFile(db, { tenantId: tenant.id }, null, { fileName: path.basename(file), content });
  });
  if (options.json) printJson(summary);
  else {
    process.stdout.write(`Retorno ${summary.layout.toUpperCase()} do banco ${summary.bankCode} (${summary.bankName})${summary.replayed ? ' — arquivo já importado: nada mudou' : ''}\n`);
    for (const l of summary.lines) process.stdout.write(`  linha ${l.line}: nosso número ${l.nossoNumero}, ocorrência ${l.occurrence} (${l.occurrenceText}), ${formatBRL(l.amountPaidCents)} — ${STATUS[l.status] ?? l.status}${l.reason ? ` (${l.reason})` : ''}\n`);
    process.stdout.write(`${summary.applied} aplicado(s), ${summary.alreadyApplied} já constava(m), ${summary.unmatched} na fila de conciliação, ${summary.registered} registro(s) confirmado(s), ${summary.ignored} informativo(s); recebido ${formatBRL(summary.paidCents)}\n`);
  }
  return summary.unmatched > 0 ? EXIT.partial : EXIT.ok;
}
