import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { centsToValor, cobRequestSchema, cobResponseSchema, cobvRequestSchema, MAX_VALOR_CENTS, pixWebhookSchema, problemSchema, valorToCents } from './bcb-api.ts';

// Examples of the API Pix openapi.yaml (bacen/pix-api, v2.8.1), copied as published.
const cobBody1 = {
  calendario: { dataDeVencimento: '2020-12-31', validadeAposVencimento: 30 },
  loc: { id: 789 },
  devedor: { logradouro: 'Alameda Souza, Numero 80, Bairro Braz', cidade: 'Recife', uf: 'PE', cep: '70011750', cpf: '12345678909', nome: 'Francisco da Silva' },
  valor: {
    original: '123.45',
    multa: { modalidade: '2', valorPerc: '15.00' },
    juros: { modalidade: '2', valorPerc: '2.00' },
    desconto: { modalidade: '1', descontoDataFixa: [{ data: '2020-11-30', valorPerc: '30.00' }] },
  },
  chave: '5f84a4c5-c5cb-4599-9f13-7eb4d419dacc',
  solicitacaoPagador: 'Cobrança dos serviços prestados.',
};
const cobBody2 = {
  calendario: { expiracao: 3600 },
  devedor: { cnpj: '12345678000195', nome: 'Empresa de Serviços SA' },
  valor: { original: '37.00', modalidadeAlteracao: 1 },
  chave: '7d9f0335-8dcc-4054-9bf9-0dbd61d36906',
  solicitacaoPagador: 'Serviço realizado.',
  infoAdicionais: [
    { nome: 'Campo 1', valor: 'Informação Adicional1 do PSP-Recebedor' },
    { nome: 'Campo 2', valor: 'Informação Adicional2 do PSP-Recebedor' },
  ],
};
const cobResponse2 = {
  calendario: { criacao: '2020-09-09T20:15:00.358Z', expiracao: 3600 },
  txid: '655dfdb1a4514b8fbb58254b958913fb',
  revisao: 1,
  loc: { id: 567, location: 'pix.example.com/qr/1dd7f893a58e417287028dc33e21a403' },
  location: 'pix.example.com/qr/1dd7f893a58e417287028dc33e21a403',
  status: 'CONCLUIDA',
  devedor: { cnpj: '12345678000195', nome: 'Empresa de Serviços SA' },
  valor: { original: '100.00', modalidadeAlteracao: 0 },
  chave: '40a0932d-1918-4eee-845d-35a2da1690dc',
  solicitacaoPagador: 'Informar cartão fidelidade',
  pix: [
    {
      endToEndId: 'E12345678202009091221kkkkkkkkkkk',
      txid: '655dfdb1a4514b8fbb58254b958913fb',
      valor: '110.00',
      horario: '2020-09-09T20:15:00.358Z',
      infoPagador: '0123456789',
      devolucoes: [
        { id: '123ABC', rtrId: 'Dxxxxxxxx202009091221kkkkkkkkkkk', valor: '10.00', horario: { solicitacao: '2020-09-09T20:15:00.358Z' }, status: 'EM_PROCESSAMENTO' },
      ],
    },
  ],
};
const cobResponse4 = {
  calendario: { criacao: '2020-09-09T20:15:00.358Z', dataDeVencimento: '2020-12-31', validadeAposVencimento: 30 },
  txid: '7978c0c97ea847e78e8849634473c1f1',
  revisao: 0,
  loc: { id: 789, location: 'pix.example.com/qr/c2/cobv/9d36b84fc70b478fb95c12729b90ca25', tipoCob: 'cobv' },
  status: 'ATIVA',
  devedor: { logradouro: 'Alameda Souza, Numero 80, Bairro Braz', cidade: 'Recife', uf: 'PE', cep: '70011750', cpf: '12345678909', nome: 'Francisco da Silva' },
  recebedor: { logradouro: 'Rua 15 Numero 1200, Bairro São Luiz', cidade: 'São Paulo', uf: 'SP', cep: '70800100', cnpj: '56989000019533', nome: 'Empresa de Logística SA' },
  valor: { original: '123.45' },
  chave: '5f84a4c5-c5cb-4599-9f13-7eb4d419dacc',
  solicitacaoPagador: 'Cobrança dos serviços prestados.',
};
// pixWebhook1 writes devolucoes as one object rather than an array.
const pixWebhook1 = {
  endToEndId: 'E12345678202009091221kkkkkkkkkkk',
  txid: 'c3e0e7a4e7f1469a9f782d3d4999343c',
  valor: '110.00',
  horario: '2020-09-09T20:15:00.358Z',
  infoPagador: '0123456789',
  devolucoes: { id: '123ABC', rtrId: 'D12345678202009091221abcdf098765', valor: '10.00', horario: { solicitacao: '2020-09-09T20:15:00.358Z' }, status: 'EM_PROCESSAMENTO' },
};
// pixResponse3; its published endToEndId has 34 characters against the schema's 32, so it is cut here.
const pixResponse3 = {
  endToEndId: 'E88631478202009091221ghijk789012',
  txid: '82433415910c47e5adb6ac3527cca160',
  valor: '200.00',
  componentesValor: { original: { valor: '180.00' }, saque: { valor: '20.00', modalidadeAgente: 'AGPSS', prestadorDeServicoDeSaque: '12345678' } },
  horario: '2020-09-10T13:03:33.902Z',
  infoPagador: 'Saque Pix',
};

