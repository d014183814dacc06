import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, importFile, type TenantFixture } from '../../../test/support/factories.ts';
import { runImport, type RunImportInput } from './run-import.ts';

const FIXTURE = 'test/fixtures/imports/titulos-com-erros.csv';

let t: TestDatabase;
let tenant: TenantFixture;

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'imp');
});
afterAll(() => t.drop());

function run(input: AsyncIterable<Uint8Array>, options: Partial<RunImportInput> = {}) {
  const creditor = tenant.creditors[0]!;
  return runImport({
    db: t.db, scope: { tenantId: tenant.tenantId }, creditorId: creditor.id, portfolioId: creditor.portfolioId,
    fileName: 'titulos.csv', input, asOf: AS_OF, via: 'cli', ...options,
  });
}

const fixture = () => Readable.from([fs.readFileSync(FIXTURE)]);

async function snapshot() {
  return t.db.system(async ({ sql }) => {
    const one = async (q: string) => (await sql.query<{ v: string }>(q)).rows[0]!.v;
    return {
      debts: await one(`select md5(string_agg(d::text, '|' order by id)) as v from debts d`),
      debtors: await one(`select md5(string_agg(d::text, '|' order by id)) as v from debtors d`),
      contacts: await one(`select count(*)::text as v from contact_points`),
      events: await one(`select count(*)::text as v from events`),
    };
  });
}

