import { describe, expect, it } from 'vitest';
import type { FieldName } from './columns.ts';
import { resolveHeaders } from './columns.ts';
import { recordOf, validateRow } from './validate-row.ts';

const ctx = { decimal: 'comma' as const, defaultRelationship: 'consumer' as const, asOf: '2026-11-23', headerOf: (f: FieldName) => f };
const base = { externalId: 'T1', debtorDocument: '529.982.247-25', debtorName: 'Maria José', amount: '1.234,56', dueDate: '10/03/2024' };
const validate = (fields: Partial<Record<FieldName, string>>) => validateRow(recordOf(7, { ...base, ...fields }), ctx);
const errorOf = (fields: Partial<Record<FieldName, string>>) => {
  const result = validate(fields);
  if ('row' in result) throw new Error('expected an error');
  return result.errors.map((e) => [e.field, e.reason]);
};

describe('validateRow', () => {
  it('normalizes a complete row', () => {
    const result = validate({
      email: 'Maria@Exemplo.TEST', phone: '(11) 98765-4321', phone2: '11987654321', street: 'Rua A', number: '10', city: 'São Paulo', uf: 'sp', cep: '01310-100',
      installment: '2/12', correctionIndex: 'IGP-M', interestRate: '1', fineRate: '2', feesRate: '10', documentKind: 'Nota Promissória', status: 'Pago', birthDate: '1980-05-01',
    });
    expect(result).toEqual({
      row: {
        line: 7,
        externalId: 'T1',
        debtor: { kind: 'pf', document: '52998224725', name: 'Maria José', searchName: 'maria jose', birthDate: '1980-05-01', declaredIncomeCents: null },
        email: 'maria@exemplo.test',
        phones: [{ e164: '+5511987654321', kind: 'mobile' }],
        address: { street: 'Rua A', number: '10', complement: null, district: null, city: 'São Paulo', uf: 'SP', cep: '01310100' },
        debt: {
          documentKind: 'promissory_note', description: null, originalAmountCents: 123456, issueDate: null, dueDate: '2024-03-10',
          installmentNumber: 2, installmentCount: 12, correctionIndex: 'igpm', interestRate: '0.01', interestKind: 'simple', fineRate: '0.02',
          feesRate: '0.1', relationship: 'consumer', status: 'paid',
        },
      },
    });
  });

  it('reports each kind of bad value with the field and why', () => {
    expect(errorOf({ externalId: '' })).toEqual([['externalId', 'campo obrigatório não preenchido']]);
    expect(errorOf({ debtorDocument: '529.982.247-26' })).toEqual([['debtorDocument', 'dígitos verificadores não conferem']]);
    expect(errorOf({ debtorName: '123' })).toEqual([['debtorName', 'nome deve conter letras']]);
    expect(errorOf({ amount: '12,345' })).toEqual([['amount', 'valor com mais de duas casas decimais']]);
    expect(errorOf({ amount: '-1,00' })).toEqual([['amount', 'valor negativo']]);
    expect(errorOf({ dueDate: '31/04/2024' })).toEqual([['dueDate', 'data inexistente']]);
    expect(errorOf({ issueDate: '01/04/2024' })).toEqual([['issueDate', 'data de emissão posterior ao vencimento']]);
    expect(errorOf({ birthDate: '01/01/2030' })).toEqual([['birthDate', 'data de nascimento no futuro']]);
    expect(errorOf({ email: 'maria@' })).toEqual([['email', 'e-mail inválido']]);
    expect(errorOf({ phone: '(00) 98765-4321' })).toEqual([['phone', 'DDD inexistente']]);
    expect(errorOf({ street: 'Rua A', city: 'Rio', uf: 'RJ', cep: '01310-100' })).toEqual([['cep', 'CEP não pertence a Rio de Janeiro (RJ)']]);
    expect(errorOf({ street: 'Rua A' })).toEqual([
      ['city', 'endereço incompleto: logradouro, cidade, UF e CEP são necessários juntos'],
      ['uf', 'endereço incompleto: logradouro, cidade, UF e CEP são necessários juntos'],
      ['cep', 'endereço incompleto: logradouro, cidade, UF e CEP são necessários juntos'],
    ]);
    expect(errorOf({ installment: '13/12' })).toEqual([['installment', 'parcela 13 maior que o total de 12 parcelas']]);
    expect(errorOf({ correctionIndex: 'dólar' })).toEqual([['correctionIndex', 'índice desconhecido; use IPCA, INPC, IGP-M, Selic, TR ou nenhum']]);
    expect(errorOf({ fineRate: '200' })).toEqual([['fineRate', 'percentual acima de 100%']]);
    expect(errorOf({ status: 'talvez' })).toEqual([['status', 'situação deve ser aberto, pago ou cancelado']]);
    expect(errorOf({ externalId: 'x'.repeat(61) })).toEqual([['externalId', 'id do título com mais de 60 caracteres']]);
  });

  it('reports every problem of a row at once', () => {
    expect(errorOf({ debtorDocument: '', amount: 'abc', dueDate: '' }).map(([f]) => f)).toEqual(['debtorDocument', 'amount', 'dueDate']);
  });

  it('takes an amount in centavos instead of reais', () => {
    const result = validate({ amount: '', amountCents: '123456' });
    expect('row' in result && result.row.debt.originalAmountCents).toBe(123456);
    expect(errorOf({ amount: '', amountCents: '12.5' })).toEqual([['amountCents', 'valor em centavos deve ser um número inteiro']]);
  });
});

describe('resolveHeaders', () => {
  it('matches aliases after normalization and lets an explicit mapping win', () => {
    expect(resolveHeaders(['Nº Título', 'CPF', 'Razão Social', 'Vlr. Título', 'Dt. Vencimento']).map).toEqual({
      externalId: 0, debtorDocument: 1, debtorName: 2, amount: 3, dueDate: 4,
    });
    const r = resolveHeaders(['Código Interno', 'CPF', 'Razão Social', 'Vlr Título', 'Dt. Vencimento', 'Obs']);
    expect(r.missing).toEqual(['externalId']);
    expect(r.ignored).toEqual(['Código Interno', 'Obs']);
    const m = resolveHeaders(['Código Interno', 'CPF', 'Razão Social', 'Vlr Título', 'Dt. Vencimento'], { externalId: 'Código Interno' });
    expect(m.missing).toEqual([]);
    expect(resolveHeaders(['cpf', 'cnpj']).duplicated).toEqual([{ field: 'debtorDocument', headers: ['cpf', 'cnpj'] }]);
  });
});
