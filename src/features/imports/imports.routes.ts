import { limited } from '../../api/upload.ts';
import type { Readable } from 'node:stream';
import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zBooleanQuery, zPageMeta, zUuid } from '../../api/zod.ts';
import { AppError } from '../../shared/errors.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf } from '../auth/permissions.ts';
import { FIELD_NAMES, type FieldName } from './columns.ts';
import {
  getImport, importCounts, importErrorOutput, importErrorsCsv, importErrorsQuery, importListQuery, importOutput, importStatus, listImportErrors, listImports, toImportOutput,
} from './imports.ts';
import { runImport } from './run-import.ts';

const params = z.object({ importId: zUuid });
const tags = ['importações'];

const importQuery = z.object({
  creditorId: zUuid,
  portfolioId: zUuid,
  fileName: z.string().trim().min(1).max(255).optional().describe('Nome do arquivo, quando enviado como corpo bruto'),
  format: z.enum(['csv', 'jsonl']).optional(),
  encoding: z.enum(['utf-8', 'latin1']).optional(),
  delimiter: z.enum([';', ',', '\t', '|']).optional(),
  decimal: z.enum(['comma', 'point']).optional(),
  mapping: z
    .string()
    .optional()
    .describe('JSON {"campo": "coluna do arquivo"}; campos: ' + FIELD_NAMES.join(', '))
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        const value = JSON.parse(text) as Record<string, unknown>;
        const bad = Object.keys(value).find((k) => !FIELD_NAMES.includes(k as FieldName) || typeof value[k] !== 'string');
        if (bad) {
          ctx.addIssue({ code: 'custom', message: `campo de mapeamento desconhecido ou sem nome de coluna: ${bad}` });
          return z.NEVER;
        }
        return value as Partial<Record<FieldName, string>>;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'mapeamento deve ser um JSON' });
        return z.NEVER;
      }
    }),
  allOrNothing: zBooleanQuery.optional().describe('Recusar o arquivo inteiro se alguma linha tiver erro'),
  snapshot: zBooleanQuery.optional().describe('Arquivo completo da carteira: títulos em aberto ausentes são baixados'),
});

export const importReportOutput = z.object({
  importId: z.uuid(),
  status: importStatus,
  fileName: z.string(),
  format: z.string().nullable(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  ...importCounts,
  ignoredColumns: z.array(z.string()),
  errorCount: z.number().int(),
  errors: z.array(importErrorOutput),
  message: z.string().nullable(),
});

export async function importRoutes(app: App, { db, config, today }: ApiContext) {
  app.post(
    '/api/imports',
    {
      schema: {
        tags,
        summary: 'Importar títulos (CSV ou JSON lines)',
        description:
          'Envie o arquivo como multipart/form-data (campo "file") ou como corpo bruto (text/csv, application/x-ndjson). ' +
          'Linhas válidas são importadas e as inválidas listadas com linha, campo, valor e motivo; a mesma importação repetida não duplica nada.',
        consumes: ['multipart/form-data', 'text/csv', 'application/x-ndjson', 'application/octet-stream'],
        querystring: importQuery,
        response: { 201: importReportOutput },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      requirePermission(actor, 'imports.run');
      const query = request.query;
      let input: AsyncIterable<Uint8Array>;
      let fileName = query.fileName ?? 'upload';
      if (request.isMultipart()) {
        const file = await request.file();
        if (!file) throw new AppError('validation', 'Envie o arquivo no campo "file".', { field: 'file' });
        input = file.file;
        fileName = query.fileName ?? file.filename;
      } else {
        const body = request.body as Readable | undefined;
        if (!body || typeof body.pipe !== 'function') {
          throw new AppError('validation', 'Envie o arquivo como multipart/form-data (campo "file") ou como corpo text/csv ou application/x-ndjson.', { field: 'body' });
        }
        input = body;
      }
      const report = await runImport({
        db,
        scope: scopeOf(actor),
        creditorId: query.creditorId,
        portfolioId: query.portfolioId,
        fileName,
        input: limited(input, config.MAX_UPLOAD_MB * 1024 * 1024),
        reader: {
          ...(query.format ? { format: query.format } : {}),
          ...(query.encoding ? { encoding: query.encoding } : {}),
          ...(query.delimiter ? { delimiter: query.delimiter } : {}),
          ...(query.decimal ? { decimal: query.decimal } : {}),
          ...(query.mapping ? { mapping: query.mapping } : {}),
        },
        allOrNothing: query.allOrNothing ?? false,
        snapshot: query.snapshot ?? false,
        asOf: today(),
        via: 'api',
      });
      return reply.status(201).send(report);
    },
  );

  app.get('/api/imports', { schema: { tags, summary: 'Listar importações', querystring: importListQuery, response: { 200: z.object({ items: z.array(importOutput), ...zPageMeta }) } } }, async (request) =>
    listImports(db, actorOf(request), request.query),
  );
  app.get('/api/imports/:importId', { schema: { tags, summary: 'Ver importação', params, response: { 200: importOutput } } }, async (request) =>
    toImportOutput(await getImport(db, actorOf(request), request.params.importId)),
  );
  app.get(
    '/api/imports/:importId/errors',
    {
      schema: {
        tags,
        summary: 'Relatório de linhas rejeitadas (JSON, ou CSV com ?format=csv)',
        params,
        querystring: importErrorsQuery.extend({ format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: z.object({ items: z.array(importErrorOutput), ...zPageMeta }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { format, ...page } = request.query;
      if (format === 'csv') {
        const all = await listImportErrors(db, actor, request.params.importId, { limit: 10_000, offset: 0 }, routeOf(request));
        await db.scoped(scopeOf(actor), (tx) => recordAccess(tx, actor, { action: 'export', resource: 'import_errors', route: routeOf(request), details: { importId: request.params.importId } }));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="erros-${request.params.importId}.csv"`)
          .serializer((payload: string) => payload)
          .send(importErrorsCsv(all.items) as never);
      }
      return listImportErrors(db, actor, request.params.importId, page, routeOf(request));
    },
  );
}