describe('money between the API ("123.45") and centavos', () => {
  it('converts both ways by integer arithmetic', () => {
    expect(centsToValor(0)).toBe('0.00');
    expect(centsToValor(5)).toBe('0.05');
    expect(centsToValor(123450)).toBe('1234.50');
    expect(centsToValor(MAX_VALOR_CENTS)).toBe('9999999999.99');
    expect(valorToCents('1234.50')).toBe(123450);
    expect(valorToCents('0.01')).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_VALOR_CENTS }), (cents) => {
        expect(valorToCents(centsToValor(cents))).toBe(cents);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,10}\.\d{2}$/), (valor) => {
        expect(centsToValor(valorToCents(valor))).toBe(valor.replace(/^0+(?=\d)/, '')); // leading zeros are the only difference
      }),
    );
  });

  it('refuses anything else, naming the field', () => {
    for (const bad of ['1234.5', '1234', '1,234.50', '1234,50', ' 1.00', '-1.00', '1.000', '', '12345678901.00', '1e3']) {
      let error: unknown;
      try {
        valorToCents(bad, 'cob.valor.original');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).field).toBe('cob.valor.original');
      expect((error as AppError).message).toMatch(/^Campo cob\.valor\.original: /);
    }
    for (const bad of [-1, 0.5, MAX_VALOR_CENTS + 1, Number.NaN]) expect(() => centsToValor(bad)).toThrow(AppError);
  });
});

