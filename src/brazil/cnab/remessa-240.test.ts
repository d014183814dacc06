import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRemessa240, parseRemessa240, type CnabAccount, type RemessaInput, type RemessaTitle } from './index.ts';
import { bancoDoBrasilDigit, bradescoDigit, itauDigit, santanderDigit, sicoobDigit } from './check-digits.ts';
import { errorOf } from '../../../test/support/errors.ts';

const ACCOUNTS: Record<string, CnabAccount> = {
  '001': { bankCode: '001', agency: '3286', agencyDigit: '6', account: '7536', accountDigit: '7', wallet: '17-019', agreement: '3294860' },
  '033': { bankCode: '033', agency: '4567', agencyDigit: '5', account: '11111111', accountDigit: '9', wallet: '101', agreement: '456750111111119' },
  '104': { bankCode: '104', agency: '1234', agencyDigit: '2', account: '0', wallet: 'RG', agreement: '43210' },
  '237': { bankCode: '237', agency: '1420', agencyDigit: '5', account: '16910', accountDigit: '2', wallet: '09', agreement: '4466911' },
  '341': { bankCode: '341', agency: '177', account: '65373', wallet: '109' },
  '756': { bankCode: '756', agency: '4321', agencyDigit: '0', account: '123456', accountDigit: '1', wallet: '01', agreement: '19' },
};

const title = (over: Partial<RemessaTitle> = {}): RemessaTitle => ({
  nossoNumero: '196',
  documentNumber: 'ACORDO-12/3',
  issueDate: '2026-11-23',
  dueDate: '2026-12-10',
  amount: 123456,
  kind: '04',
  interestPerDay: 41,
  fine: { date: '2026-12-11', rateBasisPoints: 200 },
  payer: { name: 'José da Conceição Müller', document: '529.982.247-25', street: 'Rua São João, 123', district: 'Centro', postalCode: '01001-000', city: 'São Paulo', uf: 'sp' },
  ...over,
});

const input = (bank: string, titles: RemessaTitle[] = [title(), title({ nossoNumero: '197', amount: 99, fine: undefined, interestPerDay: 0 })]): RemessaInput => ({
  account: ACCOUNTS[bank]!,
  beneficiary: { name: 'Assessoria Ação Ltda', document: '11.222.333/0001-81' },
  fileSequence: 7,
  generatedAt: '2026-11-23T14:05:09',
  titles,
});

