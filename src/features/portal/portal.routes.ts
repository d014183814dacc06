import type { FastifyReply, FastifyRequest } from 'fastify';
import { routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zDocument, zIsoDate, zUuid } from '../../api/zod.ts';
import type { PortalActor } from '../auth/permissions.ts';
import { renderDocument } from '../negotiation/documents.ts';
import { chargeOutput, getCharge, renderChargeBoleto, renderChargeQr } from '../payments/charges.ts';
import { railsFromConfig } from '../payments/payments.routes.ts';
import { DATA_SUBJECT_REQUEST_KINDS } from '../../store/schema.ts';
import {
  portalAccept, portalAcceptOutput, portalAgreement, portalIssueCharges, portalMe, portalMeOutput, portalOffers, portalOffersOutput, portalPropose, portalProposalInput,
  portalProposalOutput, requireOwn,
} from './portal-account.ts';
import { authenticatePortal, closePortalSession, countAttempt, openPortalSession, portalTenant, rateLimited, requestCode, type PortalTenant } from './portal-identity.ts';
import { CODE_REQUESTED, DATA_SUBJECT_RESPONSE_DAYS, greetingName, IDENTIFICATION_FAILED, maskedDocument, sha256 } from './portal-rules.ts';
import { KIND_LABELS, privacyReceiptOutput, privacyRequestInput, receivePrivacyRequest } from './privacy-requests.ts';

/**
 * The debtor's self-service portal: /api/portal/{tenant}/… Every route is open to the staff
 * hook (`public`, no bearerAuth in the OpenAPI document) and authenticates the portal's own
 * session here — a cookie `recupera_portal` (HttpOnly, SameSite=Strict, Path=/api/portal) or the
 * same token as a Bearer. A staff token is not a portal session, nor the reverse.
 */
export const PORTAL_COOKIE = 'recupera_portal';

const tags = ['portal do devedor'];
const open = { config: { public: true } } as const;
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'endereço de portal inválido');
const tenantParams = z.object({ tenant: slug });