describe('import of a file with many kinds of bad rows', () => {
  it('imports the valid rows and reports every bad one by line, column, value and reason', async () => {
    const report = await run(fixture());
    expect(report).toMatchObject({
      status: 'completed', format: 'csv', encoding: 'utf-8', delimiter: ';',
      totalRows: 22, createdRows: 3, updatedRows: 0, unchangedRows: 0, rejectedRows: 19, debtorsCreated: 3,
    });
    expect(report.errors.map((e) => [e.line, e.field, e.value, e.reason])).toEqual([
      [2, 'Nº Título', 'T-001', 'id do título repetido no arquivo (linhas 2, 17)'],
      [5, 'CPF/CNPJ', '529.982.247-24', 'dígitos verificadores não conferem'],
      [6, 'CPF/CNPJ', '111.111.111-11', 'CPF/CNPJ com todos os dígitos iguais não é válido'],
      [7, 'CPF/CNPJ', '12345', 'CPF deve ter 11 dígitos e CNPJ 14 caracteres'],
      [8, 'Valor', '12,345', 'valor com mais de duas casas decimais'],
      [9, 'Vencimento', '31/02/2024', 'data inexistente'],
      [10, 'E-mail', 'beltrano@', 'e-mail inválido'],
      [11, 'Celular', '(00) 1234', 'telefone deve ter DDD + 8 ou 9 dígitos'],
      [12, 'CEP', '01310-100', 'CEP não pertence a Rio de Janeiro (RJ)'],
      [13, 'Parcela', '5/3', 'parcela 5 maior que o total de 3 parcelas'],
      [14, 'Índice', 'dólar', 'índice desconhecido; use IPCA, INPC, IGP-M, Selic, TR ou nenhum'],
      [15, 'Espécie', 'bitcoin', expect.stringMatching(/^tipo de documento desconhecido; use um de: Contrato, /)],
      [16, 'Valor', '-50,00', 'valor negativo'],
      [17, 'Nº Título', 'T-001', 'id do título repetido no arquivo (linhas 2, 17)'],
      [18, 'Nº Título', null, 'campo obrigatório não preenchido'],
      [19, '(linha)', null, 'linha com 6 colunas; o cabeçalho tem 20'],
      [20, 'Emissão', '20/03/2024', 'data de emissão posterior ao vencimento'],
      [21, 'Vencimento', null, 'campo obrigatório não preenchido'],
      [22, 'Multa', '250', 'percentual acima de 100%'],
    ]);
    expect(report.errorCount).toBe(19);

    const debts = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('debts').select(['external_id', 'original_amount_cents', 'due_date', 'installment_number', 'installment_count', 'correction_index', 'interest_rate', 'fine_rate', 'fees_rate', 'document_kind', 'relationship'])
        .where('import_id', '=', report.importId).orderBy('external_id').execute(),
    );
    expect(debts).toEqual([
      { external_id: 'T-002', original_amount_cents: 123456, due_date: '2024-04-10', installment_number: 2, installment_count: 3, correction_index: 'ipca', interest_rate: '0.01000000', fine_rate: '0.020000', fees_rate: '0.100000', document_kind: 'duplicata', relationship: 'consumer' },
      { external_id: 'T-003', original_amount_cents: 4800000, due_date: '2023-08-15', installment_number: null, installment_count: null, correction_index: 'igpm', interest_rate: '0.02000000', fine_rate: '0.100000', fees_rate: null, document_kind: 'promissory_note', relationship: 'consumer' },
      { external_id: 'T-022', original_amount_cents: 9990, due_date: '2024-03-10', installment_number: null, installment_count: null, correction_index: null, interest_rate: null, fine_rate: null, fees_rate: null, document_kind: 'contract', relationship: 'consumer' },
    ]);
    const contacts = await t.db.system(({ sql }) =>
      sql.query<{ channel: string; value: string; source: string; verified: boolean }>(
        `select c.channel, c.value, c.source, c.verified from contact_points c join debtors d on d.id = c.debtor_id
         where d.document in ('52998224725', '39053344705') order by 1, 2`,
      ),
    );
    expect(contacts.rows.map((r) => [r.channel, r.value, r.verified, r.source === `import:${report.importId}`]).sort()).toEqual([
      ['address', 'Rua Um, 1, Centro, Rio de Janeiro/RJ, CEP 20040-002', false, true],
      ['address', 'Rua das Flores, 10, Centro, São Paulo/SP, CEP 01310-100', false, true],
      ['email', 'beltrano@exemplo.test', false, true],
      ['email', 'maria.jose@exemplo.test', false, true],
      ['phone', '+5511987654321', false, true],
      ['phone', '+5521998765432', false, true],
    ]);
  });

  it('changes nothing when the same file comes again', async () => {
    const before = await snapshot();
    const report = await run(fixture());
    expect(report).toMatchObject({ createdRows: 0, updatedRows: 0, unchangedRows: 3, rejectedRows: 19, debtorsCreated: 0, debtorsUpdated: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('updates a changed row and records old and new values on the timeline', async () => {
    const csv = 'id_titulo;cpf;nome;valor;vencimento;multa\nT-022;390.533.447-05;Beltrano Válido;120,00;15/03/2024;2\n';
    const report = await run(importFile(csv), { fileName: 'correcao.csv' });
    expect(report).toMatchObject({ createdRows: 0, updatedRows: 1, unchangedRows: 0, rejectedRows: 0 });
    const event = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('events').select(['type', 'data', 'debt_id', 'creditor_id']).where('type', '=', 'debt.updated').orderBy('id', 'desc').executeTakeFirstOrThrow(),
    );
    expect(event.creditor_id).toBe(tenant.creditors[0]!.id);
    expect(event.data).toMatchObject({
      importId: report.importId,
      externalId: 'T-022',
      changes: { originalAmountCents: [9990, 12000], dueDate: ['2024-03-10', '2024-03-15'], fineRate: [null, 0.02] },
    });
  });

  it('refuses the whole file with --all-or-nothing, keeping the report and writing no data', async () => {
    const before = await snapshot();
    const csv = 'id;cpf;nome;valor;vencimento\nN-1;529.982.247-25;Maria;10,00;01/01/2025\nN-2;123;Maria;10,00;01/01/2025\n';
    const report = await run(importFile(csv), { allOrNothing: true });
    expect(report).toMatchObject({ status: 'rejected', createdRows: 0, rejectedRows: 1, message: expect.stringContaining('Nada foi importado') });
    expect(report.errors).toEqual([{ line: 3, field: 'cpf', value: '123', reason: 'CPF deve ter 11 dígitos e CNPJ 14 caracteres' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('settles, in snapshot mode, the open debts the creditor no longer lists', async () => {
    const csv = 'id;cpf;nome;valor;vencimento\nT-002;529.982.247-25;Maria José da Silva;1.234,56;10/04/2024\nT-003;11.222.333/0001-81;Comércio Exemplo Ltda;48.000,00;15/08/2023\n';
    const report = await run(importFile(csv), { snapshot: true, fileName: 'completo.csv' });
    // T-003 loses its terms (the file has no such columns now): an update; T-022 and the factory's debts are absent.
    expect(report.settledRows).toBe(7);
    const statuses = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('debts').select(['external_id', 'status']).where('creditor_id', '=', tenant.creditors[0]!.id).orderBy('external_id').execute(),
    );
    expect(statuses.filter((d) => d.status === 'open').map((d) => d.external_id)).toEqual(['T-002', 'T-003']);
    const settled = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('events').select('data').where('type', '=', 'debt.settled_by_creditor').execute(),
    );
    expect(settled).toHaveLength(7);
    // The other creditor's debts are untouched.
    const other = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('debts').select('status').where('creditor_id', '=', tenant.creditors[1]!.id).execute(),
    );
    expect(other.every((d) => d.status === 'open')).toBe(true);
    // Listed again, a settled debt reopens.
    const again = await run(importFile('id;cpf;nome;valor;vencimento\nT-022;390.533.447-05;Beltrano Válido;120,00;15/03/2024\n'));
    expect(again.updatedRows).toBe(1);
  });

  it('reads Latin-1 and JSON lines files', async () => {
    const latin1 = Buffer.from('id;cpf;nome;valor;vencimento\nL-1;529.982.247-25;Maria José da Conceição;10,00;01/01/2025\n', 'latin1');
    const a = await run(Readable.from([latin1]), { fileName: 'latin1.csv' });
    expect(a).toMatchObject({ encoding: 'latin1', createdRows: 1, debtorsUpdated: 1 });
    const jsonl = [
      { externalId: 'J-1', debtorDocument: '52998224725', debtorName: 'Maria José da Conceição', amountCents: 2500, dueDate: '2025-02-01', installment: '1/2' },
      { externalId: 'J-2', debtorDocument: '52998224725', debtorName: 'Maria José da Conceição', amountCents: 2500, dueDate: '2025-03-01', installment: '2/2' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const b = await run(importFile(jsonl), { fileName: 'titulos.jsonl' });
    expect(b).toMatchObject({ format: 'jsonl', createdRows: 2, rejectedRows: 0 });
  });
});

describe('import failures', () => {
  it('refuses an unreadable file, records the attempt, and writes nothing', async () => {
    const before = await snapshot();
    await expect(run(importFile('coluna;outra\n1;2\n'), { fileName: 'errado.csv' })).rejects.toMatchObject({ code: 'file_unreadable' });
    await expect(run(importFile(''), { fileName: 'vazio.csv' })).rejects.toMatchObject({ code: 'file_unreadable' });
    expect(await snapshot()).toEqual(before);
    const failed = await t.db.scoped({ tenantId: tenant.tenantId }, ({ db }) =>
      db.selectFrom('imports').select(['file_name', 'status', 'message']).where('file_name', 'in', ['errado.csv', 'vazio.csv']).orderBy('started_at').execute(),
    );
    expect(failed.map((f) => [f.file_name, f.status])).toEqual([['errado.csv', 'failed'], ['vazio.csv', 'failed']]);
    expect(failed[0]!.message).toMatch(/colunas obrigatórias ausentes/);
  });

  it('leaves nothing half-written when the input breaks in the middle of the file', async () => {
    const before = await snapshot();
    const header = 'id;cpf;nome;valor;vencimento\n';
    async function* broken() {
      yield Buffer.from(header + Array.from({ length: 12_000 }, (_, i) => `B-${i};529.982.247-25;Maria;10,00;01/01/2025\n`).join(''));
      throw new Error('conexão perdida');
    }
    await expect(run(broken(), { fileName: 'quebrado.csv', batchSize: 1000 })).rejects.toThrow('conexão perdida');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a portfolio of another creditor', async () => {
    await expect(run(importFile('x'), { portfolioId: tenant.creditors[1]!.portfolioId })).rejects.toMatchObject({ code: 'not_found' });
  });
});
