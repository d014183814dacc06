import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecords, type ReaderOptions } from './read-records.ts';
import { fieldText, type RawRecord } from './validate-row.ts';
import { FIELD_NAMES } from './columns.ts';

const fieldsOf = (r: RawRecord) => Object.fromEntries(FIELD_NAMES.map((f) => [f, fieldText(r, f)]).filter(([, v]) => v !== undefined && v !== ''));

async function read(content: string | Buffer, options: ReaderOptions = {}) {
  const records: RawRecord[] = [];
  let shape: unknown;
  const summary = await readRecords(Readable.from([typeof content === 'string' ? Buffer.from(content) : content]), { batchSize: 2, ...options }, {
    onShape: (s) => {
      shape = s;
    },
    onBatch: async (batch) => {
      records.push(...batch);
    },
  });
  return { records, shape: shape as { delimiter: string; encoding: string; format: string; ignoredColumns: string[]; headerOf: (f: string) => string }, summary };
}

describe('readRecords', () => {
  it('detects the delimiter and maps headers by their aliases, in Portuguese or English', async () => {
    const { records, shape } = await read('Título;CPF/CNPJ;Razão Social;Valor;Data de Vencimento;Extra\nA1;52998224725;Maria;10,00;01/02/2024;x\n');
    expect(shape.delimiter).toBe(';');
    expect(shape.ignoredColumns).toEqual(['Extra']);
    expect(shape.headerOf('dueDate')).toBe('Data de Vencimento');
    expect(records.map((r) => [r.line, fieldsOf(r)])).toEqual([[2, { externalId: 'A1', debtorDocument: '52998224725', debtorName: 'Maria', amount: '10,00', dueDate: '01/02/2024' }]]);
    const tabs = await read('due_date\tamount\tname\ttax_id\tid\n2024-01-01\t5.00\tAna\t52998224725\tB1\n');
    expect(tabs.shape.delimiter).toBe('\t');
    expect(fieldText(tabs.records[0]!, 'externalId')).toBe('B1');
  });

  it('refuses a file whose header lacks required columns, naming them', async () => {
    await expect(read('titulo;cpf\nA;1\n')).rejects.toMatchObject({ code: 'file_unreadable', message: expect.stringContaining('nome do devedor') });
    await expect(read('')).rejects.toMatchObject({ code: 'file_unreadable', message: 'O arquivo está vazio.' });
  });

  it('counts file lines across quoted line breaks and blank lines', async () => {
    const csv = 'id,cpf,nome,valor,vencimento\n"A1",52998224725,"Maria\nda Silva",10.00,2024-01-01\n\nA2,52998224725,João,11.00,2024-01-01\nA3,1,2\n';
    const { records } = await read(csv);
    expect(records.map((r) => r.line)).toEqual([2, 5, 6]);
    expect(fieldText(records[0]!, 'debtorName')).toBe('Maria\nda Silva');
    expect(records[2]!.structureProblem).toBe('linha com 3 colunas; o cabeçalho tem 5');
  });

  it('reads Latin-1 (Windows-1252) files and a UTF-8 byte order mark', async () => {
    const latin1 = Buffer.from('id;cpf;nome;valor;vencimento\nA1;52998224725;João Conceição;10,00;01/02/2024\n', 'latin1');
    const a = await read(latin1);
    expect(a.shape.encoding).toBe('latin1');
    expect(fieldText(a.records[0]!, 'debtorName')).toBe('João Conceição');
    const bom = await read('\uFEFFid;cpf;nome;valor;vencimento\nA1;52998224725;Zé;10,00;01/02/2024\n');
    expect(fieldText(bom.records[0]!, 'externalId')).toBe('A1');
  });

  it('refuses UTF-8 that breaks further down, naming the line', async () => {
    const head = 'id;cpf;nome;valor;vencimento\n' + 'A;52998224725;Zé;1,00;01/02/2024\n'.repeat(3000);
    const tail = Buffer.from('B;52998224725;Jo\xe3o;1,00;01/02/2024\n', 'latin1');
    const chunks = Readable.from([Buffer.from(head), tail]);
    const run = readRecords(chunks, { batchSize: 5000 }, { onShape: () => {}, onBatch: async () => {} });
    await expect(run).rejects.toMatchObject({ code: 'file_unreadable', message: expect.stringMatching(/UTF-8.*linha/) });
  });

  it('refuses an unclosed quote that would swallow the rest of the file', async () => {
    const content = 'id;cpf;nome;valor;vencimento\nA;52998224725;"Maria;1,00;01/02/2024\n' + 'x'.repeat(17 * 1024 * 1024);
    await expect(read(content)).rejects.toMatchObject({ code: 'file_unreadable', message: expect.stringContaining('Aspas não fechadas a partir da linha') });
  });

  it('reads JSON lines, with a nested address and numbers', async () => {
    const jsonl = [
      JSON.stringify({ id_titulo: 'J1', cpf: '52998224725', nome: 'Ana', valor: 1234.5, vencimento: '2024-01-10', endereco: { logradouro: 'Rua A', cep: '01310100' } }),
      '',
      '{broken',
      '[1,2]',
    ].join('\n');
    const { records, shape } = await read(jsonl, { fileName: 'x.jsonl' });
    expect(shape.format).toBe('jsonl');
    expect(fieldsOf(records[0]!)).toMatchObject({ externalId: 'J1', amount: '1234.5', street: 'Rua A', cep: '01310100' });
    expect(records[1]!.line).toBe(3);
    expect(records[1]!.structureProblem).toMatch(/^JSON inválido/);
    expect(records[2]!.structureProblem).toBe('cada linha deve ser um objeto JSON');
  });

  it('streams: the parser waits while a batch is written, so memory does not grow with the file', async () => {
    const row = 'A;52998224725;Maria da Silva;1.234,56;10/03/2024\n';
    const total = 200_000;
    let produced = 0;
    async function* source() {
      yield Buffer.from('id;cpf;nome;valor;vencimento\n');
      while (produced < total) {
        produced += 1000;
        yield Buffer.from(row.repeat(1000));
      }
    }
    let maxAhead = 0;
    let consumed = 0;
    await readRecords(source(), { batchSize: 5000 }, {
      onShape: () => {},
      onBatch: async (batch) => {
        consumed += batch.length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        await new Promise((r) => setTimeout(r, 2));
      },
    });
    expect(consumed).toBe(total);
    // With backpressure the source is never more than a few chunks ahead of the writer.
    expect(maxAhead).toBeLessThan(60_000);
  });
});
