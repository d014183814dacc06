import { describe, expect, it } from 'vitest';
import { isValidCnpj } from '../../brazil/documents.ts';
import { ufOfCep } from '../../brazil/uf.ts';
import { cepDigits, parseCepAnswer, parseCnpjAnswer } from './brasilapi.ts';
import { cepAnswer, cnpjAnswer, standInBrasilApi } from './stand-in-brasilapi.ts';

const AT = new Date('2026-11-23T17:00:00Z');

/**
 * The example answer of BrasilAPI's own documentation for GET /api/cnpj/v1/19131243000197 (an
 * association's public registry data; the partner list left out): the independent reference of
 * the format — a CEP that is a number without its leading zero, a phone with two spaces.
 */
const DOCUMENTED_EXAMPLE = {
  cnpj: '19131243000197',
  identificador_matriz_filial: 1,
  descricao_matriz_filial: 'Matriz',
  razao_social: 'OPEN KNOWLEDGE BRASIL',
  nome_fantasia: 'REDE PELO CONHECIMENTO LIVRE',
  situacao_cadastral: 2,
  descricao_situacao_cadastral: 'Ativa',
  data_situacao_cadastral: '2013-10-03',
  motivo_situacao_cadastral: 0,
  nome_cidade_exterior: null,
  codigo_natureza_juridica: 3999,
  data_inicio_atividade: '2013-10-03',
  cnae_fiscal: 9430800,
  cnae_fiscal_descricao: 'Atividades de associações de defesa de direitos sociais',
  descricao_tipo_logradouro: 'ALAMEDA',
  logradouro: 'FRANCA',
  numero: '144',
  complemento: 'APT   34',
  bairro: 'JARDIM PAULISTA',
  cep: 1422000,
  uf: 'SP',
  codigo_municipio: 7107,
  municipio: 'SAO PAULO',
  ddd_telefone_1: '11  23851939',
  ddd_telefone_2: null,
  ddd_fax: null,
  qualificacao_do_responsavel: 10,
  capital_social: 0,
  porte: 5,
  descricao_porte: 'Demais',
  opcao_pelo_simples: false,
  opcao_pelo_mei: false,
  qsa: [],
};

describe('parseCnpjAnswer', () => {
  it("reads BrasilAPI's documented example", () => {
    const r = parseCnpjAnswer(DOCUMENTED_EXAMPLE, '19131243000197', AT);
    expect(r.names.map((n) => [n.role, n.value])).toEqual([
      ['legal_name', 'OPEN KNOWLEDGE BRASIL'],
      ['trade_name', 'REDE PELO CONHECIMENTO LIVRE'],
    ]);
    expect(r.addresses).toEqual([
      { street: 'ALAMEDA FRANCA', number: '144', complement: 'APT 34', district: 'JARDIM PAULISTA', city: 'SAO PAULO', uf: 'SP', cep: '01422000', source: 'brasilapi', observedOn: '2026-11-23' },
    ]);
    expect(r.phones).toEqual([{ value: '1123851939', source: 'brasilapi', observedOn: '2026-11-23' }]);
    expect(r.emails).toEqual([]);
    expect(r.company).toMatchObject({ status: 'Ativa', statusDate: '2013-10-03', mainActivity: 'Atividades de associações de defesa de direitos sociais', partners: [] });
  });

  it('reads the newer field names and keeps an S/N number empty', () => {
    const r = parseCnpjAnswer({ razao_social: 'X LTDA', descricao_tipo_de_logradouro: 'RUA', logradouro: 'RUA DAS FLORES', numero: 'S/N', cep: '01310-100', municipio: 'SAO PAULO', uf: 'sp', email: 'A@B.TEST' }, '11222333000181', AT);
    expect(r.addresses[0]).toMatchObject({ street: 'RUA DAS FLORES', number: null, cep: '01310100', uf: 'SP' });
    expect(r.emails[0]!.value).toBe('a@b.test');
  });

  it('pads a CEP that lost its leading zero and refuses a longer one', () => {
    expect(cepDigits(1422000)).toBe('01422000');
    expect(cepDigits('123456789')).toBeNull();
  });
});

describe('the stand-in', () => {
  it('answers the same company for the same CNPJ, with a CEP of its UF', () => {
    const cnpj = '11444777000161';
    expect(isValidCnpj(cnpj)).toBe(true);
    const a = cnpjAnswer(cnpj)!;
    expect(cnpjAnswer(cnpj)).toEqual(a);
    expect(ufOfCep(a.cep as string)).toBe(a.uf);
    const parsed = parseCnpjAnswer(a, cnpj, AT);
    expect(parsed.names[0]!.role).toBe('legal_name');
    expect(parsed.addresses).toHaveLength(1);
    expect(parsed.phones.length).toBeGreaterThan(0);
  });

  it('gives every synthetic company a CEP the CEP endpoint knows, with the same street', () => {
    for (const root of ['10000001', '23456789', '34567890', '45678901', '56789012', '67890123']) {
      const answer = standInBrasilApi('GET', `/api/cnpj/v1/${root}0001${checkDigits(`${root}0001`)}`);
      expect(answer.status).toBe(200);
      const body = answer.body as Record<string, string>;
      const cep = cepAnswer(body.cep!)!;
      expect(cep.state).toBe(body.uf);
      expect(`${body.descricao_tipo_de_logradouro} ${body.logradouro}`).toBe(cep.street.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase());
    }
  });

  it('answers 404 and 400 in the service’s error shapes', () => {
    expect(standInBrasilApi('GET', '/api/cnpj/v1/12345404000104')).toEqual({ status: 404, body: { message: 'CNPJ 12.345.404/0001-04 não encontrado.', type: 'not_found', name: 'NotFoundError' } });
    expect(standInBrasilApi('GET', '/api/cnpj/v1/11222333000182').status).toBe(400);
    const missing = standInBrasilApi('GET', '/api/cep/v1/01310999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ name: 'CepPromiseError', type: 'service_error' });
    expect(standInBrasilApi('GET', '/api/cep/v1/123').body).toMatchObject({ type: 'validation_error' });
  });

  it('maps a CEP answer', () => {
    const body = standInBrasilApi('GET', '/api/cep/v1/01310100').body as Record<string, unknown>;
    expect(parseCepAnswer(body, '01310100')).toEqual({ cep: '01310100', uf: 'SP', city: 'São Paulo', district: 'Bela Vista', street: 'Avenida Paulista', provider: 'brasilapi-cep', service: 'correios' });
  });
});

function checkDigits(twelve: string): string {
  // The CNPJ's two check digits (mod 11, weights 5..2,9..2 then 6..2,9..2), written out here
  // independently of src/brazil/documents.ts.
  const digit = (base: string) => {
    const weights = base.length === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = [...base].reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
    const r = sum % 11;
    return r < 2 ? '0' : String(11 - r);
  };
  const first = digit(twelve);
  return first + digit(twelve + first);
}