describe.each(Object.keys(ACCOUNTS))('remessa CNAB 240, bank %s', (bank) => {
  const content = buildRemessa240(input(bank));
  const lines = content.split('\r\n');

  it('CRLF lines of exactly 240 uppercase ASCII characters, in FEBRABAN order', () => {
    expect(content.endsWith('\r\n')).toBe(true);
    expect(lines.pop()).toBe('');
    expect(content.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of lines) {
      expect(line).toHaveLength(240);
      expect(line).toMatch(/^[\x20-\x60\x7b-\x7e]+$/); // printable ASCII, no lowercase
      expect(line.slice(0, 3)).toBe(bank);
    }
    expect(lines.map((l) => (l[7] === '3' ? l[13] : l[7])).join('')).toBe('01PQRPQR59');
    expect(lines.slice(2, -2).map((l) => l.slice(8, 13))).toEqual(['00001', '00002', '00003', '00004', '00005', '00006']);
    expect(lines[0]![142]).toBe('1'); // remessa
    expect(lines[0]!.slice(143, 151)).toBe('23112026');
    expect(lines[0]!.slice(157, 163)).toBe('000007');
  });

  it('trailers count the records: lot = 3 per title + header and trailer; file = all lines', () => {
    const batchTrailer = lines.at(-2)!;
    const fileTrailer = lines.at(-1)!;
    expect(batchTrailer.slice(17, 23)).toBe('000008');
    expect(fileTrailer.slice(3, 8)).toBe('99999');
    expect(fileTrailer.slice(17, 23)).toBe('000001');
    expect(fileTrailer.slice(23, 29)).toBe(String(lines.length).padStart(6, '0'));
    if (batchTrailer.slice(23, 29).trim() !== '') {
      expect(batchTrailer.slice(23, 29)).toBe('000002');
      expect(batchTrailer.slice(29, 46)).toBe(String(123456 + 99).padStart(17, '0'));
    }
  });

  it('reads back: account, beneficiary and every title', () => {
    const back = parseRemessa240(content);
    expect(back.fileSequence).toBe(7);
    expect(back.generatedAt).toBe(bank === '033' ? '2026-11-23T00:00:00' : '2026-11-23T14:05:09'); // Santander's header has no time
    expect(back.beneficiary).toEqual({ name: 'ASSESSORIA ACAO LTDA', document: '11222333000181' });
    expect(back.account.bankCode).toBe(bank);
    const [first, second] = back.titles;
    expect(first).toMatchObject({
      documentNumber: 'ACORDO-12/3',
      issueDate: '2026-11-23',
      dueDate: '2026-12-10',
      amount: 123456,
      kind: '04',
      interestPerDay: 41,
      fine: { date: '2026-12-11', rateBasisPoints: 200 },
      payer: { name: 'JOSE DA CONCEICAO MULLER', document: '52998224725', street: 'RUA SAO JOAO, 123', district: 'CENTRO', postalCode: '01001000', city: 'SAO PAULO', uf: 'SP' },
    });
    expect(second).toMatchObject({ amount: 99, interestPerDay: 0 });
    expect(second!.fine).toBeUndefined();
    const expected: Record<string, [string, string | null]> = {
      '001': ['32948600000000196', null], // convênio 7: convênio + 10 digits, no DV
      '033': ['196', santanderDigit('000000000196')],
      '104': ['14000000000000196', null], // 14 (registrada, emissão do beneficiário) + 15 digits
      '237': ['196', bradescoDigit('09', '00000000196')],
      '341': ['196', itauDigit('0177', '65373', '109', '00000196')],
      '756': ['196', sicoobDigit('4321', '19', '0000196')],
    };
    expect([first!.nossoNumero, first!.nossoNumeroDigit]).toEqual(expected[bank]);
  });
});

