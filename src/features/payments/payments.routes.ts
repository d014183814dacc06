import type { Readable } from 'node:stream';
import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { limited } from '../../api/upload.ts';
import { z, zUuid } from '../../api/zod.ts';
import { createPspClient } from '../../brazil/pix/index.ts';
import { AppError } from '../../shared/errors.ts';
import { requirePermission } from '../auth/permissions.ts';
import { chargeOutput, chargeParams, getCharge, issueAgreementCharges, issueChargesInput, listCharges, renderChargeBoleto, renderChargeQr, type PaymentRails } from './charges.ts';
import { collectionAccountInput, collectionAccountOutput, createCollectionAccount, listCollectionAccounts, rotateWebhookToken } from './collection-accounts.ts';
import { importPaymentFile, listPaymentFiles, paymentFileSummary } from './payment-files.ts';
import { receivePixWebhook } from './pix-webhook.ts';
import { dismissUnmatched, listUnmatched, resolveUnmatched, resolveUnmatchedInput, unmatchedOutput } from './reconciliation.ts';
import { generateRemessa } from './remessa.ts';

const tags = ['pagamentos'];
const MAX_RETURN_FILE_BYTES = 50 * 1024 * 1024;

async function readUpload(request: import('fastify').FastifyRequest): Promise<{ fileName: string | undefined; content: Buffer }> {
  let stream: AsyncIterable<Uint8Array>;
  let fileName: string | undefined;
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new AppError('validation', 'Envie o arquivo no campo "file".', { field: 'file' });
    stream = file.file;
    fileName = file.filename;
  } else {
    const body = request.body as Readable | undefined;
    if (!body || typeof body.pipe !== 'function') throw new AppError('validation', 'Envie o arquivo de retorno como multipart/form-data (campo "file") ou como corpo application/octet-stream.', { field: 'body' });
    stream = body;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of limited(stream, MAX_RETURN_FILE_BYTES)) chunks.push(Buffer.from(chunk));
  return { fileName, content: Buffer.concat(chunks) };
}

export function railsFromConfig(config: ApiContext['config']): PaymentRails {
  return {
    psp: config.PIX_PSP_URL && config.PIX_PSP_CLIENT_ID && config.PIX_PSP_CLIENT_SECRET ? createPspClient({ baseUrl: config.PIX_PSP_URL, clientId: config.PIX_PSP_CLIENT_ID, clientSecret: config.PIX_PSP_CLIENT_SECRET }) : null,
  };
}

