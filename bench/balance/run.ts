import { createBalanceCalculator } from '../../src/domain/balance/balance-calculator.ts';
import type { DebtTerms } from '../../src/domain/balance/updated-balance.ts';
import { addDays, addMonths } from '../../src/domain/dates.ts';
import { IndexSet } from '../../src/domain/indices/series.ts';
import { SeededRandom } from '../../src/domain/random.ts';

/**
 * Balance benchmark (issue 3): updated balances of a synthetic portfolio of 1,000,000 debts on
 * one core, against a bare loop over the same objects in the same run (the loop reads each
 * debt's principal and due date — the floor of any per-debt work).
 * The common case: contract interest (simple, 1%–3% a.m.), 2% fine, IPCA correction,
 * about 24 months overdue; a fifth with a 10% fees clause.
 *
 * Usage: node bench/balance/run.ts [--debts 1000000] [--rounds 5]
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const N = Number(args.get('debts') ?? 1_000_000);
const ROUNDS = Number(args.get('rounds') ?? 5);
const AS_OF = '2026-10-31';

// A synthetic monthly IPCA (values between 0% and 1.2%): speed does not depend on the values.
const months = Array.from({ length: 36 }, (_, i) => addMonths('2023-11-01', i).slice(0, 7));
const indices = new IndexSet({ ipca: months.map((period, i) => ({ period, value: String(((i * 37) % 120) / 100) })) });

const rnd = new SeededRandom('bench-balance');
const rates = ['0.01', '0.015', '0.02', '0.025', '0.03'];
const debts: DebtTerms[] = Array.from({ length: N }, () => ({
  principalCents: rnd.int(5_000, 2_000_000),
  dueDate: addDays(AS_OF, -rnd.int(700, 760)),
  relationship: 'consumer',
  correctionIndex: 'ipca',
  interestRate: rates[rnd.int(0, rates.length - 1)]!,
  interestKind: 'simple',
  fineRate: '0.02',
  feesRate: rnd.int(1, 5) === 1 ? '0.10' : null,
}));

function bareLoop(): number {
  let sum = 0;
  for (let i = 0; i < debts.length; i++) {
    const d = debts[i]!;
    sum += d.principalCents + d.dueDate.length;
  }
  return sum;
}

function balances(): number {
  const totalOf = createBalanceCalculator(AS_OF, indices);
  let sum = 0;
  for (let i = 0; i < debts.length; i++) sum += totalOf(debts[i]!);
  return sum;
}

function best(work: () => number): { seconds: number; checksum: number } {
  let seconds = Infinity;
  let checksum = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    checksum = work();
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
  }
  return { seconds, checksum };
}

const loop = best(bareLoop);
const calc = best(balances);
const perSecond = N / calc.seconds;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`debts: ${fmt(N)}; best of ${ROUNDS} rounds, one core (Node ${process.version})`);
console.log(`bare loop:        ${(loop.seconds * 1000).toFixed(1)} ms  (${fmt(N / loop.seconds)} debts/s)`);
console.log(`updated balances: ${(calc.seconds * 1000).toFixed(1)} ms  (${fmt(perSecond)} balances/s; goal 2,000,000)`);
console.log(`ratio balances/bare loop: ${((perSecond / (N / loop.seconds)) * 100).toFixed(1)}%  checksum R$ ${(calc.checksum / 100).toLocaleString('pt-BR')}`);