describe('the remessa against brcobranca reference files', () => {
  // Lines of brcobranca's spec/fixtures/remessa/remessa-*-cnab240.rem (MIT licence), written by
  // that library's tested CNAB 240 classes; we build the same titles and compare the positions
  // whose content both implementations must agree on (account blocks, nosso número, Q, R).
  const ref = {
    bbHeader: '00100000         100012345678901001234567001412123  0123430000000123455 SOCIEDADE BRASILEIRA DE ZOOLOGBANCO DO BRASIL SA                      114072015161515000000083000000000000000000000000000000000000000000000                             ',
    bbBatch: '00100011R01  042 1000012345678901001234567001412123  0123430000000123455 SOCIEDADE BRASILEIRA DE ZOOLOG                                                                                000000001407201500000000                                 ',
    bbP: '0010001300001P 010123430000000123455 12345670000000123   71 000000000000069691407201500000000001999000000 02N14072015300000000000000000000000000000000000000000000000000000000000000000000000000000                     69693000000090000000000 ',
    bbQ: '0010001300002Q 011000012345678901PABLO DIEGO JOSE FRANCISCO DE PAULA JUANRUA RIO GRANDE DO SUL SAO PAULO MINAS CASAO JOSE DOS QU12345678SANTA RITA DE CSP0000000000000000                                        000                            ',
    bbR: '0010001300003R 01000000000000000000000000000000000000000000000000000000000000000000000000                                                                                                              0000000000000000 000000000000  0         ',
    bbFileTrailer: '00199999         000001000007                                                                                                                                                                                                                   ',
    santanderHeader: '03300000        2028254225000193000100001234567                         SOCIEDADE BRASILEIRA DE ZOOLOGBANCO SANTANDER                         114072015      000001040                                                                          ',
    santanderBatch: '03300011R01  030 2028254225000193                    000100001234567     SOCIEDADE BRASILEIRA DE ZOOLOG                                                                                000000011407201500000000                                 ',
    santanderP: '0330001300001P 010001901300123430130012343  0000012345679112  9999           1407201500000000001999000000 02N140720153000000000000000000000000000000000000000000000000000000000000000000000000000009999                     300300000           ',
    santanderQ: '0330001300002Q 011000012345678901PABLO DIEGO JOSE FRANCISCO DE PAULA JUANRUA RIO GRANDE DO SUL SAO PAULO MINAS CASAO JOSE DOS QU12345678SANTA RITA DE CSP0000000000000000                                        000000000000                   ',
    santanderR: '0330001300003R 01000000000000000000000000000000000000000000000000000000000000000000000000                                                                                                                                                       ',
    santanderBatchTrailer: '03300015         000005                                                                                                                                                                                                                         ',
    itauHeader: '34100000         228254225000193                    01234 000000012345 1EMPRESA TESTE LTDA            BANCO ITAU SA                           11407201516151500000104000000                                                      000            ',
    itauBatch: '34100011R0100030 2028254225000193                    01234 000000012345 1EMPRESA TESTE LTDA                                                                                            000000011407201500000000                                 ',
    itauP: '3410001300001P 0101234 000000012345 1175123456785        00000      9999     1407201500000000001234500000001N14072015000000000000000000000000000000000000000000000000000000000000000000000000000000                     99993003000000000000000 ',
    itauQ: '3410001300002Q 011000012345678901PABLO DIEGO JOSE FRANCISCO DE           RUA RIO GRANDE DO SUL SAO PAULO MINAS CASAO JOSE DOS QU12345678SANTA RITA DE CSP0000000000000000                                        000                            ',
    itauTrailers: [
      '34100015         000005                                                                                                                                                                                                                         ',
      '34199999         000001000007                                                                                                                                                                                                                   ',
    ],
    caixaHeader: '10400000         1000123456789010000000000000000000012345112345600000000SOCIEDADE BRASILEIRA DE ZOOLOGCAIXA ECONOMICA FEDERAL                 1140720151615150000000500000000000000000000000000000000000000000000001234                         ',
    caixaP: '1040001300001P 01123451123456000000000001400000000000012311 200000000000000001407201500000000001999000000099N14072015000000000000000000000000000000000000000000000000000000000000000000000000000000                         0000000090000000000 ',
    sicoobHeader: '75600000         274576177000177                    0432730000000036668 SOCIEDADE BRASILEIRA DE ZOOLOGSICOOB                                  114072015161515000000081000000000000000000000000000000000000000000000                             ',
    sicoobP: '7560001300001P 010432730000000036668 000000001201014     10 220000000000000001407201500000000000500000000001N14072015000000000000000000000000000000000000000000000000000000000000000000000000000000                         1000000090000000000 ',
    sicoobQ: '7560001300002Q 011000082136760505PABLO DIEGO JOSE FRANCISCO DE PAULA JUANRUA RIO GRANDE DO SUL SAO PAULO MINAS CASAO JOSE DOS QU12345678SANTA RITA DE CRJ0000000000000000                                        000                            ',
    sicoobBatchTrailer: '75600015         00000500000100000000000005000000000000000000000000000000000000000000000000000000000000000000000000                                                                                                                             ',
  };
  const picasso = {
    name: 'PABLO DIEGO JOSÉ FRANCISCO DE PAULA JUAN NEPOMUCENO MARÍA DE LOS REMEDIOS CIPRIANO DE LA SANTÍSSIMA TRINIDAD RUIZ Y PICASSO',
    street: 'RUA RIO GRANDE DO SUL São paulo Minas caçapa da silva junior',
    district: 'São josé dos quatro apostolos magros',
    postalCode: '12345678',
    city: 'Santa rita de cássia maria da silva',
    uf: 'SP',
  };
  const build = (account: CnabAccount, t: Partial<RemessaTitle>, beneficiary = { name: 'SOCIEDADE BRASILEIRA DE ZOOLOGIA LTDA', document: '28254225000193' }) =>
    buildRemessa240({
      account,
      beneficiary,
      fileSequence: 1,
      generatedAt: '2015-07-14T16:15:15',
      titles: [{ nossoNumero: '123', documentNumber: '9999', issueDate: '2015-07-14', dueDate: '2015-07-14', amount: 19990, kind: '02', payer: { ...picasso, document: '52998224725' }, ...t }],
    }).split('\r\n');
  /** Compares a line with the reference except at the given 1-based spans (documented choices that differ). */
  const sameExcept = (ours: string, theirs: string, ...spans: Array<[number, number]>) => {
    const mask = (line: string) => spans.reduce((l, [s, e]) => l.slice(0, s - 1) + '~'.repeat(e - s + 1) + l.slice(e), line);
    expect(mask(ours)).toBe(mask(theirs));
  };

  it('Banco do Brasil: account blocks, nosso número (convênio + 10), Q folded and truncated, R', () => {
    const lines = build({ bankCode: '001', agency: '1234', agencyDigit: '3', account: '12345', accountDigit: '5', wallet: '12-123', agreement: '1234567' }, {});
    expect(lines[0]!.slice(32, 72)).toBe(ref.bbHeader.slice(32, 72));
    expect(lines[1]!.slice(33, 73)).toBe(ref.bbBatch.slice(33, 73));
    expect(lines[2]!.slice(17, 57)).toBe(ref.bbP.slice(17, 57));
    expect(lines[2]!.slice(77, 117)).toBe(ref.bbP.slice(77, 117)); // vencimento, valor, agência cobradora, espécie, aceite, emissão
    expect(lines[3]!.slice(33)).toBe(ref.bbQ.slice(33));
    expect(lines[4]).toBe(ref.bbR);
    expect(lines[6]).toBe(ref.bbFileTrailer);
  });

  it('Santander: whole header and lot header; P but for three documented choices; Q, R, trailer', () => {
    const lines = build({ bankCode: '033', agency: '1', agencyDigit: '9', account: '13001234', accountDigit: '3', wallet: '1', agreement: '100001234567' }, { nossoNumero: '1234567' });
    expect(lines[0]).toBe(ref.santanderHeader);
    expect(lines[1]).toBe(ref.santanderBatch);
    // 60 tipo de documento (we: 1 tradicional; brcobranca: 2), 224 and 226–227 baixa (we: baixar após 60 dias; brcobranca: 3, 00)
    sameExcept(lines[2]!, ref.santanderP, [60, 60], [224, 224], [226, 227]);
    expect(lines[3]!.slice(33)).toBe(ref.santanderQ.slice(33));
    expect(lines[4]).toBe(ref.santanderR);
    expect(lines[5]).toBe(ref.santanderBatchTrailer);
  });

  it('Itaú: whole header, lot header and trailers; P account, carteira, nosso número and DACs; Q with the 30-position name', () => {
    const lines = build({ bankCode: '341', agency: '1234', account: '12345', wallet: '175' }, { nossoNumero: '12345678', amount: 12345, kind: '01' }, { name: 'EMPRESA TESTE LTDA', document: '28254225000193' });
    expect(lines[0]).toBe(ref.itauHeader);
    expect(lines[1]).toBe(ref.itauBatch);
    // 63–72 and 196–220: brcobranca right-aligns the seu número, we left-align it; 224–226 baixa as above
    sameExcept(lines[2]!, ref.itauP, [63, 72], [196, 220], [224, 226]);
    expect(lines[3]!.slice(33)).toBe(ref.itauQ.slice(33));
    expect(lines.slice(5, 7)).toEqual(ref.itauTrailers);
  });

  it('CAIXA SIGCB: header account block and P 18–57 (código do beneficiário, modalidade 14, nosso número 15)', () => {
    const lines = build({ bankCode: '104', agency: '12345', agencyDigit: '1', account: '0', wallet: 'RG', agreement: '123456' }, {});
    expect(lines[0]!.slice(32, 72)).toBe(ref.caixaHeader.slice(32, 72));
    expect(lines[2]!.slice(17, 57)).toBe(ref.caixaP.slice(17, 57));
  });

  it('Sicoob: header account block, P 18–62 (nosso número + DV + parcela + modalidade + formulário), whole Q, lot trailer totals', () => {
    const lines = build(
      { bankCode: '756', agency: '4327', agencyDigit: '3', account: '3666', accountDigit: '8', wallet: '01' },
      { nossoNumero: '1', nossoNumeroDigit: '2', amount: 5000, payer: { ...picasso, uf: 'RJ', document: '82136760505' } },
      { name: 'SOCIEDADE BRASILEIRA DE ZOOLOGIA LTDA', document: '74576177000177' },
    );
    expect(lines[0]!.slice(52, 71)).toBe(ref.sicoobHeader.slice(52, 71));
    expect(lines[2]!.slice(17, 62)).toBe(ref.sicoobP.slice(17, 62));
    expect(lines[3]).toBe(ref.sicoobQ);
    expect(lines[5]).toBe(ref.sicoobBatchTrailer);
  });
});

