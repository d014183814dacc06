import { pullDueErpSources, pullErpSource, pullOptionsOf, type PullResult } from '../../features/erp/pull-erp-source.ts';
import { withDatabase } from '../context.ts';
import { EXIT, ExitError, printJson } from '../output.ts';

/** Pulls one ERP source now, or every source whose time has come (what `serve` does every minute). */
export async function erpPullCommand(options: { source?: string; json?: boolean }) {
  const results: PullResult[] = await withDatabase('erp pull', async (db, config) => {
    const pull = pullOptionsOf(config, new Date());
    return options.source ? [await pullErpSource(db, options.source, pull)] : pullDueErpSources(db, pull);
  });
  if (options.json) printJson(results);
  else if (results.length === 0) process.stdout.write('Nenhuma fonte com busca pendente.\n');
  else for (const r of results) process.stdout.write(`${r.sourceId}: ${r.outcome}${r.message ? ` — ${r.message}` : ''}\n`);
  if (results.some((r) => r.outcome === 'failed' || r.outcome === 'unreadable')) throw new ExitError('busca com falha', EXIT.failed);
  if (results.some((r) => r.outcome === 'rejected')) throw new ExitError('arquivo recusado (veja o relatório de erros da importação)', EXIT.partial);
}
