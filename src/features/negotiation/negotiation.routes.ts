import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import {
  acceptAgreement, acceptInput, agreementOutput, approveAgreement, cancelAgreement, createAgreement, createAgreementInput, getAgreement, listAgreements,
  negotiationInput, offersOutput, proposalInput, simulateOffers,
} from './agreements.ts';
import { renderDocument, sendDocument, sendDocumentInput, type DocumentRequest } from './documents.ts';
import { listOfferPolicies, offerPolicyInput, offerPolicyOutput, saveOfferPolicy } from './offer-policies.ts';
import { paymentInput, paymentOutput, registerPayment } from './payments.ts';
import { cancelPromise, createPromise, listPromises, promiseInput, promiseOutput } from './promises.ts';

const tags = ['negociação e acordos'];
const agreementParams = z.object({ agreementId: zUuid });
const reason = z.object({ reason: z.string().trim().min(5, 'informe o motivo (ao menos 5 caracteres)').max(1000) });
const documentKind = z.object({ agreementId: zUuid, kind: z.enum(['term', 'discharge']) });
const sentOutput = z.object({ sent: z.boolean(), to: z.string(), fileName: z.string(), pdfSha256: z.string(), messageId: z.string() });

export async function negotiationRoutes(app: App, { db, config, today }: ApiContext) {
  app.get(
    '/api/offer-policies',
    { schema: { tags, summary: 'Políticas de negociação (a padrão e as das carteiras)', querystring: z.object({ portfolioId: zUuid.optional() }), response: { 200: z.object({ items: z.array(offerPolicyOutput) }) } } },
    async (request) => ({ items: await listOfferPolicies(db, actorOf(request), request.query.portfolioId) }),
  );
  app.put(
    '/api/offer-policies',
    { schema: { tags, summary: 'Criar ou substituir a política de negociação de uma carteira (e segmento)', body: offerPolicyInput, response: { 200: offerPolicyOutput } } },
    async (request) => saveOfferPolicy(db, actorOf(request), request.body),
  );
  app.post(
    '/api/debtors/:debtorId/offers',
    {
      schema: {
        tags,
        summary: 'Simular propostas (à vista e parceladas) do saldo atualizado, dentro da política; com `proposal`, precifica os termos do analista e lista o que foge da política',
        params: z.object({ debtorId: zUuid }),
        body: negotiationInput.extend({ proposal: proposalInput.optional() }),
        response: { 200: offersOutput },
      },
    },
    async (request) => simulateOffers(db, actorOf(request), request.params.debtorId, request.body, today()),
  );
  app.post(
    '/api/agreements',
    { schema: { tags, summary: 'Criar um acordo proposto a partir de uma proposta (fora da política: aguarda aprovação de supervisor)', body: createAgreementInput, response: { 201: agreementOutput } } },
    async (request, reply) => reply.status(201).send(await createAgreement(db, actorOf(request), request.body, today())),
  );
  app.get(
    '/api/agreements',
    {
      schema: {
        tags,
        summary: 'Listar acordos',
        querystring: z.object({ debtorId: zUuid.optional(), status: z.enum(['proposed', 'accepted', 'active', 'fulfilled', 'broken', 'cancelled']).optional() }),
        response: { 200: z.object({ items: z.array(agreementOutput) }) },
      },
    },
    async (request) => ({ items: await listAgreements(db, actorOf(request), request.query) }),
  );
  app.get('/api/agreements/:agreementId', { schema: { tags, summary: 'Ver um acordo: termos, parcelas, aceite, aprovação', params: agreementParams, response: { 200: agreementOutput } } }, async (request) =>
    getAgreement(db, actorOf(request), request.params.agreementId, routeOf(request)),
  );
  app.post(
    '/api/agreements/:agreementId/approve',
    { schema: { tags, summary: 'Supervisor aprova uma proposta fora da política, com o motivo (auditado)', params: agreementParams, body: reason, response: { 200: agreementOutput } } },
    async (request) => approveAgreement(db, actorOf(request), request.params.agreementId, request.body.reason),
  );
  app.post(
    '/api/agreements/:agreementId/accept',
    { schema: { tags, summary: 'Registrar o aceite do devedor: data e hora, canal, IP e o texto exato do termo mostrado', params: agreementParams, body: acceptInput, response: { 200: agreementOutput } } },
    async (request) => acceptAgreement(db, actorOf(request), request.params.agreementId, { channel: request.body.channel, termsSha256: request.body.termsSha256, ip: request.ip }, today()),
  );
  app.post(
    '/api/agreements/:agreementId/cancel',
    { schema: { tags, summary: 'Cancelar um acordo (os títulos voltam, com os pagamentos imputados)', params: agreementParams, body: reason, response: { 200: agreementOutput } } },
    async (request) => cancelAgreement(db, actorOf(request), request.params.agreementId, request.body.reason, today()),
  );
  app.get(
    '/api/agreements/:agreementId/documents/:kind',
    {
      schema: {
        tags,
        summary: 'Documento do acordo em PDF (term: termo de acordo e confissão de dívida; discharge: carta de quitação); ?format=txt dá o texto cujo SHA-256 o aceite registra',
        params: documentKind,
        querystring: z.object({ format: z.enum(['pdf', 'txt']).default('pdf') }),
      },
    },
    async (request, reply) => {
      const document = await renderDocument(db, actorOf(request), request.params as DocumentRequest, today(), routeOf(request));
      return sendFile(reply, document, request.query.format);
    },
  );
  app.post(
    '/api/agreements/:agreementId/documents/:kind/send',
    { schema: { tags, summary: 'Enviar o documento ao e-mail do devedor, com o PDF anexo (o envio vai para a linha do tempo)', params: documentKind, body: sendDocumentInput, response: { 200: sentOutput } } },
    async (request) => sendDocument(db, actorOf(request), config, request.params as DocumentRequest, request.body.to, today()),
  );
  app.post('/api/payments', { schema: { tags, summary: 'Registrar um pagamento (baixa manual) numa parcela de acordo ou num título; idempotente por externalId', body: paymentInput, response: { 200: paymentOutput } } }, async (request) =>
    registerPayment(db, actorOf(request), request.body, today()),
  );
  app.get(
    '/api/payments/:paymentId/receipt',
    { schema: { tags, summary: 'Recibo do pagamento de uma parcela (PDF)', params: z.object({ paymentId: zUuid }), querystring: z.object({ format: z.enum(['pdf', 'txt']).default('pdf') }) } },
    async (request, reply) => sendFile(reply, await renderDocument(db, actorOf(request), { kind: 'receipt', paymentId: request.params.paymentId }, today(), routeOf(request)), request.query.format),
  );
  app.post(
    '/api/payments/:paymentId/receipt/send',
    { schema: { tags, summary: 'Enviar o recibo ao e-mail do devedor', params: z.object({ paymentId: zUuid }), body: sendDocumentInput, response: { 200: sentOutput } } },
    async (request) => sendDocument(db, actorOf(request), config, { kind: 'receipt', paymentId: request.params.paymentId }, request.body.to, today()),
  );
  app.post(
    '/api/debtors/:debtorId/promises',
    { schema: { tags, summary: 'Registrar uma promessa de pagamento', params: z.object({ debtorId: zUuid }), body: promiseInput, response: { 201: promiseOutput } } },
    async (request, reply) => reply.status(201).send(await createPromise(db, actorOf(request), request.params.debtorId, request.body, today())),
  );
  app.get(
    '/api/debtors/:debtorId/promises',
    { schema: { tags, summary: 'Promessas de pagamento do devedor', params: z.object({ debtorId: zUuid }), response: { 200: z.object({ items: z.array(promiseOutput) }) } } },
    async (request) => ({ items: await listPromises(db, actorOf(request), request.params.debtorId) }),
  );
  app.post(
    '/api/promises/:promiseId/cancel',
    { schema: { tags, summary: 'Cancelar uma promessa pendente', params: z.object({ promiseId: zUuid }), body: reason, response: { 200: promiseOutput } } },
    async (request) => cancelPromise(db, actorOf(request), request.params.promiseId, request.body.reason),
  );
}

function sendFile(reply: import('fastify').FastifyReply, document: { fileName: string; pdf: Buffer; text: string }, format: 'pdf' | 'txt') {
  if (format === 'txt') return reply.type('text/plain; charset=utf-8').send(document.text);
  reply.header('content-disposition', `attachment; filename="${document.fileName}"`);
  return reply.type('application/pdf').send(document.pdf);
}
