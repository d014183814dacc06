import type { CepAddress, EnrichmentResult, FoundName } from '../../domain/enrichment/enrichment.ts';
import { formatDocument } from '../../brazil/documents.ts';
import { formatCep } from '../../brazil/uf.ts';
import { getProviderJson, type CepProvider, type DocumentProvider, type HttpOptions } from './providers.ts';

/**
 * BrasilAPI (https://brasilapi.com.br): the public company registry of the Receita Federal by
 * CNPJ (GET /api/cnpj/v1/{cnpj}) and postal codes (GET /api/cep/v1/{cep}). The parsers below
 * are pure and accept the field variants the service has sent over time (a CEP as a number that
 * lost its leading zero, "11  23851939" phones, the street type under two names).
 */
export const BRASILAPI_CNPJ = 'brasilapi';
export const BRASILAPI_CEP = 'brasilapi-cep';

const text = (value: unknown): string | null => {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const clean = String(value).replace(/\s+/g, ' ').trim();
  return clean === '' ? null : clean;
};

/** The CEP as eight digits, whether sent as "01422-000", "01422000" or 1422000. */
export function cepDigits(value: unknown): string | null {
  const digits = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.replace(/\D/g, '') : '';
  if (digits === '' || digits.length > 8) return null;
  return digits.padStart(8, '0');
}

/** Maps a /api/cnpj/v1 answer to the provider-neutral result. */
export function parseCnpjAnswer(body: Record<string, unknown>, cnpj: string, fetchedAt: Date): EnrichmentResult {
  const source = BRASILAPI_CNPJ;
  const observedOn = fetchedAt.toISOString().slice(0, 10);
  const names: FoundName[] = [];
  const legal = text(body.razao_social);
  if (legal) names.push({ value: legal, role: 'legal_name', detail: null, source, observedOn });
  const trade = text(body.nome_fantasia);
  if (trade && trade !== legal) names.push({ value: trade, role: 'trade_name', detail: null, source, observedOn });
  const partners = Array.isArray(body.qsa) ? (body.qsa as Array<Record<string, unknown>>) : [];
  for (const p of partners) {
    const name = text(p.nome_socio);
    if (name) names.push({ value: name, role: 'partner', detail: text(p.qualificacao_socio), source, observedOn });
  }

  const addresses: EnrichmentResult['addresses'] = [];
  const cep = cepDigits(body.cep);
  const city = text(body.municipio);
  const uf = text(body.uf);
  const name = text(body.logradouro);
  if (cep && city && uf && name) {
    const type = text(body.descricao_tipo_de_logradouro) ?? text(body.descricao_tipo_logradouro);
    const number = text(body.numero);
    addresses.push({
      street: type && !name.startsWith(`${type} `) ? `${type} ${name}` : name,
      number: number && !/^s\.?\/?n\.?$/i.test(number) ? number : null,
      complement: text(body.complemento),
      district: text(body.bairro),
      city,
      uf: uf.toUpperCase(),
      cep,
      source,
      observedOn,
    });
  }

  const phones = [body.ddd_telefone_1, body.ddd_telefone_2]
    .map((p) => (typeof p === 'string' ? p.replace(/\D/g, '') : ''))
    .filter((p) => p.length >= 10)
    .map((value) => ({ value, source, observedOn }));
  const email = text(body.email);
  const emails = email ? [{ value: email.toLowerCase(), source, observedOn }] : [];

  return {
    document: cnpj,
    kind: 'pj',
    provider: source,
    fetchedAt: fetchedAt.toISOString(),
    names,
    addresses,
    phones,
    emails,
    company: {
      status: text(body.descricao_situacao_cadastral),
      statusDate: text(body.data_situacao_cadastral),
      mainActivity: text(body.cnae_fiscal_descricao),
      openedOn: text(body.data_inicio_atividade),
      partners: partners.flatMap((p) => {
        const n = text(p.nome_socio);
        return n ? [{ name: n, qualification: text(p.qualificacao_socio), since: text(p.data_entrada_sociedade) }] : [];
      }),
    },
  };
}

/** Maps a /api/cep/v1 answer. */
export function parseCepAnswer(body: Record<string, unknown>, cep: string): CepAddress | null {
  const uf = text(body.state);
  const city = text(body.city);
  if (!uf || !city) return null;
  return { cep: cepDigits(body.cep) ?? cep, uf: uf.toUpperCase(), city, district: text(body.neighborhood), street: text(body.street), provider: BRASILAPI_CEP, service: text(body.service) };
}

export function brasilApiCnpjProvider(options: HttpOptions & { now: () => Date }): DocumentProvider {
  return {
    name: BRASILAPI_CNPJ,
    documentKinds: ['cnpj'],
    async lookup(cnpj) {
      const answer = await getProviderJson(options, `/api/cnpj/v1/${cnpj}`, { provider: 'BrasilAPI', subject: `o CNPJ ${formatDocument(cnpj)}` });
      return answer.found ? { found: true, result: parseCnpjAnswer(answer.result as Record<string, unknown>, cnpj, options.now()) } : answer;
    },
  };
}

export function brasilApiCepProvider(options: HttpOptions): CepProvider {
  return {
    name: BRASILAPI_CEP,
    async lookup(cep) {
      const answer = await getProviderJson(options, `/api/cep/v1/${cep}`, { provider: 'BrasilAPI', subject: `o CEP ${formatCep(cep)}` });
      if (!answer.found) return answer;
      const result = parseCepAnswer(answer.result as Record<string, unknown>, cep);
      return result ? { found: true, result } : { found: false };
    },
  };
}
