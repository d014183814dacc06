import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { requirePermission } from '../auth/permissions.ts';
import { importReportOutput } from '../imports/imports.routes.ts';
import { applyReceivablesBatch } from './apply-receivables-batch.ts';
import {
  createErpSource, deleteErpSource, erpPullOutput, erpSourceInput, erpSourceOutput, erpSourcePatch, getErpSource, listErpPulls, listErpSources, updateErpSource,
} from './erp-sources.ts';
import { pullErpSource, pullOptionsOf } from './pull-erp-source.ts';
import { ERP_BATCH_MAX_OPERATIONS, receivablesBatchInput } from './receivable-operations.ts';
import { changeOutput, changesQuery, getReceivables, listChanges, receivableOutput, receivablesQuery } from './receivables.ts';

const tags = ['integração ERP'];
const sourceParams = z.object({ sourceId: zUuid });

const operationResult = z.enum(['created', 'updated', 'unchanged', 'settled', 'already_closed']);
const batchOutput = z.object({
  batchId: z.uuid(),
  idempotencyKey: z.string(),
  createdAt: z.string(),
  counts: z.record(operationResult, z.number().int()),
  importIds: z.array(z.uuid()).describe('As importações que gravaram as inclusões e alterações (GET /api/imports/{id})'),
  results: z.array(z.object({
    index: z.number().int(), op: z.enum(['upsert', 'settle']), externalId: z.string(), creditorId: z.uuid(), debtId: z.uuid(), result: operationResult, status: z.string(),
  })),
});

const pullOutput = z.object({
  sourceId: z.uuid(),
  outcome: z.string(),
  message: z.string().nullable(),
  files: z.array(z.object({
    fileName: z.string(), sha256: z.string(), bytes: z.number().int(), outcome: z.string(), importId: z.uuid().nullable(), message: z.string().nullable(),
    report: importReportOutput.nullable(),
  })),
});

export async function erpRoutes(app: App, { db, config, today, now }: ApiContext) {
  const rules = { folderRoot: config.ERP_FOLDER_ROOT, allowPrivateUrls: config.ERP_ALLOW_PRIVATE_URLS };

  app.post(
    '/api/erp/receivables/batch',
    {
      schema: {
        tags,
        summary: 'Lote de títulos do ERP: incluir/alterar (upsert) e baixar (settle), tudo ou nada',
        description:
          `Até ${ERP_BATCH_MAX_OPERATIONS} operações. O cabeçalho Idempotency-Key é obrigatório: o mesmo lote reenviado com a mesma chave devolve a resposta guardada ` +
          '(cabeçalho Idempotent-Replayed: true) sem gravar de novo; a mesma chave com outro conteúdo é 409. Qualquer operação inválida recusa o lote inteiro, ' +
          'listando índice, campo e motivo de cada problema, e nada é gravado. Os campos de um upsert são os da importação (docs/imports.md), validados pela mesma regra.',
        headers: z.object({ 'idempotency-key': z.string().optional().describe('Identificador único do lote (por exemplo, um UUID)') }),
        body: receivablesBatchInput,
        response: { 200: batchOutput },
      },
    },
    async (request, reply) => {
      const outcome = await applyReceivablesBatch(db, actorOf(request), { idempotencyKey: request.headers['idempotency-key'], body: request.body, today: today() });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(200).send(outcome.response);
    },
  );

  app.get(
    '/api/erp/receivables',
    { schema: { tags, summary: 'Situação de títulos pelos ids do ERP', querystring: receivablesQuery, response: { 200: z.object({ items: z.array(receivableOutput), notFound: z.array(z.string()) }) } } },
    async (request) => getReceivables(db, actorOf(request), request.query, routeOf(request)),
  );

  app.get(
    '/api/erp/changes',
    {
      schema: {
        tags,
        summary: 'Eventos dos títulos de um credor depois de um cursor (alternativa aos webhooks)',
        querystring: changesQuery,
        response: { 200: z.object({ items: z.array(changeOutput), next: z.string().describe("O cursor para a próxima chamada (after)"), hasMore: z.boolean() }) },
      },
    },
    async (request) => listChanges(db, actorOf(request), request.query),
  );

  app.get('/api/erp/sources', { schema: { tags, summary: 'Fontes de busca agendada (pasta ou URL)', response: { 200: z.array(erpSourceOutput) } } }, async (request) =>
    listErpSources(db, actorOf(request)),
  );
  app.post('/api/erp/sources', { schema: { tags, summary: 'Criar fonte de busca agendada', body: erpSourceInput, response: { 201: erpSourceOutput } } }, async (request, reply) =>
    reply.status(201).send(await createErpSource(db, actorOf(request), request.body, rules, now())),
  );
  app.patch('/api/erp/sources/:sourceId', { schema: { tags, summary: 'Alterar fonte', params: sourceParams, body: erpSourcePatch, response: { 200: erpSourceOutput } } }, async (request) =>
    updateErpSource(db, actorOf(request), request.params.sourceId, request.body, rules, now()),
  );
  app.delete('/api/erp/sources/:sourceId', { schema: { tags, summary: 'Excluir fonte (as importações feitas ficam)', params: sourceParams, response: { 204: z.null() } } }, async (request, reply) => {
    await deleteErpSource(db, actorOf(request), request.params.sourceId);
    return reply.status(204).send(null);
  });
  app.get(
    '/api/erp/pulls',
    {
      schema: {
        tags, summary: 'Buscas de uma fonte que importaram ou falharam',
        querystring: z.object({ sourceId: zUuid, limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.array(erpPullOutput) },
      },
    },
    async (request) => listErpPulls(db, actorOf(request), request.query.sourceId, request.query.limit),
  );
  app.post(
    '/api/erp/sources/:sourceId/run',
    { schema: { tags, summary: 'Buscar agora', params: sourceParams, response: { 200: pullOutput } } },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'erp.sync');
      await getErpSource(db, actor, request.params.sourceId); // in the caller's tenant, or 404
      return pullErpSource(db, request.params.sourceId, { ...pullOptionsOf(config, now()), today: today() });
    },
  );
}
