import { cnpjCheckDigits, cpfCheckDigits } from '../../brazil/documents.ts';
import { addDays, addMonths, formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { csvCell } from '../../shared/csv.ts';
import type { Role } from '../../store/schema.ts';
import type { CreditorInput } from '../creditors/creditors.ts';
import { CITIES, COMPANY_SUFFIXES, COMPANY_TRADES, COMPANY_WORDS, DISTRICTS, EMAIL_DOMAINS, FIRST_NAMES, STREETS, SURNAMES } from './demo-data.ts';
import { SeededRandom } from '../../domain/random.ts';

/**
 * The demo agency: one tenant, a retailer selling to consumers (two portfolios) and a B2B
 * distributor (one portfolio), about 2,000 debtors and 5,000 debts spread over four years before
 * `asOf`, with paid titles, installment plans, titles still to fall due and prescribed ones.
 * Everything is fictitious and generated from the seed: documents have valid check digits but
 * are random, e-mails use the reserved .test domain.
 */
export interface DemoPortfolio {
  name: string;
  description: string;
  /** An ERP-style export (semicolon, decimal comma, Portuguese headers), loaded through the importer. */
  csv: string;
  rows: number;
}

export interface DemoCreditor {
  key: 'retail' | 'wholesale';
  input: CreditorInput;
  portfolios: DemoPortfolio[];
}

export interface DemoPlan {
  tenant: { slug: string; name: string };
  creditors: DemoCreditor[];
  users: Array<{ email: string; name: string; role: Role; creditorKey?: 'retail' | 'wholesale' }>;
  password: string;
}

export const DEMO_PASSWORD = 'recupera-demo';
export const DEMO_SEED = 'recupera-demo-1';

const HEADER = [
  'id_titulo', 'cpf_cnpj', 'nome', 'data_nascimento', 'renda_mensal', 'email', 'telefone', 'telefone_2', 'logradouro', 'numero',
  'complemento', 'bairro', 'cidade', 'uf', 'cep', 'tipo_documento', 'descricao', 'valor', 'emissao', 'vencimento', 'parcela',
  'indice_correcao', 'juros_mes', 'tipo_juros', 'multa', 'honorarios', 'situacao',
];

interface Person {
  document: string;
  name: string;
  birthDate: string;
  income: string;
  email: string;
  phone: string;
  phone2: string;
  address: string[];
}

function money(cents: number): string {
  const reais = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${reais},${String(cents % 100).padStart(2, '0')}`;
}

export function generateDemo(options: { asOf: IsoDate; seed?: string }): DemoPlan {
  const rnd = new SeededRandom(options.seed ?? DEMO_SEED);
  const asOf = options.asOf;
  const totalWeight = CITIES.reduce((s, c) => s + c.weight, 0);
  const city = () => {
    let r = rnd.next() * totalWeight;
    for (const c of CITIES) if ((r -= c.weight) < 0) return c;
    return CITIES[0]!;
  };
  const usedDocuments = new Set<string>();
  const cpf = () => {
    for (;;) {
      const body = rnd.digits(9);
      const doc = body + cpfCheckDigits(body);
      if (!/^(\d)\1+$/.test(doc) && !usedDocuments.has(doc)) return usedDocuments.add(doc), doc;
    }
  };
  const cnpj = () => {
    for (;;) {
      const body = rnd.digits(8) + '0001';
      const doc = body + cnpjCheckDigits(body);
      if (!usedDocuments.has(doc)) return usedDocuments.add(doc), doc;
    }
  };
  const slug = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/[^a-z]+/g, '');
  const place = (withAddress: boolean) => {
    const c = city();
    const cep = String(rnd.int(c.cep[0], c.cep[1])).padStart(5, '0') + rnd.digits(3);
    const address = withAddress
      ? [rnd.pick(STREETS), String(rnd.int(1, 3999)), rnd.chance(0.25) ? `Apto ${rnd.int(11, 304)}` : '', rnd.pick(DISTRICTS), c.city, c.uf, `${cep.slice(0, 5)}-${cep.slice(5)}`]
      : ['', '', '', '', '', '', ''];
    return { c, address };
  };
  const mobile = (ddd: number) => `(${ddd}) 9${rnd.int(6000, 9999)}-${rnd.digits(4)}`;
  const landline = (ddd: number) => `(${ddd}) ${rnd.int(2, 5)}${rnd.digits(3)}-${rnd.digits(4)}`;

  const person = (): Person => {
    const first = rnd.pick(FIRST_NAMES);
    const last = `${rnd.pick(SURNAMES)}${rnd.chance(0.5) ? ' ' + rnd.pick(SURNAMES) : ''}`;
    const { c, address } = place(rnd.chance(0.88));
    const birth = addDays('1950-01-01', rnd.int(0, 54 * 365));
    return {
      document: cpf(),
      name: `${first} ${last}`,
      birthDate: rnd.chance(0.85) ? formatDateBR(birth) : '',
      income: rnd.chance(0.3) ? money(rnd.int(1200, 9000) * 100) : '',
      email: rnd.chance(0.72) ? `${slug(first)}.${slug(last.split(' ')[0]!)}${rnd.int(1, 999)}@${rnd.pick(EMAIL_DOMAINS)}` : '',
      phone: rnd.chance(0.92) ? mobile(c.ddd) : '',
      phone2: rnd.chance(0.2) ? landline(c.ddd) : '',
      address,
    };
  };
  const company = (): Person => {
    const { c, address } = place(rnd.chance(0.95));
    const name = `${rnd.pick(COMPANY_TRADES)} ${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_SUFFIXES)}`;
    return {
      document: cnpj(),
      name,
      birthDate: '',
      income: '',
      email: rnd.chance(0.9) ? `financeiro.${slug(name).slice(0, 18)}@${rnd.pick(EMAIL_DOMAINS)}` : '',
      phone: rnd.chance(0.8) ? landline(c.ddd) : mobile(c.ddd),
      phone2: rnd.chance(0.5) ? mobile(c.ddd) : '',
      address,
    };
  };

  // Due dates: mostly within four years before asOf, some still to fall due, a few older (prescribed).
  const dueDate = (): IsoDate => {
    const r = rnd.next();
    if (r < 0.04) return addDays(asOf, -rnd.int(5 * 365 + 10, 6 * 365));
    if (r < 0.1) return addDays(asOf, rnd.int(1, 75));
    return addDays(asOf, -rnd.int(1, 4 * 365));
  };
  const status = (due: IsoDate) => (due > asOf ? 'aberto' : rnd.chance(0.12) ? 'pago' : rnd.chance(0.02) ? 'cancelado' : 'aberto');

  const lines = new Map<string, string[]>();
  const add = (portfolio: string, p: Person, debt: string[]) => {
    const row = [debt[0]!, p.document, p.name, p.birthDate, p.income, p.email, p.phone, p.phone2, ...p.address, ...debt.slice(1)];
    (lines.get(portfolio) ?? lines.set(portfolio, []).get(portfolio)!).push(row.map(csvCell).join(';'));
  };

  let sequence = 0;
  const people = Array.from({ length: 1600 }, person);
  for (const p of people) {
    const r = rnd.next();
    if (r < 0.72) {
      // Store card: consecutive monthly invoices left unpaid.
      const first = dueDate();
      const n = rnd.int(1, 3);
      const fees = rnd.chance(0.3) ? '10' : '';
      for (let i = 0; i < n; i++) {
        const due = addMonths(first, i);
        add('card', p, [`CRT-${String(++sequence).padStart(7, '0')}`, 'cartão', `Fatura do cartão Horizonte ${due.slice(5, 7)}/${due.slice(0, 4)}`,
          money(rnd.int(80, 3200) * 100 + rnd.int(0, 99)), formatDateBR(addDays(due, -10)), formatDateBR(due), '', 'IPCA', '1', 'simples', '2', fees, status(due)]);
      }
    }
    if (r >= 0.62) {
      // Installment purchase (crediário): the first installments were paid, the rest is overdue or to fall due.
      const count = rnd.pick([2, 3, 4, 5]);
      const total = rnd.int(300, 6000) * 100;
      const installment = Math.floor(total / count);
      const purchase = addMonths(dueDate(), -rnd.int(1, count));
      const contract = `CRD-${String(++sequence).padStart(6, '0')}`;
      const paidUpTo = rnd.int(0, count - 1);
      const fees = rnd.chance(0.5) ? '10' : '';
      for (let k = 1; k <= count; k++) {
        const due = addMonths(purchase, k);
        const st = k <= paidUpTo ? 'pago' : status(due);
        add('installments', p, [`${contract}/${String(k).padStart(2, '0')}`, 'crediário', `Crediário ${contract}: compra de ${money(total)}`,
          money(k === count ? total - installment * (count - 1) : installment), formatDateBR(purchase), formatDateBR(due), `${k}/${count}`,
          'IPCA', '1', 'simples', '2', fees, st]); // IPCA: the shipped series that reaches the latest month
      }
    }
  }
  const companies = Array.from({ length: 400 }, company);
  for (const p of companies) {
    const n = rnd.int(1, 2);
    for (let i = 0; i < n; i++) {
      const due = dueDate();
      const kind = rnd.next() < 0.8 ? 'duplicata' : rnd.chance(0.5) ? 'cheque' : 'nota promissória';
      const noTerms = rnd.chance(0.2);
      add('b2b', p, [`DUP-${String(++sequence).padStart(6, '0')}`, kind, kind === 'duplicata' ? `NF-e ${rnd.int(1000, 99999)}` : '',
        money(rnd.int(500, 48000) * 100 + rnd.int(0, 99)), formatDateBR(addDays(due, -rnd.int(15, 60))), formatDateBR(due), '',
        noTerms ? '' : 'IPCA', noTerms ? '' : '2', noTerms ? '' : 'simples', noTerms ? '' : '10', noTerms ? '' : rnd.pick(['10', '20', '']), status(due)]);
    }
  }

  const portfolio = (key: string, name: string, description: string): DemoPortfolio => {
    const rows = lines.get(key) ?? [];
    return { name, description, rows: rows.length, csv: [HEADER.join(';'), ...rows].join('\r\n') + '\r\n' };
  };
  const retailDoc = cnpj();
  const wholesaleDoc = cnpj();
  return {
    tenant: { slug: 'demo', name: 'Assessoria Recupera Demonstração' },
    password: DEMO_PASSWORD,
    creditors: [
      {
        key: 'retail',
        input: {
          legalName: 'Magazine Horizonte Comércio de Utilidades Ltda', tradeName: 'Lojas Horizonte', document: retailDoc, businessKind: 'consumer',
          street: 'Avenida Paulista', number: '1000', complement: '12º andar', district: 'Bela Vista', city: 'São Paulo', uf: 'SP', cep: '01310100',
          email: 'cobranca@horizonte.test', phone: '(11) 3000-1000', website: 'https://horizonte.test',
        },
        portfolios: [
          portfolio('card', 'Cartão Horizonte', 'Faturas em atraso do cartão da loja (consumidor)'),
          portfolio('installments', 'Crediário', 'Parcelas de compras no crediário (consumidor)'),
        ],
      },
      {
        key: 'wholesale',
        input: {
          legalName: 'Distribuidora Atlântico de Alimentos S.A.', tradeName: 'Atlântico Distribuidora', document: wholesaleDoc, businessKind: 'b2b',
          street: 'Rua do Comércio', number: '250', complement: null, district: 'Centro', city: 'Curitiba', uf: 'PR', cep: '80010100',
          email: 'financeiro@atlantico.test', phone: '(41) 3200-2500', website: null,
        },
        portfolios: [portfolio('b2b', 'Duplicatas B2B', 'Duplicatas, cheques e notas promissórias de clientes empresariais')],
      },
    ],
    users: [
      { email: 'admin@demo.recupera.test', name: 'Administradora Demo', role: 'admin' },
      { email: 'supervisor@demo.recupera.test', name: 'Sueli Supervisora', role: 'supervisor' },
      { email: 'analista@demo.recupera.test', name: 'André Analista', role: 'analyst' },
      { email: 'operador@demo.recupera.test', name: 'Olga Operadora', role: 'collector' },
      { email: 'operador2@demo.recupera.test', name: 'Caio Cobrador', role: 'collector' },
      { email: 'operador3@demo.recupera.test', name: 'Bia Barbosa', role: 'collector' },
      { email: 'credor@demo.recupera.test', name: 'Carlos do Magazine Horizonte', role: 'creditor_viewer', creditorKey: 'retail' },
      { email: 'auditor@demo.recupera.test', name: 'Dora DPO', role: 'auditor' },
    ],
  };
}
