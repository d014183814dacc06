import { isIsoDate } from '../../domain/dates.ts';
import { simulate } from '../../features/dunning/simulation.ts';
import { today } from '../context.ts';
import { ExitError, printJson } from '../output.ts';

const STATUS: Record<string, string> = { sent: 'enviadas', planned: 'planejadas (canal sem envio automático)', blocked: 'bloqueadas', skipped: 'puladas', stopped: 'interrompidas', failed: 'falharam', sending: 'em envio', unknown: 'resultado incerto' };

export async function simulateCommand(options: { days?: string; from?: string; out?: string; seed?: string; json?: boolean }) {
  const days = Number(options.days ?? 90);
  if (!Number.isInteger(days) || days < 1 || days > 730) throw new ExitError('--days deve ser um inteiro de 1 a 730');
  const from = options.from ?? today();
  if (!isIsoDate(from)) throw new ExitError(`--from inválido: "${from}" (use AAAA-MM-DD)`);
  const report = await simulate({
    days, from, out: options.out ?? 'simulacao', ...(options.seed ? { seed: options.seed } : {}),
    onDay: (day, i, sent) => {
      if (process.stderr.isTTY && !options.json) process.stderr.write(`\rdia ${i + 1}/${days} (${day}): ${sent} mensagens enviadas   `);
    },
  });
  if (process.stderr.isTTY && !options.json) process.stderr.write('\n');
  if (options.json) return printJson(report);
  process.stdout.write(`Simulação da régua de ${report.from.split('-').reverse().join('/')} a ${report.to.split('-').reverse().join('/')} (assessoria de demonstração)\n\n`);
  process.stdout.write(`${'passo'.padEnd(14)}${'canal'.padEnd(10)}resultado\n`);
  for (const row of report.byStep) process.stdout.write(`${row.step.padEnd(14)}${row.channel.padEnd(10)}${String(row.n).padStart(6)} ${STATUS[row.status] ?? row.status}\n`);
  if (report.failures.length) {
    process.stdout.write('\nMotivos de bloqueio e falha mais frequentes:\n');
    for (const f of report.failures) process.stdout.write(`${String(f.n).padStart(6)}  ${f.reason}\n`);
  }
  process.stdout.write(`\nRespostas simuladas: ${report.paidDebtors} devedores pagaram, ${report.disputes} contestaram, ${report.optOuts} pediram para não receber mais por um canal.\n`);
  process.stdout.write(`Ligações (tarefas na fila dos cobradores, resultado informado pelo discador simulado): ${report.calls.answered} atendidas, ${report.calls.unanswered} sem resposta.\n`);
  process.stdout.write(`Caixa postal local (${report.emails} e-mails .eml, SMS e WhatsApp .txt, lotes de cartas em PDF para a gráfica em cartas/): ${report.mailbox}\n`);
}
