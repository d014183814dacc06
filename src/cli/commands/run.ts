import cliProgress from 'cli-progress';
import { isIsoDate } from '../../domain/dates.ts';
import { bureauFromConfig } from '../../features/escalation/escalation-run.ts';
import { runDaily } from '../../features/dunning/daily-run.ts';
import { today, withDatabase } from '../context.ts';
import { ExitError, printJson } from '../output.ts';

const LABELS: Record<string, string> = { planned: 'planejadas', blocked: 'bloqueadas por regra', skipped: 'puladas por condição', stopped: 'interrompidas' };

export async function runCommand(options: { asOf?: string; json?: boolean; chunk?: string }) {
  const asOf = options.asOf ?? today();
  if (!isIsoDate(asOf)) throw new ExitError(`--as-of inválido: "${asOf}" (use AAAA-MM-DD)`);
  const bar =
    process.stderr.isTTY && !options.json
      ? new cliProgress.SingleBar({ format: 'régua [{bar}] {percentage}% | {value}/{total} títulos', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
      : null;
  let started = false;
  const summary = await withDatabase('run', (db, config) =>
    runDaily(db, {
      asOf,
      bureau: bureauFromConfig(config),
      bureauName: config.BUREAU_NAME,
      ...(options.chunk ? { chunkSize: Number(options.chunk) } : {}),
      ...(bar
        ? {
            onProgress: (done: number, total: number) => {
              if (!started) {
                bar.start(total, 0);
                started = true;
              }
              bar.update(done);
            },
          }
        : {}),
    }),
  );
  bar?.stop();
  if (options.json) return printJson(summary);
  process.stdout.write(`Régua de cobrança em ${asOf.split('-').reverse().join('/')}${summary.resumed ? ' (retomada de uma execução interrompida)' : ''}\n`);
  process.stdout.write(`  ${summary.tenants} assessoria(s), ${summary.debtsSeen} títulos com passos da régua no período\n`);
  const f = summary.followUp;
  if (f.expired + f.broken + f.promisesKept + f.promisesBroken > 0) {
    process.stdout.write(`  acordos: ${f.broken} rompido(s), ${f.expired} proposta(s) expirada(s); promessas: ${f.promisesKept} cumprida(s), ${f.promisesBroken} quebrada(s)\n`);
  }
  const s = summary.scoring;
  const bands = Object.entries(s.byBand).sort().map(([band, n]) => `${band} ${n}`).join(', ');
  process.stdout.write(`  score: ${s.scored} devedor(es) em atraso pontuado(s)${bands ? ` (faixas: ${bands})` : ''}, ${s.changed} mudança(s)${s.enrolled ? `, ${s.enrolled} em experimentos` : ''}\n`);
  const d = summary.distribution;
  if (d.assigned + d.closed + d.unassigned > 0) process.stdout.write(`  distribuição: ${d.assigned} caso(s) novo(s) para operadores, ${d.closed} encerrado(s)${d.unassigned ? `, ${d.unassigned} sem operador disponível` : ''}\n`);
  const e = summary.escalation;
  if (e && e.listingsRequested + e.protestCandidates + e.blocked + e.listings.removalsRequested + e.listings.activated + e.listings.sent + e.protests.settled > 0) {
    process.stdout.write(`  negativações: ${e.listingsRequested} pedida(s), ${e.listings.sent} enviada(s) ao birô, ${e.listings.activated} confirmada(s), ${e.listings.removalsRequested} baixa(s) pedida(s)${e.listings.alerts ? `, ${e.listings.alerts} ALERTA(S) de baixa pendente` : ''}; protestos: ${e.protestCandidates} candidato(s), ${e.protests.settled} quitado(s); ${e.blocked} passo(s) bloqueado(s) por regra\n`);
  }
  for (const [status, n] of Object.entries(summary.byStatus).sort()) process.stdout.write(`  ${n} ${LABELS[status] ?? status}\n`);
  process.stdout.write(`${summary.newActions} new actions\n`);
}
