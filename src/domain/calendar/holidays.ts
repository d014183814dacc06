import type { Uf } from '../../brazil/uf.ts';
import { normalizeKey } from '../text.ts';
import { addDays, weekday, type IsoDate } from '../dates.ts';
import { fromEaster } from './easter.ts';

/**
 * Holidays as data: each rule names its legal source so a lawyer can check it. Rules are
 * evaluated per year; `from`/`to` bound the years (inclusive) in which a law was in force.
 */
export type HolidayScope = 'national' | 'bank' | 'state' | 'municipal';

export type HolidayDate =
  | { month: number; day: number }
  /** Days from Easter Sunday. */
  | { easter: number }
  /** The date, or the next Sunday when it falls on another weekday (Santa Catarina's rule). */
  | { month: number; day: number; nextSunday: true }
  /** The n-th Sunday of a month. */
  | { month: number; nthSunday: number };

export type HolidayRule = HolidayDate & { name: string; source: string; from?: number; to?: number };

export interface Holiday {
  date: IsoDate;
  name: string;
  scope: HolidayScope;
  source: string;
}

/** Civil national holidays: no work, no collection contact, no business day. */
export const NATIONAL_HOLIDAYS: readonly HolidayRule[] = [
  { month: 1, day: 1, name: 'Confraternização Universal', source: 'Lei 662/1949, Lei 10.607/2002' },
  { easter: -2, name: 'Sexta-feira Santa (Paixão de Cristo)', source: 'Lei 9.093/1995 art. 2º; Res. CMN 4.880/2020' },
  { month: 4, day: 21, name: 'Tiradentes', source: 'Lei 662/1949, Lei 10.607/2002' },
  { month: 5, day: 1, name: 'Dia do Trabalho', source: 'Lei 662/1949, Lei 10.607/2002' },
  { month: 9, day: 7, name: 'Independência do Brasil', source: 'Lei 662/1949, Lei 10.607/2002' },
  { month: 10, day: 12, name: 'Nossa Senhora Aparecida', source: 'Lei 6.802/1980', from: 1980 },
  { month: 11, day: 2, name: 'Finados', source: 'Lei 662/1949, Lei 10.607/2002' },
  { month: 11, day: 15, name: 'Proclamação da República', source: 'Lei 662/1949, Lei 10.607/2002' },
  { month: 11, day: 20, name: 'Dia Nacional de Zumbi e da Consciência Negra', source: 'Lei 14.759/2023', from: 2024 },
  { month: 12, day: 25, name: 'Natal', source: 'Lei 662/1949, Lei 10.607/2002' },
];

/**
 * Days without bank business nationwide besides the national holidays: a due date on one of
 * them may be paid on the next business day without charges.
 */
export const BANK_HOLIDAYS: readonly HolidayRule[] = [
  { easter: -48, name: 'Carnaval (segunda-feira)', source: 'Res. CMN 4.880/2020 (dias não úteis para o mercado financeiro)' },
  { easter: -47, name: 'Carnaval (terça-feira)', source: 'Res. CMN 4.880/2020 (dias não úteis para o mercado financeiro)' },
  { easter: 60, name: 'Corpus Christi', source: 'Res. CMN 4.880/2020; calendário ANBIMA/FEBRABAN' },
];

/** Where we could not confirm the number of the law, the entry says so instead of guessing it. */
const STATE_LAW = 'lei estadual (compilada em pt.wikipedia.org/wiki/Feriados_no_Brasil)';
const CITY_LAW = 'lei municipal (compilada em pt.wikipedia.org/wiki/Feriados_no_Brasil)';

/**
 * State holidays of the 27 UFs (state laws as compiled in "Feriados no Brasil" and the
 * date-holidays project; `from` is the year the law took effect). Check a state's current law
 * before relying on an entry for a legal deadline; add or fix entries here.
 */