describe('schemas read the examples of the API Pix', () => {
  it('requests: cob (cobBody2) and cobv with fine, interest and discount (cobBody1, modalities written as strings)', () => {
    expect(cobRequestSchema.parse(cobBody2)).toEqual(cobBody2);
    const cobv = cobvRequestSchema.parse(cobBody1);
    expect(cobv.valor).toEqual({
      original: '123.45',
      multa: { modalidade: 2, valorPerc: '15.00' },
      juros: { modalidade: 2, valorPerc: '2.00' },
      desconto: { modalidade: 1, descontoDataFixa: [{ data: '2020-11-30', valorPerc: '30.00' }] },
    });
  });

  it('responses: an immediate charge already paid with a refund, and a charge with due date', () => {
    const paid = cobResponseSchema.parse(cobResponse2);
    expect(paid.pix?.[0]?.devolucoes?.[0]?.status).toBe('EM_PROCESSAMENTO');
    expect(cobResponseSchema.parse(cobResponse4).recebedor).toMatchObject({ cnpj: '56989000019533' });
  });

  it('webhook bodies, including a devolução written as a single object and value components of a Pix Saque', () => {
    const parsed = pixWebhookSchema.parse({ pix: [pixWebhook1, pixResponse3] });
    expect(parsed.pix[0]!.devolucoes).toHaveLength(1);
    expect(parsed.pix[1]!.componentesValor).toMatchObject({ saque: { valor: '20.00' } });
    expect(pixWebhookSchema.safeParse({ pix: [] }).success).toBe(false);
    expect(pixWebhookSchema.safeParse({ pix: [{ ...pixWebhook1, endToEndId: 'E123' }] }).success).toBe(false);
    expect(pixWebhookSchema.safeParse({ pix: [{ ...pixWebhook1, valor: '110' }] }).success).toBe(false);
    expect(pixWebhookSchema.safeParse({ pix: [{ ...pixWebhook1, horario: '09/09/2020' }] }).success).toBe(false);
  });

  it('a problem with violacoes (loteCobVResponse1)', () => {
    const problem = problemSchema.parse({
      type: 'https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida',
      title: 'Cobrança inválida.',
      status: 400,
      detail: 'A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o _schema_ ou está semanticamente errada.',
      violacoes: [{ razao: 'O objeto cobv.devedor não respeita o _schema_.', propriedade: 'cobv.devedor' }],
    });
    expect(problem.violacoes?.[0]?.propriedade).toBe('cobv.devedor');
  });
});

describe('schemas refuse what the API refuses, in Portuguese', () => {
  const issues = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
    (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('cob', () => {
    expect(issues(cobRequestSchema.safeParse({ ...cobBody2, valor: { original: '0.00' } }))).toEqual(['valor.original: valor deve ser maior que zero']);
    expect(issues(cobRequestSchema.safeParse({ ...cobBody2, valor: { original: '37' } }))).toEqual(['valor.original: valor no formato 123.45 (ponto decimal e 2 casas)']);
    expect(issues(cobRequestSchema.safeParse({ ...cobBody2, devedor: { cpf: '12345678909', cnpj: '12345678000195', nome: 'X' } }))).toEqual([
      'devedor.cnpj: informe o CPF ou o CNPJ do devedor (um dos dois)',
    ]);
    expect(issues(cobRequestSchema.safeParse({ ...cobBody2, calendario: { expiracao: 0 } }))).toEqual(['calendario.expiracao: expiração deve ser maior que zero']);
    expect(issues(cobRequestSchema.safeParse({ ...cobBody2, chave: undefined }))[0]).toMatch(/^chave: /);
  });

  it('cobv: the discount rules of the API', () => {
    const withDesconto = (desconto: unknown) => cobvRequestSchema.safeParse({ ...cobBody1, valor: { original: '123.45', desconto } });
    expect(issues(withDesconto({ modalidade: 1, valorPerc: '1.00' }))).toEqual(['valor.desconto.descontoDataFixa: modalidade 1 ou 2 pede descontoDataFixa (e não valorPerc)']);
    expect(issues(withDesconto({ modalidade: 3, descontoDataFixa: [{ data: '2020-11-30', valorPerc: '1.00' }] }))).toEqual([
      'valor.desconto.valorPerc: modalidade de 3 a 6 pede valorPerc (e não descontoDataFixa)',
    ]);
    expect(issues(withDesconto({ modalidade: 1, descontoDataFixa: [{ data: '2021-01-05', valorPerc: '1.00' }] }))).toEqual([
      'valor.desconto.descontoDataFixa.0.data: data do desconto posterior ao vencimento',
    ]);
    expect(issues(withDesconto({ modalidade: 7, valorPerc: '1.00' }))).toEqual(['valor.desconto.modalidade: modalidade de 1 a 6']);
    expect(issues(cobvRequestSchema.safeParse({ ...cobBody1, devedor: undefined }))[0]).toMatch(/^devedor: /);
    expect(issues(cobvRequestSchema.safeParse({ ...cobBody1, calendario: { dataDeVencimento: '2020-02-30' } }))).toEqual(['calendario.dataDeVencimento: data inválida (use AAAA-MM-DD)']);
  });
});
