import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zBooleanQuery, zUuid } from '../../api/zod.ts';
import { listingIneligibility } from '../../domain/escalation/listing.ts';
import { protestIneligibility } from '../../domain/escalation/protest.ts';
import { notFound } from '../../shared/errors.ts';
import { recordAccess } from '../audit/record-access.ts';
import { scopeOf } from '../auth/permissions.ts';
import { loadCandidates } from './candidates.ts';
import { listingOutput, listListings, requestListing, requestListingInput, requestRemoval } from './listings.ts';
import { exportProtests, listProtests, markProtested, markProtestedInput, protestOutput, renderConsentLetter, requestProtest } from './protests.ts';

const tags = ['negativação e protesto'];
const debtParams = z.object({ debtId: zUuid });
const reasons = z.array(z.object({ reason: z.string(), message: z.string(), source: z.string() }));

export async function escalationRoutes(app: App, { db, config, today }: ApiContext) {
  app.get(
    '/api/debts/:debtId/escalation',
    {
      schema: {
        tags,
        summary: 'O título pode ser negativado? protestado? Os motivos, com a fonte legal, e as negativações e protestos existentes',
        params: debtParams,
        response: { 200: z.object({ balanceCents: z.number().int(), listing: z.object({ eligible: z.boolean(), reasons }), protest: z.object({ eligible: z.boolean(), reasons }), listings: z.array(listingOutput), protests: z.array(protestOutput) }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const c = await db.scoped(scopeOf(actor), async (tx) => {
        const found = (await loadCandidates(tx, [request.params.debtId], today())).get(request.params.debtId);
        if (found) await recordAccess(tx, actor, { action: 'read', resource: 'escalation', subjectIds: [found.debt.debtor_id], route: routeOf(request) });
        return found;
      });
      if (!c) throw notFound('Título');
      const listing = listingIneligibility(c.candidate, today());
      const protest = protestIneligibility(c.candidate, today());
      return {
        balanceCents: c.balanceCents,
        listing: { eligible: listing.length === 0, reasons: listing },
        protest: { eligible: protest.length === 0, reasons: protest },
        listings: await listListings(db, actor, { debtId: request.params.debtId }),
        protests: await listProtests(db, actor, { debtId: request.params.debtId }),
      };
    },
  );
  app.post(
    '/api/debts/:debtId/listings',
    { schema: { tags, summary: 'Pedir a negativação de um título (enviada ao birô no próximo acompanhamento diário)', params: debtParams, body: requestListingInput, response: { 201: listingOutput } } },
    async (request, reply) => reply.status(201).send(await requestListing(db, actorOf(request), request.params.debtId, request.body.bureau ?? config.BUREAU_NAME, today())),
  );
  app.get(
    '/api/listings',
    {
      schema: {
        tags,
        summary: 'Negativações; attention=true: baixas perto do prazo de 5 dias úteis (Súmula 548) ou com erro do birô',
        querystring: z.object({ status: z.enum(['requested', 'notified', 'active', 'removal_requested', 'removed', 'refused', 'cancelled']).optional(), debtId: zUuid.optional(), attention: zBooleanQuery.optional() }),
        response: { 200: z.object({ items: z.array(listingOutput) }) },
      },
    },
    async (request) => ({ items: await listListings(db, actorOf(request), request.query) }),
  );
  app.post(
    '/api/listings/:listingId/removal',
    { schema: { tags, summary: 'Pedir a baixa de uma negativação agora, com o motivo', params: z.object({ listingId: zUuid }), body: z.object({ reason: z.string().trim().min(5).max(500) }), response: { 200: listingOutput } } },
    async (request) => requestRemoval(db, actorOf(request), request.params.listingId, request.body.reason, today()),
  );
  app.post(
    '/api/debts/:debtId/protests',
    { schema: { tags, summary: 'Incluir um título entre os candidatos a protesto', params: debtParams, response: { 201: protestOutput } } },
    async (request, reply) => reply.status(201).send(await requestProtest(db, actorOf(request), request.params.debtId, today())),
  );
  app.get(
    '/api/protests',
    { schema: { tags, summary: 'Protestos', querystring: z.object({ status: z.enum(['candidate', 'exported', 'protested', 'settled', 'withdrawn']).optional(), debtId: zUuid.optional() }), response: { 200: z.object({ items: z.array(protestOutput) }) } } },
    async (request) => ({ items: await listProtests(db, actorOf(request), request.query) }),
  );
  app.post(
    '/api/protests/export',
    { schema: { tags, summary: 'Exportar os candidatos a protesto (CSV para o envio eletrônico aos tabelionatos); os que deixaram de ser elegíveis são retirados', body: z.object({ creditorId: zUuid.optional() }) } },
    async (request, reply) => {
      const result = await exportProtests(db, actorOf(request), request.body.creditorId, today());
      reply.header('content-disposition', `attachment; filename="protestos-${today()}.csv"`).header('x-export-id', result.exportId).header('x-exported', String(result.exported)).header('x-withdrawn', String(result.withdrawn.length));
      return reply.type('text/csv; charset=utf-8').send(result.csv);
    },
  );
  app.post(
    '/api/protests/:protestId/protested',
    { schema: { tags, summary: 'Registrar o protesto lavrado pelo tabelionato (interrompe a prescrição, CC art. 202 III)', params: z.object({ protestId: zUuid }), body: markProtestedInput, response: { 200: protestOutput } } },
    async (request) => markProtested(db, actorOf(request), request.params.protestId, request.body, today()),
  );
  app.get(
    '/api/protests/:protestId/consent-letter',
    { schema: { tags, summary: 'Carta de anuência (PDF; ?format=txt) de um protesto quitado', params: z.object({ protestId: zUuid }), querystring: z.object({ format: z.enum(['pdf', 'txt']).default('pdf') }) } },
    async (request, reply) => {
      const letter = await renderConsentLetter(db, actorOf(request), request.params.protestId, today(), routeOf(request));
      if (request.query.format === 'txt') return reply.type('text/plain; charset=utf-8').send(letter.text);
      reply.header('content-disposition', `attachment; filename="${letter.fileName}"`);
      return reply.type('application/pdf').send(letter.pdf);
    },
  );
}