export const STATE_HOLIDAYS: Readonly<Record<Uf, readonly HolidayRule[]>> = {
  // AC: laws as listed in the municipal calendars of Acre (e.g. acrelandia.ac.gov.br/feriados).
  AC: [
    { month: 1, day: 20, name: 'Dia do Católico', source: 'Lei estadual AC 3.137/2016', from: 2016 },
    { month: 1, day: 23, name: 'Dia do Evangélico', source: 'Lei estadual AC 1.538/2004', from: 2004 },
    { month: 3, day: 8, name: 'Dia Internacional da Mulher', source: 'Lei estadual AC 1.411/2001', from: 2002 },
    { month: 6, day: 15, name: 'Aniversário do Estado do Acre', source: 'Lei estadual AC 14/1964', from: 1965 },
    { month: 9, day: 5, name: 'Dia da Amazônia', source: 'Lei estadual AC 243/1968', from: 1969 },
    { month: 11, day: 17, name: 'Assinatura do Tratado de Petrópolis', source: 'Lei estadual AC 57/1965' },
  ],
  AL: [
    { month: 6, day: 24, name: 'São João', source: STATE_LAW, from: 1994 },
    { month: 6, day: 29, name: 'São Pedro', source: STATE_LAW, from: 1994 },
    { month: 9, day: 16, name: 'Emancipação Política de Alagoas', source: 'Constituição do Estado de Alagoas' },
    { month: 11, day: 20, name: 'Dia de Zumbi dos Palmares', source: STATE_LAW, from: 1995, to: 2023 },
  ],
  AP: [
    { month: 3, day: 19, name: 'Dia de São José', source: STATE_LAW, from: 2003 },
    { month: 9, day: 13, name: 'Criação do Território Federal do Amapá', source: STATE_LAW },
  ],
  AM: [
    { month: 9, day: 5, name: 'Elevação do Amazonas à categoria de província', source: STATE_LAW, from: 1978 },
    { month: 11, day: 20, name: 'Dia da Consciência Negra', source: STATE_LAW, from: 2010, to: 2023 },
  ],
  BA: [{ month: 7, day: 2, name: 'Independência da Bahia', source: 'Constituição do Estado da Bahia, art. 6º §3º' }],
  CE: [{ month: 3, day: 25, name: 'Data Magna do Ceará (Abolição da escravatura)', source: STATE_LAW, from: 2012 }],
  DF: [
    { month: 4, day: 21, name: 'Fundação de Brasília', source: STATE_LAW },
    { month: 11, day: 30, name: 'Dia do Evangélico', source: STATE_LAW, from: 1996 },
  ],
  ES: [{ easter: 8, name: 'Nossa Senhora da Penha', source: 'Lei estadual ES 11.010/2019', from: 2020 }],
  GO: [
    { month: 7, day: 26, name: 'Fundação da Cidade de Goiás', source: 'Lei estadual GO 20.756/2020' },
    { month: 10, day: 24, name: 'Pedra fundamental de Goiânia', source: 'Lei estadual GO 20.756/2020' },
  ],
  MA: [{ month: 7, day: 28, name: 'Adesão do Maranhão à Independência', source: STATE_LAW, from: 1965 }],
  MT: [{ month: 11, day: 20, name: 'Dia da Consciência Negra', source: STATE_LAW, from: 2003, to: 2023 }],
  MS: [{ month: 10, day: 11, name: 'Criação do Estado de Mato Grosso do Sul', source: STATE_LAW, from: 1980 }],
  MG: [{ month: 4, day: 21, name: 'Data Magna de Minas Gerais', source: 'Constituição do Estado de Minas Gerais, art. 256' }],
  PA: [{ month: 8, day: 15, name: 'Adesão do Grão-Pará à Independência', source: STATE_LAW, from: 1997 }],
  PB: [
    { month: 7, day: 26, name: 'Homenagem a João Pessoa', source: STATE_LAW },
    { month: 8, day: 5, name: 'Nossa Senhora das Neves (Fundação do Estado)', source: STATE_LAW, from: 1968 },
  ],
  PR: [{ month: 12, day: 19, name: 'Emancipação Política do Paraná', source: STATE_LAW, from: 1963 }],
  PE: [{ month: 3, nthSunday: 1, name: 'Revolução Pernambucana de 1817', source: 'Lei estadual PE 13.835/2009', from: 2010 }],
  PI: [{ month: 10, day: 19, name: 'Dia do Piauí', source: STATE_LAW }],
  RJ: [
    { easter: -47, name: 'Carnaval', source: STATE_LAW, from: 2009 },
    { month: 4, day: 23, name: 'Dia de São Jorge', source: 'Lei estadual RJ 5.198/2008', from: 2008 },
    { month: 11, day: 20, name: 'Dia da Consciência Negra', source: STATE_LAW, from: 2002, to: 2023 },
  ],
  RN: [{ month: 10, day: 3, name: 'Mártires de Cunhaú e Uruaçu', source: STATE_LAW, from: 2007 }],
  RS: [{ month: 9, day: 20, name: 'Revolução Farroupilha', source: STATE_LAW }],
  RO: [
    { month: 1, day: 4, name: 'Criação do Estado de Rondônia', source: STATE_LAW, from: 2011 },
    { month: 6, day: 18, name: 'Dia do Evangélico', source: STATE_LAW, from: 2002 },
  ],
  RR: [{ month: 10, day: 5, name: 'Criação do Estado de Roraima', source: 'Constituição do Estado de Roraima' }],
  SC: [
    { month: 8, day: 11, name: 'Data Magna de Santa Catarina', source: STATE_LAW, from: 2004, to: 2004 },
    { month: 11, day: 25, name: 'Santa Catarina de Alexandria', source: STATE_LAW, from: 1997, to: 2004 },
    { month: 8, day: 11, nextSunday: true, name: 'Data Magna de Santa Catarina', source: STATE_LAW, from: 2005 },
    { month: 11, day: 25, nextSunday: true, name: 'Santa Catarina de Alexandria', source: STATE_LAW, from: 2005 },
  ],
  SP: [
    { month: 7, day: 9, name: 'Revolução Constitucionalista de 1932', source: 'Lei estadual SP 9.497/1997', from: 1997 },
    { month: 11, day: 20, name: 'Dia da Consciência Negra', source: STATE_LAW, from: 2023, to: 2023 },
  ],
  SE: [{ month: 7, day: 8, name: 'Emancipação Política de Sergipe', source: 'Constituição do Estado de Sergipe' }],
  TO: [
    { month: 3, day: 18, name: 'Autonomia do Estado do Tocantins', source: STATE_LAW, from: 1998 },
    { month: 9, day: 8, name: 'Nossa Senhora da Natividade', source: STATE_LAW, from: 1994 },
    { month: 10, day: 5, name: 'Criação do Estado do Tocantins', source: STATE_LAW, from: 1990 },
  ],
};

