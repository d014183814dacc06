import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { compileEncoder, createDataset, encodeRows, fitEncoder, medianOf, parseCellNumber, type NumericEncoding } from './dataset.ts';
import { SeededRandom } from '../../random.ts';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('dataset: the outcome', () => {
  it('reads 1/0, true/false, sim/não, s/n, yes/no in any case, numbers and booleans', () => {
    const values = [1, 0, '1', '0', true, false, 'true', 'FALSE', 'Sim', 'nao', 'NÃO', 's', 'n', 'yes', 'No'];
    const dataset = createDataset(values.map((v) => ({ x: 1, pagou: v })), { outcome: 'pagou' });
    expect(Array.from(dataset.y)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0]);
    expect(dataset.positives).toBe(7);
  });

  it('with `positive`, that value is 1 and the other 0 ("good"/"bad", or 1/2 as in german.data)', () => {
    expect(Array.from(createDataset([{ c: 'good' }, { c: 'bad' }, { c: ' Good ' }], { outcome: 'c', positive: 'good' }).y)).toEqual([1, 0, 1]);
    expect(Array.from(createDataset([{ c: '1' }, { c: '2' }, { c: 1 }], { outcome: 'c', positive: '1' }).y)).toEqual([1, 0, 1]);
    const third = errorOf(() => createDataset([{ c: 'good' }, { c: 'bad' }, { c: 'meh' }], { outcome: 'c', positive: 'good' }));
    expect(third.message).toMatch(/^Linha 4, coluna c: valor "meh" — o resultado deve ter só dois valores/);
  });

  it('a bad or empty outcome names the line (header = line 1) and the column, in Portuguese', () => {
    const bad = errorOf(() => createDataset([{ pagou: 'sim' }, { pagou: 'talvez' }], { outcome: 'pagou' }));
    expect(bad.code).toBe('validation');
    expect(bad.field).toBe('pagou');
    expect(bad.message).toMatch(/^Linha 3, coluna pagou: valor "talvez" não é um resultado reconhecido/);
    expect(errorOf(() => createDataset([{ pagou: ' ' }], { outcome: 'pagou', lines: [7] })).message).toBe('Linha 7, coluna pagou: resultado vazio.');
    expect(errorOf(() => createDataset([{ a: 1 }], { outcome: 'pagou' })).message).toMatch(/coluna de resultado "pagou" não está no arquivo \(colunas: a\)/);
    expect(errorOf(() => createDataset([{ a: 1, y: 1 }], { outcome: 'y', ignore: ['id'] })).message).toMatch(/"id" não está no arquivo/);
  });

  it('features: every column but the outcome and the ignored ones, or the ones named', () => {
    const rows = [{ id: 'x', a: 1, b: 2, y: 1 }];
    expect(createDataset(rows, { outcome: 'y', ignore: ['id'] }).features).toEqual(['a', 'b']);
    expect(createDataset(rows, { outcome: 'y', features: ['b'] }).features).toEqual(['b']);
  });
});

describe('dataset: the encoder', () => {
  it('numbers in JS syntax or with a decimal comma; thousands separators are text', () => {
    expect(parseCellNumber('12,5')).toBe(12.5);
    expect(parseCellNumber(' -3.25 ')).toBe(-3.25);
    expect(parseCellNumber('1e3')).toBe(1000);
    expect(parseCellNumber('.5')).toBe(0.5);
    expect(parseCellNumber('')).toBeNull();
    expect(parseCellNumber(null)).toBeNull();
    expect(parseCellNumber('1.234,56')).toBeNaN();
    expect(parseCellNumber('12 meses')).toBeNaN();
  });

  it('numeric columns are standardized; a missing value takes the training median and an indicator', () => {
    const rows = [{ v: '1', y: 1 }, { v: '2,0', y: 0 }, { v: 3, y: 1 }, { v: null, y: 0 }, { v: '10', y: 1 }];
    const encoder = fitEncoder(createDataset(rows, { outcome: 'y' }));
    expect(encoder.features).toEqual(['v', 'v__ausente']);
    const v = encoder.columns[0] as NumericEncoding;
    expect(v.mean).toBe(4);
    expect(v.std).toBeCloseTo(Math.sqrt((9 + 4 + 1 + 36) / 4), 12);
    expect(v.median).toBe(2.5);
    const x = encodeRows(encoder, rows);
    expect(x[0]).toBeCloseTo((1 - 4) / v.std, 12);
    expect(x[6]).toBeCloseTo((2.5 - 4) / v.std, 12); // the missing row
    expect(Array.from(x.filter((_, i) => i % 2 === 1))).toEqual([0, 0, 0, 1, 0]);
  });

  it('text columns with up to 30 levels are one-hot; an unseen level is all zeros; more levels are dropped with a note', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ uf: ['SP', 'RJ', 'MG'][i % 3]!, nome: `Pessoa ${i}`, fixo: 'x', y: i % 2 }));
    const encoder = fitEncoder(createDataset(rows, { outcome: 'y' }));
    expect(encoder.features).toEqual(['uf=MG', 'uf=RJ', 'uf=SP']);
    expect(encoder.notes).toEqual([
      'coluna "nome" ignorada: texto com mais de 30 valores distintos',
      'coluna "fixo" ignorada: valor constante nos dados de treino',
    ]);
    const compiled = compileEncoder(encoder);
    const out = new Float64Array(3);
    compiled.encode({ uf: 'RJ' }, out);
    expect(Array.from(out)).toEqual([0, 1, 0]);
    compiled.encode({ uf: 'BA' }, out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('a code column can be read as categories; a text value at prediction time in a numeric column counts as missing', () => {
    const rows = [{ rank: 1, n: 5, y: 1 }, { rank: 2, n: 7, y: 0 }, { rank: '3', n: 9, y: 1 }];
    const encoder = fitEncoder(createDataset(rows, { outcome: 'y', categorical: ['rank'] }));
    expect(encoder.features).toEqual(['rank=1', 'rank=2', 'rank=3', 'n']);
    const out = new Float64Array(4);
    compileEncoder(encoder).encode({ rank: 3, n: 'abc' }, out);
    expect(Array.from(out)).toEqual([0, 0, 1, 0]); // n → median 7 → standardized 0
  });

  it('the median by quickselect equals the median of the sorted values (odd, even, many ties)', () => {
    const random = new SeededRandom('median');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random.next() * 60);
      const levels = 1 + Math.floor(random.next() * 10);
      const values = Array.from({ length: n }, () => Math.floor(random.next() * levels) - levels / 2);
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(medianOf(Float64Array.from(values))).toBe(expected);
    }
  });

  it('the encoder is plain JSON', () => {
    const encoder = fitEncoder(createDataset([{ a: 1, b: 'x', y: 1 }, { a: null, b: 'z', y: 0 }, { a: 3, b: null, y: 0 }], { outcome: 'y' }));
    expect(JSON.parse(JSON.stringify(encoder))).toEqual(encoder);
    expect(encoder.features).toEqual(['a', 'a__ausente', 'b=x', 'b=z', 'b__ausente']);
  });
});