export async function paymentRoutes(app: App, { db, config, today, now }: ApiContext) {
  const rails = railsFromConfig(config);

  app.get(
    '/api/collection-accounts',
    { schema: { tags, summary: 'Contas de cobrança (banco, carteira, convênio, chave PIX) dos credores', querystring: z.object({ creditorId: zUuid.optional() }), response: { 200: z.object({ items: z.array(collectionAccountOutput) }) } } },
    async (request) => ({ items: await listCollectionAccounts(db, actorOf(request), request.query.creditorId) }),
  );
  app.post(
    '/api/collection-accounts',
    { schema: { tags, summary: 'Cadastrar a conta de cobrança de um credor; a resposta mostra uma vez o caminho do webhook PIX', body: collectionAccountInput, response: { 201: collectionAccountOutput } } },
    async (request, reply) => reply.status(201).send(await createCollectionAccount(db, actorOf(request), request.body)),
  );
  app.post(
    '/api/collection-accounts/:accountId/webhook-token',
    { schema: { tags, summary: 'Gerar um novo caminho secreto para o webhook PIX da conta (o anterior deixa de valer); mostrado uma vez', params: z.object({ accountId: zUuid }), response: { 200: z.object({ pixWebhookPath: z.string() }) } } },
    async (request) => rotateWebhookToken(db, actorOf(request), request.params.accountId),
  );
  app.post(
    '/api/collection-accounts/:accountId/remessa',
    {
      schema: {
        tags,
        summary: 'Gerar a remessa CNAB 240 que registra no banco os boletos pendentes da conta (o arquivo vem no corpo)',
        params: z.object({ accountId: zUuid }),
      },
    },
    async (request, reply) => {
      const result = await generateRemessa(db, actorOf(request), request.params.accountId, now());
      reply.header('content-disposition', `attachment; filename="${result.fileName}"`);
      reply.header('x-remessa-id', result.id).header('x-remessa-charges', String(result.charges)).header('x-remessa-skipped', String(result.skipped.length));
      return reply.type('text/plain; charset=latin1').send(Buffer.from(result.content, 'latin1'));
    },
  );
  app.post(
    '/api/agreements/:agreementId/charges',
    { schema: { tags, summary: 'Emitir boleto ou PIX das parcelas em aberto de um acordo (as já emitidas voltam como estão)', params: z.object({ agreementId: zUuid }), body: issueChargesInput, response: { 200: z.object({ items: z.array(chargeOutput) }) } } },
    async (request) => ({ items: await issueAgreementCharges(db, actorOf(request), rails, request.params.agreementId, request.body.kind) }),
  );
  app.get(
    '/api/charges',
    { schema: { tags, summary: 'Cobranças emitidas (boletos e PIX) de um acordo ou devedor', querystring: z.object({ agreementId: zUuid.optional(), debtorId: zUuid.optional() }), response: { 200: z.object({ items: z.array(chargeOutput) }) } } },
    async (request) => ({ items: await listCharges(db, actorOf(request), request.query) }),
  );
  app.get('/api/charges/:chargeId', { schema: { tags, summary: 'Ver uma cobrança: linha digitável, código de barras, PIX copia e cola', params: chargeParams, response: { 200: chargeOutput } } }, async (request) =>
    getCharge(db, actorOf(request), request.params.chargeId),
  );
  app.get('/api/charges/:chargeId/boleto.pdf', { schema: { tags, summary: 'Boleto em PDF (ficha de compensação com código de barras ITF)', params: chargeParams } }, async (request, reply) => {
    const { fileName, pdf } = await renderChargeBoleto(db, actorOf(request), request.params.chargeId, today(), routeOf(request));
    reply.header('content-disposition', `inline; filename="${fileName}"`);
    return reply.type('application/pdf').send(pdf);
  });
  app.get('/api/charges/:chargeId/pix.png', { schema: { tags, summary: 'QR Code do PIX (PNG)', params: chargeParams } }, async (request, reply) =>
    reply.type('image/png').send(await renderChargeQr(db, actorOf(request), request.params.chargeId, 'png')),
  );
  app.get('/api/charges/:chargeId/pix.svg', { schema: { tags, summary: 'QR Code do PIX (SVG)', params: chargeParams } }, async (request, reply) =>
    reply.type('image/svg+xml').send(await renderChargeQr(db, actorOf(request), request.params.chargeId, 'svg')),
  );

  app.post(
    '/api/payment-files',
    {
      schema: {
        tags,
        summary: 'Importar um arquivo de retorno CNAB 240 ou 400 e conciliar os pagamentos',
        description: 'Layout e banco detectados pelo header. O mesmo arquivo de novo não muda nada; um pagamento sem cobrança correspondente vai para a fila de conciliação.',
        consumes: ['multipart/form-data', 'application/octet-stream', 'text/plain'],
        querystring: z.object({ fileName: z.string().max(200).optional() }),
        response: { 200: paymentFileSummary },
      },
    },
    async (request) => {
      requirePermission(actorOf(request), 'payments.reconcile');
      const upload = await readUpload(request);
      return importPaymentFile(db, actorOf(request), { fileName: request.query.fileName ?? upload.fileName ?? 'retorno.ret', content: upload.content });
    },
  );
  app.get('/api/payment-files', { schema: { tags, summary: 'Arquivos de retorno importados' } }, async (request) => ({ items: await listPaymentFiles(db, actorOf(request)) }));

  app.get(
    '/api/unmatched-payments',
    { schema: { tags, summary: 'Fila de pagamentos não conciliados', querystring: z.object({ status: z.enum(['pending', 'resolved', 'dismissed']).default('pending') }), response: { 200: z.object({ items: z.array(unmatchedOutput) }) } } },
    async (request) => ({ items: await listUnmatched(db, actorOf(request), request.query.status) }),
  );
  app.post(
    '/api/unmatched-payments/:unmatchedId/resolve',
    { schema: { tags, summary: 'Conciliar manualmente: aplicar o pagamento a uma parcela ou título', params: z.object({ unmatchedId: zUuid }), body: resolveUnmatchedInput } },
    async (request) => resolveUnmatched(db, actorOf(request), request.params.unmatchedId, request.body),
  );
  app.post(
    '/api/unmatched-payments/:unmatchedId/dismiss',
    { schema: { tags, summary: 'Descartar (devolvido, de outro credor, duplicado), com o motivo', params: z.object({ unmatchedId: zUuid }), body: z.object({ note: z.string().trim().min(5, 'informe o motivo (ao menos 5 caracteres)').max(1000) }), response: { 200: unmatchedOutput } } },
    async (request) => dismissUnmatched(db, actorOf(request), request.params.unmatchedId, request.body.note),
  );

  app.post(
    '/api/webhooks/pix/:token/pix',
    {
      config: { public: true },
      schema: {
        tags: ['webhooks'],
        summary: 'Notificação de PIX recebido, no formato da API Pix do Banco Central ({"pix": [...]}); o PSP acrescenta /pix à URL registrada',
        security: [],
        params: z.object({ token: z.string().min(20).max(100) }),
      },
    },
    async (request) => {
      const result = await receivePixWebhook(db, request.params.token, request.body);
      return { received: result.received };
    },
  );
}
