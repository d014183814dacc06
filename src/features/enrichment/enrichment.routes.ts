import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zCents, zPage, zPageMeta, zUuid } from '../../api/zod.ts';
import { contactOutput, toContactOutput } from '../debtors/debtors.ts';
import { enrichDebtor, enrichmentSetupOf, listLookups, lookupCep, lookupDocument, setBudget, STAND_IN_PREFIX, type EnrichmentContext } from './enrichment.ts';
import { standInBrasilApi } from './stand-in-brasilapi.ts';

const tags = ['enriquecimento'];

const sourced = { source: z.string().describe('Provedor de onde veio o dado'), observedOn: z.string().describe('Data do dado (AAAA-MM-DD)') };
const resultOutput = z.object({
  document: z.string(),
  kind: z.enum(['pf', 'pj']),
  provider: z.string(),
  fetchedAt: z.string(),
  names: z.array(z.object({ value: z.string(), role: z.enum(['legal_name', 'trade_name', 'partner']), detail: z.string().nullable(), ...sourced })),
  addresses: z.array(
    z.object({ street: z.string(), number: z.string().nullable(), complement: z.string().nullable(), district: z.string().nullable(), city: z.string(), uf: z.string(), cep: z.string(), ...sourced }),
  ),
  phones: z.array(z.object({ value: z.string(), ...sourced })),
  emails: z.array(z.object({ value: z.string(), ...sourced })),
  company: z
    .object({
      status: z.string().nullable(),
      statusDate: z.string().nullable(),
      mainActivity: z.string().nullable(),
      openedOn: z.string().nullable(),
      partners: z.array(z.object({ name: z.string(), qualification: z.string().nullable(), since: z.string().nullable() })),
    })
    .nullable(),
});

const lookupMeta = {
  lookupId: z.uuid(),
  provider: z.string(),
  found: z.boolean(),
  cached: z.boolean().describe('Servido do cache (gratuito)'),
  costCents: z.number().int(),
  fetchedAt: z.date(),
  expiresAt: z.date(),
};

const cepOutput = z.object({ cep: z.string(), uf: z.string(), city: z.string(), district: z.string().nullable(), street: z.string().nullable(), provider: z.string(), service: z.string().nullable() });

const budgetOutput = z.object({
  day: z.string(),
  budgetCents: z.number().int(),
  maxLookups: z.number().int(),
  spentCents: z.number().int(),
  paidLookups: z.number().int(),
  remainingCents: z.number().int(),
  remainingLookups: z.number().int(),
  budgetSource: z.enum(['tenant', 'config']),
});

export async function enrichmentRoutes(app: App, { db, config, now }: ApiContext) {
  const ctx: EnrichmentContext = { db, setup: enrichmentSetupOf(config, now), now };

  app.post(
    '/api/enrichment/lookup',
    {
      schema: {
        tags,
        summary: 'Consultar dados de um CPF/CNPJ no provedor (prévia: preenche formulários, não grava no devedor)',
        body: z.object({ document: z.string().trim().min(1).max(20).describe('CPF ou CNPJ, com ou sem pontuação') }),
        response: { 200: z.object({ ...lookupMeta, result: resultOutput.nullable() }) },
      },
    },
    async (request) => lookupDocument(ctx, actorOf(request), request.body.document, { route: routeOf(request) }),
  );

  app.get(
    '/api/enrichment/cep',
    {
      schema: {
        tags,
        summary: 'Endereço de um CEP',
        querystring: z.object({ cep: z.string().trim().min(1).max(10).describe('CEP, com ou sem hífen') }),
        response: { 200: z.object({ ...lookupMeta, result: cepOutput.nullable() }) },
      },
    },
    async (request) => lookupCep(ctx, actorOf(request), request.query.cep, routeOf(request)),
  );

  app.post(
    '/api/debtors/:debtorId/enrich',
    {
      schema: {
        tags,
        summary: 'Enriquecer o cadastro do devedor: contatos encontrados entram como não verificados, sem tocar nos existentes',
        params: z.object({ debtorId: zUuid }),
        response: {
          200: z.object({
            lookup: z.object(lookupMeta),
            result: resultOutput.nullable(),
            nameMatches: z.boolean().nullable().describe('O nome do devedor confere com a razão social encontrada'),
            added: z.array(contactOutput),
            skipped: z.array(z.object({ channel: z.enum(['phone', 'email', 'address']), display: z.string(), reason: z.string(), reasonLabel: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const report = await enrichDebtor(ctx, actorOf(request), request.params.debtorId, routeOf(request));
      return { ...report, added: report.added.map(toContactOutput) };
    },
  );

  app.get(
    '/api/enrichment/lookups',
    {
      schema: {
        tags,
        summary: 'Registro das consultas de enriquecimento (base legal, custo, cache) e o orçamento de hoje',
        querystring: z.object({ debtorId: zUuid.optional(), ...zPage }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(), at: z.date(), userId: z.uuid().nullable(), userName: z.string().nullable(), debtorId: z.uuid().nullable(),
                document: z.string(), documentFormatted: z.string(), kind: z.enum(['document', 'cep']), provider: z.string(), legalBasis: z.string(),
                costCents: z.number().int(), cached: z.boolean(), outcome: z.string(), error: z.string().nullable(),
              }),
            ),
            ...zPageMeta,
            today: budgetOutput,
          }),
        },
      },
    },
    async (request) => listLookups(ctx, actorOf(request), request.query, routeOf(request)),
  );

  app.put(
    '/api/enrichment/budget',
    {
      schema: {
        tags,
        summary: 'Definir o orçamento diário de enriquecimento da assessoria (substitui o padrão da instalação)',
        body: z.object({ dailyBudgetCents: zCents.describe('Centavos por dia em consultas pagas'), dailyMaxLookups: z.number().int().min(0).max(1_000_000).describe('Consultas pagas por dia') }),
        response: { 200: budgetOutput },
      },
    },
    async (request) => setBudget(ctx, actorOf(request), request.body),
  );

  // The demo's BrasilAPI, on this server's own origin, so enrichment works without internet.
  if (config.SEED_DEMO) {
    app.get(`${STAND_IN_PREFIX}/*`, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const answer = standInBrasilApi('GET', request.url.split('?')[0]!.slice(STAND_IN_PREFIX.length));
      return reply.status(answer.status).type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
    });
  }
}
