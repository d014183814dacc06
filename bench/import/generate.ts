import fs from 'node:fs';
import path from 'node:path';
import { cpfCheckDigits } from '../../src/brazil/documents.ts';
import { SeededRandom } from '../../src/domain/random.ts';

/**
 * A synthetic ERP export for the import benchmark: `debts` rows of `debtors` distinct people
 * (valid CPFs, random, never real data), 20 columns like the demo files, semicolon-separated.
 * Usage: node bench/import/generate.ts [debts=1000000] [debtors=300000] [file]
 */
export const HEADER = 'id_titulo;cpf;nome;email;telefone;logradouro;numero;bairro;cidade;uf;cep;tipo_documento;valor;emissao;vencimento;parcela;indice_correcao;juros_mes;multa;honorarios';

const CITIES = [
  ['São Paulo', 'SP', 11, '01310'], ['Rio de Janeiro', 'RJ', 21, '20040'], ['Belo Horizonte', 'MG', 31, '30130'], ['Salvador', 'BA', 71, '40020'],
  ['Manaus', 'AM', 92, '69005'], ['Cuiabá', 'MT', 65, '78005'], ['Porto Alegre', 'RS', 51, '90010'], ['Recife', 'PE', 81, '50010'],
] as const;

export async function generate(file: string, debts: number, debtors: number): Promise<void> {
  const rnd = new SeededRandom(`bench-${debts}-${debtors}`);
  const people = Array.from({ length: debtors }, (_, i) => {
    // 7919 is prime and does not divide 9·10^8, so i → body is one-to-one: every debtor distinct.
    const body = String(100_000_000 + ((i * 7919 + 12_345) % 900_000_000));
    const [city, uf, ddd, cep] = CITIES[i % CITIES.length]!;
    return `${body}${cpfCheckDigits(body)};Pessoa Sintética ${i};pessoa${i}@bench.test;(${ddd}) 9${String(1000 + (i % 9000))}-${String(i % 10000).padStart(4, '0')};Rua ${i % 500};${(i % 999) + 1};Centro;${city};${uf};${cep}${String(i % 1000).padStart(3, '0')}`;
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(HEADER + '\n');
  let buffer = '';
  for (let i = 0; i < debts; i++) {
    // Every debtor gets at least one debt; the rest are spread at random.
    const person = people[i < debtors ? (i * 7) % debtors : rnd.int(0, debtors - 1)]!;
    const due = new Date(Date.UTC(2022, 0, 1) + rnd.int(0, 1400) * 86_400_000);
    const dd = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const n = rnd.int(1, 12);
    buffer += `B${String(i).padStart(8, '0')};${person};contrato;${rnd.int(50, 20_000)},${String(rnd.int(0, 99)).padStart(2, '0')};${dd(new Date(due.getTime() - 30 * 86_400_000))};${dd(due)};${n}/12;IPCA;1;2;10\n`;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  await new Promise<void>((resolve) => out.end(resolve));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const debts = Number(process.argv[2] ?? 1_000_000);
  const debtors = Number(process.argv[3] ?? 300_000);
  const file = process.argv[4] ?? `bench/.out/debts-${debts}.csv`;
  const started = performance.now();
  await generate(file, debts, debtors);
  console.log(`${file}: ${debts} títulos de ${debtors} devedores, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB em ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