function portalToken(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim() || null;
  const cookie = request.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${PORTAL_COOKIE}=`));
  return cookie ? decodeURIComponent(cookie.slice(PORTAL_COOKIE.length + 1)) || null : null;
}

export async function portalRoutes(app: App, { db, config, today }: ApiContext) {
  const rails = railsFromConfig(config);
  const showPrescribed = config.PORTAL_SHOW_PRESCRIBED;
  // Codes are sent after the answer (its timing must not tell whether a CPF is known); closing the server waits for them.
  const sending = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...sending]);
  });

  /** The agency of the address and, for the routes that need one, the debtor of the session. */
  async function session(request: FastifyRequest<{ Params: { tenant: string } }>): Promise<PortalActor> {
    const tenant = await portalTenant(db, request.params.tenant);
    return authenticatePortal(db, config, tenant.id, portalToken(request), request.ip);
  }

  async function refuseWhenLimited(reply: FastifyReply, attempt: Parameters<typeof countAttempt>[2]): Promise<void> {
    const verdict = await countAttempt(db, config, attempt);
    if (!verdict.ok) {
      reply.header('retry-after', String(verdict.retryAfterSeconds));
      throw rateLimited(verdict);
    }
  }

  app.get(
    '/api/portal/:tenant',
    {
      ...open,
      schema: {
        tags,
        summary: 'A assessoria do portal: contato, encarregado de dados (DPO) e o aviso de privacidade',
        description: 'Público. Os credores são identificados em cada título (CDC art. 42-A), depois da identificação.',
        security: [],
        params: tenantParams,
        response: {
          200: z.object({
            slug: z.string(),
            name: z.string(),
            document: z.string().nullable().describe('CNPJ da assessoria'),
            phone: z.string().nullable(),
            email: z.string().nullable(),
            website: z.string().nullable(),
            address: z.string().nullable(),
            dpo: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).describe('Encarregado (LGPD art. 41); sem ele, use o contato da assessoria'),
            identification: z.object({ birthDate: z.literal(true), codeChannels: z.array(z.enum(['email', 'sms'])).describe('Canais por onde o código pode ser enviado nesta instalação') }),
            sessionIdleMinutes: z.number().int(),
            privacy: z.object({
              controller: z.string(),
              legalBasis: z.string(),
              purposes: z.array(z.string()),
              rights: z.array(z.object({ kind: z.enum(DATA_SUBJECT_REQUEST_KINDS), label: z.string() })),
              responseDays: z.number().int(),
            }),
          }),
        },
      },
    },
    async (request) => {
      const t: PortalTenant = await portalTenant(db, request.params.tenant);
      const channels: Array<'email' | 'sms'> = [];
      if (config.SMTP_URL) channels.push('email');
      if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) channels.push('sms');
      return {
        slug: t.slug, name: t.name, document: t.document, phone: t.phone, email: t.email, website: t.website, address: t.address,
        dpo: { name: t.dpo_name, email: t.dpo_email, phone: t.dpo_phone },
        identification: { birthDate: true as const, codeChannels: channels },
        sessionIdleMinutes: config.PORTAL_SESSION_IDLE_MINUTES,
        privacy: {
          controller: t.name,
          legalBasis: 'Proteção do crédito (LGPD art. 7º, X) e exercício regular de direitos (art. 7º, VI), em nome dos credores identificados em cada título.',
          purposes: [
            'Informar os débitos em aberto, com o credor e o cálculo de cada valor.',
            'Negociar e registrar acordos, emitir boletos e PIX e dar quitação.',
            'Comprovar o que foi feito (registro de acessos e aceites).',
          ],
          rights: DATA_SUBJECT_REQUEST_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] })),
          responseDays: DATA_SUBJECT_RESPONSE_DAYS,
        },
      };
    },
  );

  app.post(
    '/api/portal/:tenant/session',
    {
      ...open,
      schema: {
        tags,
        summary: 'Identificar-se: CPF/CNPJ e data de nascimento, ou CPF/CNPJ e o código recebido',
        description:
          `Abre uma sessão do portal (cookie ${PORTAL_COOKIE} HttpOnly e o mesmo token no corpo). Qualquer falha responde 401 com a mesma mensagem ("${IDENTIFICATION_FAILED}"). ` +
          'Tentativas contadas por CPF/CNPJ e por endereço de origem: 429 com Retry-After ao passar do limite.',
        security: [],
        params: tenantParams,
        body: z
          .object({
            document: zDocument.describe('CPF ou CNPJ'),
            birthDate: zIsoDate.optional().describe('Data de nascimento (AAAA-MM-DD)'),
            code: z.string().trim().regex(/^\d{6}$/, 'o código tem 6 dígitos').optional().describe('Ou o código recebido por e-mail ou SMS'),
          })
          .refine((b) => (b.birthDate === undefined) !== (b.code === undefined), { message: 'informe a data de nascimento ou o código (um dos dois)', path: ['birthDate'] }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.date().describe('Expira se não usada até aqui; cada uso adia'), debtor: z.object({ firstName: z.string(), document: z.string() }) }),
        },
      },
    },
    async (request, reply) => {
      const tenant = await portalTenant(db, request.params.tenant);
      const body = request.body;
      await refuseWhenLimited(reply, { purpose: 'identify', ip: request.ip, tenantId: tenant.id, document: body.document });
      const factor = body.birthDate !== undefined ? { birthDate: body.birthDate } : { code: body.code! };
      const opened = await openPortalSession(db, config, tenant.id, { document: body.document, ip: request.ip, userAgent: request.headers['user-agent'], ...factor });
      const secure = request.protocol === 'https' ? '; Secure' : '';
      reply.header('set-cookie', `${PORTAL_COOKIE}=${encodeURIComponent(opened.token)}; Path=/api/portal; HttpOnly; SameSite=Strict${secure}`);
      return { token: opened.token, expiresAt: opened.expiresAt, debtor: { firstName: greetingName(opened.debtor.name, opened.debtor.kind), document: maskedDocument(opened.debtor.document) } };
    },
  );

  app.delete(
    '/api/portal/:tenant/session',
    { ...open, schema: { tags, summary: 'Sair do portal (encerra a sessão)', security: [], params: tenantParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const tenant = await portalTenant(db, request.params.tenant);
      const token = portalToken(request);
      if (token) await closePortalSession(db, tenant.id, token);
      reply.header('set-cookie', `${PORTAL_COOKIE}=; Path=/api/portal; HttpOnly; SameSite=Strict; Max-Age=0`);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/portal/:tenant/codes',
    {
      ...open,
      schema: {
        tags,
        summary: 'Pedir um código de acesso por e-mail ou SMS (alternativa à data de nascimento)',
        description: `Responde sempre 202 com o mesmo texto ("${CODE_REQUESTED}"), exista ou não o CPF/CNPJ. O código tem 6 dígitos, vale ${config.PORTAL_CODE_TTL_MINUTES} minutos e ${config.PORTAL_CODE_MAX_TRIES} tentativas.`,
        security: [],
        params: tenantParams,
        body: z.object({ document: zDocument, channel: z.enum(['email', 'sms']) }),
        response: { 202: z.object({ message: z.string() }) },
      },
    },
    async (request, reply) => {
      const tenant = await portalTenant(db, request.params.tenant);
      await refuseWhenLimited(reply, { purpose: 'identify', ip: request.ip, tenantId: tenant.id, document: request.body.document });
      const send = await requestCode(db, config, tenant, { document: request.body.document, channel: request.body.channel, ip: request.ip });
      if (send) {
        const running: Promise<void> = send()
          .catch((error: unknown) => request.log.error({ err: error }, 'portal code not sent'))
          .finally(() => sending.delete(running));
        sending.add(running);
      }
      return reply.status(202).send({ message: CODE_REQUESTED });
    },
  );

  app.get(
    '/api/portal/:tenant/me',
    {
      ...open,
      schema: {
        tags,
        summary: 'Meus débitos: cada título com o credor (CDC art. 42-A) e o saldo atualizado hoje por componente; meus acordos, parcelas e cobranças',
        security: [],
        params: tenantParams,
        response: { 200: portalMeOutput },
      },
    },
    async (request) => portalMe(db, await session(request), { today: today(), showPrescribed, route: routeOf(request) }),
  );

  app.post(
    '/api/portal/:tenant/offers',
    {
      ...open,
      schema: {
        tags,
        summary: 'Propostas (à vista e parceladas) da política da carteira para os títulos vencidos com um credor',
        security: [],
        params: tenantParams,
        body: z.object({ creditorId: zUuid }),
        response: { 200: portalOffersOutput },
      },
    },
    async (request) => portalOffers(db, await session(request), request.body.creditorId, { today: today(), showPrescribed }),
  );

  app.post(
    '/api/portal/:tenant/agreements',
    {
      ...open,
      schema: {
        tags,
        summary: 'Escolher uma proposta (pelo número de pagamentos) e a forma de pagamento: cria a proposta de acordo e devolve o texto do termo e o seu SHA-256',
        security: [],
        params: tenantParams,
        body: portalProposalInput,
        response: { 201: portalProposalOutput },
      },
    },
    async (request, reply) => reply.status(201).send(await portalPropose(db, await session(request), request.body, { today: today(), showPrescribed })),
  );

  const agreementParams = tenantParams.extend({ agreementId: zUuid });

  app.post(
    '/api/portal/:tenant/agreements/:agreementId/accept',
    {
      ...open,
      schema: {
        tags,
        summary: 'Aceitar o acordo no termo mostrado (canal portal, pelo devedor, com o IP) e emitir as cobranças das parcelas',
        security: [],
        params: agreementParams,
        body: z.object({ termsSha256: z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 em hexadecimal minúsculo') }),
        response: { 200: portalAcceptOutput },
      },
    },
    async (request) => portalAccept(db, await session(request), rails, request.params.agreementId, request.body.termsSha256, today(), (error) => request.log.error({ err: error }, 'portal charges not issued')),
  );

  app.post(
    '/api/portal/:tenant/agreements/:agreementId/charges',
    { ...open, schema: { tags, summary: 'Emitir de novo as cobranças que faltam de um acordo aceito (as já emitidas voltam como estão)', security: [], params: agreementParams, response: { 200: portalAgreement } } },
    async (request) => portalIssueCharges(db, await session(request), rails, request.params.agreementId),
  );

  app.get(
    '/api/portal/:tenant/agreements/:agreementId/documents/:kind',
    {
      ...open,
      schema: {
        tags,
        summary: 'Termo de acordo (term) ou carta de quitação (discharge) em PDF; ?format=txt dá o texto. O cabeçalho X-Terms-Sha256 traz o SHA-256 do texto do termo',
        security: [],
        params: agreementParams.extend({ kind: z.enum(['term', 'discharge']) }),
        querystring: z.object({ format: z.enum(['pdf', 'txt']).default('pdf') }),
      },
    },
    async (request, reply) => {
      const actor = await session(request);
      await requireOwn(db, actor, 'agreements', request.params.agreementId);
      const document = await renderDocument(db, actor, { kind: request.params.kind, agreementId: request.params.agreementId }, today(), routeOf(request));
      if (request.params.kind === 'term') reply.header('x-terms-sha256', sha256(document.text));
      if (request.query.format === 'txt') return reply.type('text/plain; charset=utf-8').send(document.text);
      reply.header('content-disposition', `inline; filename="${document.fileName}"`);
      return reply.type('application/pdf').send(document.pdf);
    },
  );

  const chargeParams = tenantParams.extend({ chargeId: zUuid });

  app.get(
    '/api/portal/:tenant/charges/:chargeId',
    { ...open, schema: { tags, summary: 'Uma cobrança: linha digitável, código de barras, PIX copia e cola', security: [], params: chargeParams, response: { 200: chargeOutput } } },
    async (request) => {
      const actor = await session(request);
      await requireOwn(db, actor, 'charges', request.params.chargeId);
      return getCharge(db, actor, request.params.chargeId);
    },
  );
  app.get(
    '/api/portal/:tenant/charges/:chargeId/pix.svg',
    { ...open, schema: { tags, summary: 'QR Code do PIX (SVG)', security: [], params: chargeParams } },
    async (request, reply) => {
      const actor = await session(request);
      await requireOwn(db, actor, 'charges', request.params.chargeId);
      return reply.type('image/svg+xml').send(await renderChargeQr(db, actor, request.params.chargeId, 'svg'));
    },
  );
  app.get(
    '/api/portal/:tenant/charges/:chargeId/boleto.pdf',
    { ...open, schema: { tags, summary: 'Boleto em PDF', security: [], params: chargeParams } },
    async (request, reply) => {
      const actor = await session(request);
      await requireOwn(db, actor, 'charges', request.params.chargeId);
      const { fileName, pdf } = await renderChargeBoleto(db, actor, request.params.chargeId, today(), routeOf(request));
      reply.header('content-disposition', `inline; filename="${fileName}"`);
      return reply.type('application/pdf').send(pdf);
    },
  );

  app.post(
    '/api/portal/:tenant/privacy-requests',
    {
      ...open,
      schema: {
        tags,
        summary: 'Solicitação do titular (LGPD art. 18): acesso, correção, eliminação, anonimização, portabilidade, informação',
        description: `Com ou sem sessão do portal (com ela, e o mesmo CPF/CNPJ, a solicitação fica ligada ao devedor). Devolve o protocolo e o prazo de resposta (${DATA_SUBJECT_RESPONSE_DAYS} dias, LGPD art. 19 II). Limitada por endereço de origem.`,
        security: [],
        params: tenantParams,
        body: privacyRequestInput,
        response: { 201: privacyReceiptOutput },
      },
    },
    async (request, reply) => {
      const tenant = await portalTenant(db, request.params.tenant);
      await refuseWhenLimited(reply, { purpose: 'privacy', ip: request.ip, tenantId: tenant.id });
      const token = portalToken(request);
      const actor = token ? await authenticatePortal(db, config, tenant.id, token, request.ip).catch(() => null) : null;
      return reply.status(201).send(await receivePrivacyRequest(db, tenant.id, request.body, { session: actor, ip: request.ip, today: today() }));
    },
  );

  // The staff's side of the requests (workflow, access report, ROPA) is src/features/privacy.
}
