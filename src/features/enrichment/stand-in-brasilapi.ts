import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cnpjProblem, formatDocument, normalizeDocument } from '../../brazil/documents.ts';
import { SeededRandom } from '../../domain/random.ts';
import { CITIES, COMPANY_TRADES, COMPANY_WORDS, DISTRICTS, FIRST_NAMES, STREETS, SURNAMES } from '../demo/demo-data.ts';

/**
 * A local BrasilAPI for tests and the demo, speaking its response format for
 * GET /api/cnpj/v1/{cnpj} and GET /api/cep/v1/{cep} (fields, types and error bodies as the real
 * service returns them). Every company is fictitious: a valid CNPJ gets a company derived from
 * its digits (same CNPJ, same company, on every machine), except a few fixed ones below and the
 * roots ending in 404, which are "not found". CEPs resolve inside the demo's cities' ranges
 * (street and district derived from the digits); a CEP ending in 999 or outside them is unknown.
 */

export interface StandInResponse {
  status: number;
  body: unknown;
}

const upper = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase();

/** A street name split as the Receita Federal does: type apart ("RUA", "AVENIDA") from the name. */
function splitStreet(street: string): { type: string; name: string } {
  const [type, ...rest] = street.split(' ');
  return { type: upper(type!), name: upper(rest.join(' ')) };
}

/** The city of a CEP among the demo's cities (its first five digits in the city's range), or null. */
function cityOfCep(cep: string) {
  const prefix = Number(cep.slice(0, 5));
  return CITIES.find((c) => prefix >= c.cep[0] && prefix <= c.cep[1]) ?? null;
}

/** Fixed CEPs with their real-looking streets (the rest are derived). */
const FIXED_CEPS: Record<string, { street: string; neighborhood: string; city: string; state: string }> = {
  '01310100': { street: 'Avenida Paulista', neighborhood: 'Bela Vista', city: 'São Paulo', state: 'SP' },
  '20040002': { street: 'Avenida Rio Branco', neighborhood: 'Centro', city: 'Rio de Janeiro', state: 'RJ' },
  '30130010': { street: 'Avenida Afonso Pena', neighborhood: 'Centro', city: 'Belo Horizonte', state: 'MG' },
  '80010000': { street: 'Rua XV de Novembro', neighborhood: 'Centro', city: 'Curitiba', state: 'PR' },
};

export function cepAnswer(cep: string): { cep: string; state: string; city: string; neighborhood: string; street: string; service: string } | null {
  const fixed = FIXED_CEPS[cep];
  if (fixed) return { cep, ...fixed, service: 'correios' };
  const city = cityOfCep(cep);
  if (!city || cep.endsWith('999')) return null;
  const rng = new SeededRandom(`cep:${cep}`);
  return { cep, state: city.uf, city: city.city, neighborhood: rng.pick(DISTRICTS), street: rng.pick(STREETS), service: rng.pick(['correios', 'viacep', 'widenet']) };
}

interface Company {
  razao_social: string;
  nome_fantasia: string;
  situacao: [number, string, string];
  abertura: string;
  cnae: [number, string];
  cep: string;
  numero: string;
  complemento: string;
  telefones: [string | null, string | null];
  email: string | null;
  socios: Array<[string, number, string, string]>;
}

/** Fixed companies (fictitious), for the docs and for tests that want exact values. */
const FIXED_COMPANIES: Record<string, Company> = {
  '11222333000181': {
    razao_social: 'PADARIA PAO DOURADO LTDA',
    nome_fantasia: 'PAO DOURADO',
    situacao: [2, 'ATIVA', '2015-03-10'],
    abertura: '2015-03-10',
    cnae: [1091102, 'Fabricação de produtos de padaria e confeitaria com predominância de produção própria'],
    cep: '01310100',
    numero: '1578',
    complemento: 'LOJA  2',
    // As the service sends them: area code, two spaces, the number; the second a mobile.
    telefones: ['11  32851234', '11  987654321'],
    email: 'FINANCEIRO@PAODOURADO.EXEMPLO.TEST',
    socios: [
      ['HELENA MARQUES DIAS', 49, 'Sócio-Administrador', '2015-03-10'],
      ['ROBERTO DIAS NETO', 22, 'Sócio', '2018-07-02'],
    ],
  },
  '45723174000110': {
    razao_social: 'DISTRIBUIDORA HORIZONTE DE BEBIDAS LTDA',
    nome_fantasia: '',
    situacao: [8, 'BAIXADA', '2024-02-29'],
    abertura: '2009-05-18',
    cnae: [4635499, 'Comércio atacadista de bebidas não especificadas anteriormente'],
    cep: '80010000',
    numero: '450',
    complemento: '',
    telefones: ['4133221100', null],
    email: null,
    socios: [['CARLOS EDUARDO ROCHA', 49, 'Sócio-Administrador', '2009-05-18']],
  },
};

