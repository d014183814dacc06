import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal.ts';
import { IndexSet, MissingIndexError, parseSgsExport, taxaLegalPercent } from './series.ts';

describe('SGS exports', () => {
  it('reads the JSON export with decimal comma or point', () => {
    const parsed = parseSgsExport('[{"data":"01/01/2024","valor":"0,42"},\n{"data":"01/02/2024","valor":"0.83"}]', 'ipca');
    expect(parsed).toEqual({ ok: true, values: [{ period: '2024-01', value: '0.42' }, { period: '2024-02', value: '0.83' }] });
  });

  it('reads the CSV export (data;valor, quoted or not) and daily series', () => {
    expect(parseSgsExport('data;valor\n"01/03/2024";"0,16"\r\n01/04/2024;0,38\n', 'ipca')).toEqual({
      ok: true,
      values: [{ period: '2024-03', value: '0.16' }, { period: '2024-04', value: '0.38' }],
    });
    expect(parseSgsExport('data;valor\n02/01/2025;0,045513\n', 'selic_daily')).toEqual({ ok: true, values: [{ period: '2025-01-02', value: '0.045513' }] });
  });

  it('rejects the whole file naming the line, field and reason', () => {
    const parsed = parseSgsExport('data;valor\n01/01/2024;0,42\n15/02/2024;0,83\n01/03/2024;abc\n01/01/2024;0,5\n', 'ipca');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { line: 3, field: 'data', value: '15/02/2024', reason: 'série mensal: o dia deve ser 01 (IPCA é mensal)' },
      { line: 4, field: 'valor', value: 'abc', reason: 'valor deve ser um número (ex.: 0,42)' },
      { line: 5, field: 'data', value: '01/01/2024', reason: 'período repetido (também na linha 2)' },
    ]);
    const json = parseSgsExport('[\n{"data":"01/01/2024","valor":"0,42"},\n{"data":"2024-02-01","valor":"0,1"}\n]', 'ipca');
    expect(json.ok ? null : json.problems[0]).toEqual({ line: 3, field: 'data', value: '2024-02-01', reason: 'data deve estar no formato dd/mm/aaaa' });
    expect(parseSgsExport('[{"data": ', 'ipca').ok).toBe(false);
  });
});

describe('index set', () => {
  it('names the series and the month that is missing', () => {
    const set = new IndexSet({ ipca: [{ period: '2025-01', value: '0.16' }] });
    expect(set.percent('ipca', '2025-01')).toBe('0.16');
    expect(() => set.percent('ipca', '2025-02')).toThrowError(MissingIndexError);
    expect(() => set.percent('igpm', '2025-02')).toThrow('Índice IGP-M de fevereiro/2025 não está cadastrado');
  });
});

describe('taxa legal (Res. CMN 5.171/2024)', () => {
  it('is Selic factor ÷ IPCA-15 factor − 1, in percent with 6 decimals, rounded by NBR 5891, never negative', () => {
    // 1,00870000 / 1,0044 − 1 = 0,0042811628833… → 0,428116%
    expect(taxaLegalPercent('1.00870000', '0.44')).toBe('0.428116');
    const expected = new Decimal('1.00870000').div('1.0044').minus(1).times(100).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN).toFixed(6);
    expect(taxaLegalPercent('1.00870000', '0.44')).toBe(expected);
    expect(taxaLegalPercent('1.00300000', '0.80')).toBe('0'); // IPCA-15 above the Selic: zero (CC art. 406 §3º)
    // NBR 5891: on an exact tie the last kept digit stays if even and goes up if odd
    expect(taxaLegalPercent('1.000000125', '0')).toBe('0.000012'); // 0,0000125 → even 2 stays
    expect(taxaLegalPercent('1.000000135', '0')).toBe('0.000014'); // 0,0000135 → odd 3 goes up
  });
});
