import fs from 'node:fs';
import path from 'node:path';
import { normalizeDocument } from '../../brazil/documents.ts';
import { buildDossier, dossierPdf } from '../../features/dunning/dossier.ts';
import { today, withDatabase } from '../context.ts';
import { ExitError } from '../output.ts';

/** `recupera dossier DEVEDOR`: the evidence dossier as JSON and PDF files, named by the debtor's id. */
export async function dossierCommand(debtor: string, options: { tenant?: string; out?: string; asOf?: string }) {
  const outDir = options.out ?? '.';
  const files = await withDatabase('dossier', async (db) => {
    const found = await db.system(async ({ db: q }) => {
      let query = q.selectFrom('debtors').innerJoin('tenants', 'tenants.id', 'debtors.tenant_id').select(['debtors.id', 'debtors.tenant_id', 'tenants.slug']);
      query = /^[0-9a-f-]{36}$/i.test(debtor) ? query.where('debtors.id', '=', debtor) : query.where('debtors.document', '=', normalizeDocument(debtor));
      if (options.tenant) query = query.where('tenants.slug', '=', options.tenant);
      return query.execute();
    });
    if (found.length === 0) throw new ExitError(`devedor ${debtor} não encontrado`);
    if (found.length > 1) throw new ExitError(`o documento ${debtor} existe em mais de uma assessoria; informe --tenant (${found.map((f) => f.slug).join(', ')})`);
    const { id, tenant_id: tenantId } = found[0]!;
    // The command line acts as the system: the export is audited with no user and this route.
    const actor = { userId: null as unknown as string, tenantId, role: 'auditor' as const, creditorId: null };
    const { dossier, json, sha256 } = await buildDossier(db, actor, id, options.asOf ?? today(), 'cli: recupera dossier');
    fs.mkdirSync(outDir, { recursive: true });
    const base = path.join(outDir, `dossie-${dossier.debtor.id}`);
    fs.writeFileSync(`${base}.json`, json);
    fs.writeFileSync(`${base}.pdf`, await dossierPdf(dossier, sha256));
    return { json: `${base}.json`, pdf: `${base}.pdf`, sha256, attempts: dossier.contactAttempts.length, debts: dossier.debts.length };
  });
  process.stdout.write(`${files.json}\n${files.pdf}\n${files.debts} títulos, ${files.attempts} tentativas de contato; SHA-256 do JSON ${files.sha256}\n`);
}