describe('validation: every problem named by title and field', () => {
  it('collects all problems of all titles in one AppError', () => {
    const error = errorOf(() =>
      buildRemessa240(
        input('341', [
          title(),
          title({ dueDate: '2026-02-30', payer: { ...title().payer, postalCode: '123', uf: 'XX', document: '11111111111' } }),
          title({ nossoNumero: '123456789', amount: 10.5, fine: { date: '2026-12-11', amount: 100, rateBasisPoints: 200 } }),
        ]),
      ),
    );
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(/^Remessa CNAB 240 inválida: titles\[1\]\.dueDate: data inválida/);
    expect(error.problems.map((p) => p.field)).toEqual([
      'titles[1].dueDate',
      'titles[1].payer.document',
      'titles[1].payer.postalCode',
      'titles[1].payer.uf',
      'titles[2].nossoNumero',
      'titles[2].amount',
      'titles[2].fine',
    ]);
  });

  it('refuses bad accounts per bank, naming the field', () => {
    const fields = (account: Partial<CnabAccount>) => errorOf(() => buildRemessa240({ ...input('001'), account: account as CnabAccount })).problems.map((p) => p.field);
    expect(fields({ bankCode: '999' })).toEqual(['account.bankCode']);
    expect(fields({ ...ACCOUNTS['001'], agreement: '12345' })).toEqual(['account.agreement']);
    expect(fields({ ...ACCOUNTS['341'], wallet: '9' })).toEqual(['account.wallet']);
    expect(fields({ ...ACCOUNTS['033'], agency: '12345' })).toEqual(['account.agency']);
    expect(fields({ ...ACCOUNTS['104'], agreement: '1234567' })).toEqual(['account.agreement']);
  });

  it('checks a given check digit, and the BB nosso número shape', () => {
    const wrongDigit = errorOf(() => buildRemessa240(input('237', [title({ nossoNumeroDigit: '0' })])));
    expect(wrongDigit.problems).toEqual([{ field: 'titles[0].nossoNumeroDigit', message: `dígito do nosso número não confere: informado 0, calculado ${bradescoDigit('09', '00000000196')}` }]);
    const bb = errorOf(() => buildRemessa240(input('001', [title({ nossoNumero: '99999990000000196' })])));
    expect(bb.problems[0]!.field).toBe('titles[0].nossoNumero');
    // the full BB number (convênio + sequence) is taken as well as the bare sequence
    const full = parseRemessa240(buildRemessa240(input('001', [title({ nossoNumero: '32948600000000196' })])));
    expect(full.titles[0]!.nossoNumero).toBe('32948600000000196');
    // BB convênio of 6 digits: sequence of 5 + DV (módulo 11, X for 10)
    const six = parseRemessa240(buildRemessa240({ ...input('001', [title({ nossoNumero: '1' })]), account: { ...ACCOUNTS['001']!, agreement: '123456' } }));
    expect(six.titles[0]).toMatchObject({ nossoNumero: '12345600001', nossoNumeroDigit: bancoDoBrasilDigit('12345600001') });
  });

  it('a zero fine is no fine; no titles is an error; accents and symbols fold to uppercase ASCII', () => {
    const back = parseRemessa240(buildRemessa240(input('756', [title({ fine: { date: '2026-12-11', rateBasisPoints: 0 } })])));
    expect(back.titles[0]!.fine).toBeUndefined();
    expect(errorOf(() => buildRemessa240(input('756', []))).problems).toEqual([{ field: 'titles', message: 'a remessa precisa de ao menos um título' }]);
    const odd = parseRemessa240(buildRemessa240(input('237', [title({ payer: { ...title().payer, name: 'Ærø Ñandú º ª — “aspas” 😀 ç' } })])));
    expect(odd.titles[0]!.payer.name).toBe('AERO NANDU O A - "ASPAS"   C');
  });
});