/**
 * Municipal holidays are configuration: each city's law, keyed "UF/Cidade". The defaults are the
 * capitals' best-known ones; an agency passes the cities of its debtors (`--municipal FILE` in
 * `recupera calc`, `municipalHolidays` in the requests), in this same shape.
 */
export type MunicipalHolidays = Readonly<Record<string, readonly HolidayRule[]>>;

export const DEFAULT_MUNICIPAL_HOLIDAYS: MunicipalHolidays = {
  'SP/São Paulo': [
    { month: 1, day: 25, name: 'Aniversário de São Paulo', source: CITY_LAW },
    { easter: 60, name: 'Corpus Christi', source: 'Lei municipal SP 14.485/2007' },
    { month: 11, day: 20, name: 'Dia da Consciência Negra', source: CITY_LAW, from: 2004, to: 2023 },
  ],
  'RJ/Rio de Janeiro': [
    { month: 1, day: 20, name: 'São Sebastião', source: CITY_LAW },
    { easter: 60, name: 'Corpus Christi', source: CITY_LAW },
  ],
  'MG/Belo Horizonte': [
    { month: 8, day: 15, name: 'Assunção de Nossa Senhora', source: CITY_LAW },
    { month: 12, day: 8, name: 'Imaculada Conceição', source: CITY_LAW },
  ],
  'PR/Curitiba': [{ month: 9, day: 8, name: 'Nossa Senhora da Luz dos Pinhais', source: CITY_LAW }],
  'GO/Goiânia': [{ month: 5, day: 24, name: 'Nossa Senhora Auxiliadora', source: 'Lei municipal Goiânia 701/1956', from: 1957 }],
  'PE/Recife': [
    { month: 7, day: 16, name: 'Nossa Senhora do Carmo', source: CITY_LAW },
    { month: 12, day: 8, name: 'Nossa Senhora da Conceição', source: CITY_LAW },
  ],
};

export function municipalKey(uf: string, city: string): string {
  return `${uf.toUpperCase()}/${normalizeKey(city)}`;
}

/** The date of a rule in a year, or null when the rule was not in force that year. */
export function dateOfRule(rule: HolidayRule, year: number): IsoDate | null {
  if ((rule.from !== undefined && year < rule.from) || (rule.to !== undefined && year > rule.to)) return null;
  if ('easter' in rule) return fromEaster(year, rule.easter);
  const month = String(rule.month).padStart(2, '0');
  const y = String(year).padStart(4, '0');
  if ('nthSunday' in rule) {
    const first = `${y}-${month}-01`;
    const day = 1 + ((7 - weekday(first)) % 7) + 7 * (rule.nthSunday - 1);
    return `${y}-${month}-${String(day).padStart(2, '0')}`;
  }
  const date = `${y}-${month}-${String(rule.day).padStart(2, '0')}`;
  return 'nextSunday' in rule ? addDays(date, (7 - weekday(date)) % 7) : date;
}
