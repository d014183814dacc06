import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zPageMeta, zUuid } from '../../api/zod.ts';
import {
  addContact, caseOutput, contactInput, contactOutput, contactPatch, debtorOutput, debtorPatch, debtorSearchQuery, debtorSummaryOutput,
  eventsQuery, getCase, getDebtor, listEvents, searchDebtors, toContactOutput, toDebtorOutput, updateContact, updateDebtor,
} from './debtors.ts';
import { eventOutput } from './timeline.ts';
import { createDebtor, debtorInput } from './create-debtor.ts';

const params = z.object({ debtorId: zUuid });
const tags = ['devedores'];

export async function debtorRoutes(app: App, { db, today }: ApiContext) {
  app.get(
    '/api/debtors',
    { schema: { tags, summary: 'Buscar devedores por nome ou CPF/CNPJ', querystring: debtorSearchQuery, response: { 200: z.object({ items: z.array(debtorSummaryOutput), ...zPageMeta }) } } },
    async (request) => searchDebtors(db, actorOf(request), request.query, routeOf(request)),
  );
  app.post(
    '/api/debtors',
    { schema: { tags, summary: 'Cadastrar devedor (com contatos) pelo back office', body: debtorInput, response: { 201: debtorOutput.extend({ contacts: z.array(contactOutput) }) } } },
    async (request, reply) => {
      const { debtor, contacts } = await createDebtor(db, actorOf(request), request.body, today(), routeOf(request));
      return reply.status(201).send({ ...toDebtorOutput(debtor), contacts: contacts.map(toContactOutput) });
    },
  );
  app.get(
    '/api/debtors/:debtorId',
    { schema: { tags, summary: 'Ver devedor e seus contatos', params, response: { 200: debtorOutput.extend({ contacts: z.array(contactOutput) }) } } },
    async (request) => {
      const { debtor, contacts } = await getDebtor(db, actorOf(request), request.params.debtorId, routeOf(request));
      return { ...toDebtorOutput(debtor), contacts: contacts.map(toContactOutput) };
    },
  );
  app.patch(
    '/api/debtors/:debtorId',
    { schema: { tags, summary: 'Alterar dados do devedor (renda declarada, superendividamento…)', params, body: debtorPatch, response: { 200: debtorOutput } } },
    async (request) => toDebtorOutput(await updateDebtor(db, actorOf(request), request.params.debtorId, request.body)),
  );
  app.get(
    '/api/debtors/:debtorId/case',
    { schema: { tags, summary: 'Visão do caso: devedor, contatos, títulos e linha do tempo', params, response: { 200: caseOutput } } },
    async (request) => getCase(db, actorOf(request), request.params.debtorId, routeOf(request)),
  );
  app.get(
    '/api/debtors/:debtorId/events',
    { schema: { tags, summary: 'Linha do tempo do caso (mais recentes primeiro)', params, querystring: eventsQuery, response: { 200: z.object({ items: z.array(eventOutput), hasMore: z.boolean() }) } } },
    async (request) => listEvents(db, actorOf(request), request.params.debtorId, request.query, routeOf(request)),
  );
  app.post(
    '/api/debtors/:debtorId/contacts',
    { schema: { tags, summary: 'Adicionar contato (telefone, e-mail, endereço ou referência)', params, body: contactInput, response: { 201: contactOutput } } },
    async (request, reply) => reply.status(201).send(toContactOutput(await addContact(db, actorOf(request), request.params.debtorId, request.body))),
  );
  app.patch(
    '/api/contacts/:contactId',
    { schema: { tags, summary: 'Alterar contato: verificado, opt-out por canal, opt-in de WhatsApp, inválido', params: z.object({ contactId: zUuid }), body: contactPatch, response: { 200: contactOutput } } },
    async (request) => toContactOutput(await updateContact(db, actorOf(request), request.params.contactId, request.body)),
  );
}