describe('build → parse gives the titles back (property, every bank)', () => {
  const upper = (max: number) => fc.stringMatching(new RegExp(`^[A-Z0-9][A-Z0-9 .,/-]{0,${max - 2}}[A-Z0-9]$`));
  const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const cpf = fc.constantFrom('52998224725', '82136760505', '11144477735', '28254225000193', '11222333000181');
  const nossoNumero = (bank: string) => {
    const plain = (digits: number) => fc.integer({ min: 1, max: 10 ** digits - 1 }).map(String);
    if (bank === '001') return plain(10).map((n) => '3294860' + n.padStart(10, '0'));
    if (bank === '104') return plain(15).map((n) => '14' + n.padStart(15, '0'));
    return plain({ '033': 12, '237': 11, '341': 8, '756': 7 }[bank]!);
  };
  const titleArb = (bank: string) =>
    fc
      .record({
        nossoNumero: nossoNumero(bank),
        documentNumber: upper(25),
        issueDate: day,
        days: fc.integer({ min: 0, max: 400 }),
        amount: fc.integer({ min: 1, max: 999_999_999_999 }),
        kind: fc.constantFrom('02', '04', '12', '99'),
        interestPerDay: fc.integer({ min: 0, max: 10_000_000 }),
        fine: fc.option(fc.oneof(fc.record({ amount: fc.integer({ min: 1, max: 99_999_999 }) }), fc.record({ rateBasisPoints: fc.integer({ min: 1, max: 10_000 }) })), { nil: undefined }),
        payer: fc.record({ name: upper(bank === '341' ? 30 : 40), document: cpf, street: upper(40), district: upper(15), postalCode: fc.stringMatching(/^\d{8}$/), city: upper(15), uf: fc.constantFrom('SP', 'RJ', 'MG', 'AC', 'DF') }),
      })
      .map(({ days, fine, issueDate, ...t }): RemessaTitle => {
        const dueDate = new Date(Date.parse(issueDate) + days * 86_400_000).toISOString().slice(0, 10);
        return { ...t, issueDate, dueDate, ...(fine ? { fine: { date: dueDate, ...fine } } : {}) };
      });

  it.each(Object.keys(ACCOUNTS))('bank %s', (bank) => {
    fc.assert(
      fc.property(fc.array(titleArb(bank), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 999_999 }), (titles, fileSequence) => {
        const content = buildRemessa240({ ...input(bank, titles), fileSequence });
        const back = parseRemessa240(content);
        expect(back.fileSequence).toBe(fileSequence);
        expect(back.titles.map(({ nossoNumeroDigit: _digit, ...rest }) => rest)).toEqual(titles);
        for (const line of content.split('\r\n').slice(0, -1)) expect(line).toHaveLength(240);
      }),
      { numRuns: 60 },
    );
  });
});