function syntheticCompany(cnpj: string): Company {
  const rng = new SeededRandom(`cnpj:${cnpj}`);
  const word = rng.pick(COMPANY_WORDS);
  const trade = rng.pick(COMPANY_TRADES);
  const weighted = CITIES.flatMap((c) => Array<typeof c>(c.weight).fill(c));
  const city = rng.pick(weighted);
  let cep = String(rng.int(city.cep[0], city.cep[1])).padStart(5, '0') + String(rng.int(0, 998)).padStart(3, '0');
  if (FIXED_CEPS[cep]) cep = cep.slice(0, 5) + '001';
  const landline = `${city.ddd}${rng.int(2, 5)}${rng.digits(7)}`;
  const mobile = rng.chance(0.6) ? `${city.ddd}9${rng.int(6, 9)}${rng.digits(7)}` : null;
  const slug = upper(word).toLowerCase().replace(/[^a-z]+/g, '');
  const partners = rng.int(1, 3);
  const opened = `${rng.int(1995, 2022)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  return {
    razao_social: upper(`${trade} ${word} ${rng.pick(['Ltda', 'Eireli', 'S.A.', 'Ltda ME'])}`),
    nome_fantasia: rng.chance(0.7) ? upper(`${word} ${trade.split(' ')[0]}`) : '',
    situacao: [2, 'ATIVA', opened],
    abertura: opened,
    cnae: [4712100, 'Comércio varejista de mercadorias em geral, com predominância de produtos alimentícios'],
    cep,
    numero: String(rng.int(1, 3000)),
    complemento: rng.chance(0.3) ? `SALA ${rng.int(1, 40)}` : '',
    telefones: [landline, mobile],
    email: rng.chance(0.8) ? `CONTATO@${slug.toUpperCase()}${cnpj.slice(4, 8)}.EXEMPLO.TEST` : null,
    socios: Array.from({ length: partners }, (_, i) => [
      upper(`${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)} ${rng.pick(SURNAMES)}`),
      i === 0 ? 49 : 22,
      i === 0 ? 'Sócio-Administrador' : 'Sócio',
      opened,
    ]),
  };
}

/** GET /api/cnpj/v1/{cnpj} as BrasilAPI answers it (null: not found). */
export function cnpjAnswer(cnpj: string): Record<string, unknown> | null {
  if (/404$/.test(cnpj.slice(0, 8))) return null;
  const c = FIXED_COMPANIES[cnpj] ?? syntheticCompany(cnpj);
  const place = cepAnswer(c.cep)!;
  const street = splitStreet(place.street);
  return {
    uf: place.state,
    cep: c.cep,
    qsa: c.socios.map(([nome, codigo, qualificacao, entrada], i) => ({
      pais: null,
      nome_socio: nome,
      codigo_pais: null,
      faixa_etaria: 'Entre 41 a 50 anos',
      cnpj_cpf_do_socio: `***${String(100000 + i * 7919 + Number(cnpj.slice(0, 5))).slice(-6)}**`,
      qualificacao_socio: qualificacao,
      codigo_faixa_etaria: 5,
      data_entrada_sociedade: entrada,
      identificador_de_socio: 2,
      cpf_representante_legal: '***000000**',
      nome_representante_legal: '',
      codigo_qualificacao_socio: codigo,
      qualificacao_representante_legal: 'Não informada',
      codigo_qualificacao_representante_legal: 0,
    })),
    cnpj,
    pais: null,
    email: c.email,
    porte: 'MICRO EMPRESA',
    bairro: upper(place.neighborhood),
    numero: c.numero,
    ddd_fax: '',
    municipio: upper(place.city),
    logradouro: street.name,
    cnae_fiscal: c.cnae[0],
    codigo_pais: null,
    complemento: c.complemento,
    codigo_porte: 1,
    razao_social: c.razao_social,
    nome_fantasia: c.nome_fantasia,
    capital_social: 10000,
    ddd_telefone_1: c.telefones[0] ?? '',
    ddd_telefone_2: c.telefones[1] ?? '',
    opcao_pelo_mei: false,
    descricao_porte: '',
    codigo_municipio: 7107,
    cnaes_secundarios: [{ codigo: 0, descricao: '' }],
    natureza_juridica: 'Sociedade Empresária Limitada',
    situacao_especial: '',
    opcao_pelo_simples: true,
    situacao_cadastral: c.situacao[0],
    data_opcao_pelo_mei: null,
    data_exclusao_do_mei: null,
    cnae_fiscal_descricao: c.cnae[1],
    codigo_municipio_ibge: 3550308,
    data_inicio_atividade: c.abertura,
    data_situacao_especial: null,
    data_opcao_pelo_simples: '2018-01-01',
    data_situacao_cadastral: c.situacao[2],
    nome_cidade_no_exterior: '',
    codigo_natureza_juridica: 2062,
    data_exclusao_do_simples: null,
    motivo_situacao_cadastral: 0,
    ente_federativo_responsavel: '',
    identificador_matriz_filial: 1,
    qualificacao_do_responsavel: 49,
    descricao_situacao_cadastral: c.situacao[1],
    descricao_tipo_de_logradouro: street.type,
    descricao_motivo_situacao_cadastral: 'SEM MOTIVO',
    descricao_identificador_matriz_filial: 'MATRIZ',
  };
}

/** One request to the stand-in, answered as BrasilAPI would (status and JSON body). */
export function standInBrasilApi(method: string, pathname: string): StandInResponse {
  if (method !== 'GET') return { status: 405, body: { message: 'Método não permitido.', type: 'method_not_allowed', name: 'MethodNotAllowedError' } };
  const cnpjMatch = /^\/api\/cnpj\/v1\/([^/]+)$/.exec(pathname);
  if (cnpjMatch) {
    const raw = decodeURIComponent(cnpjMatch[1]!);
    const cnpj = normalizeDocument(raw);
    if (cnpjProblem(cnpj) !== null) return { status: 400, body: { message: `CNPJ ${raw} inválido.`, type: 'bad_request', name: 'BadRequestError' } };
    const answer = cnpjAnswer(cnpj);
    if (!answer) return { status: 404, body: { message: `CNPJ ${formatDocument(cnpj)} não encontrado.`, type: 'not_found', name: 'NotFoundError' } };
    return { status: 200, body: answer };
  }
  const cepMatch = /^\/api\/cep\/v1\/([^/]+)$/.exec(pathname);
  if (cepMatch) {
    const cep = decodeURIComponent(cepMatch[1]!).replace(/\D/g, '');
    if (cep.length !== 8) {
      return {
        status: 400,
        body: {
          name: 'CepPromiseError',
          message: 'CEP deve conter exatamente 8 caracteres.',
          type: 'validation_error',
          errors: [{ message: `CEP informado possui ${cep.length > 8 ? 'mais' : 'menos'} do que 8 caracteres.`, service: 'cep_validation' }],
        },
      };
    }
    const answer = cepAnswer(cep);
    if (!answer) {
      return {
        status: 404,
        body: {
          name: 'CepPromiseError',
          message: 'Todos os serviços de CEP retornaram erro.',
          type: 'service_error',
          errors: [
            { name: 'ServiceError', message: 'CEP INVÁLIDO', service: 'correios' },
            { name: 'ServiceError', message: 'CEP não encontrado na base do ViaCEP.', service: 'viacep' },
          ],
        },
      };
    }
    return { status: 200, body: answer };
  }
  return { status: 404, body: { message: 'Rota não encontrada.', type: 'not_found', name: 'NotFoundError' } };
}

export interface StandInBrasilApiServer {
  url: string;
  /** Requests received (method and path), for tests that count calls to the provider. */
  requests: string[];
  /** The next `count` requests get `status` (429, 500, 503…) with the service's error body. */
  failNext(status: number, count?: number): void;
  /** Answer after `ms` milliseconds from now on (0: at once), to exercise the client's timeout. */
  delay(ms: number): void;
  close(): Promise<void>;
}

/** The stand-in on a local port (port 0: any free one). */
export async function startStandInBrasilApi(options: { port?: number } = {}): Promise<StandInBrasilApiServer> {
  const requests: string[] = [];
  const failures: number[] = [];
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push(`${req.method} ${url.pathname}`);
    const forced = failures.shift();
    const answer: StandInResponse = forced
      ? { status: forced, body: forced === 429 ? { message: 'Too many requests, please try again later.' } : { name: 'InternalError', message: 'Erro interno do servidor.', type: 'internal_error' } }
      : standInBrasilApi(req.method ?? 'GET', url.pathname);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
    };
    if (delayMs > 0) setTimeout(send, delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext: (status, count = 1) => failures.push(...Array<number>(count).fill(status)),
    delay: (ms) => (delayMs = ms),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
