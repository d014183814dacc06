import { z, zDocument } from '../../api/zod.ts';
import { normalizeEmail } from '../../brazil/email.ts';
import { parsePhone, phoneProblemMessages } from '../../brazil/phones.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import { DATA_SUBJECT_REQUEST_KINDS } from '../../store/schema.ts';
import type { PortalActor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { appendHistory } from '../privacy/history.ts';
import { dataSubjectDueOn } from './portal-rules.ts';

/**
 * The data subject's requests (LGPD art. 18): received through the portal's form, with a
 * protocol and the due date (15 days, LGPD art. 19 II); the staff list them. Issue 9 answers them.
 */

export const KIND_LABELS: Record<(typeof DATA_SUBJECT_REQUEST_KINDS)[number], string> = {
  access: 'acesso aos dados',
  correction: 'correção de dados',
  deletion: 'eliminação de dados',
  anonymization: 'anonimização, bloqueio ou eliminação de dados desnecessários',
  portability: 'portabilidade',
  information: 'informação sobre compartilhamento e tratamento',
};

/** The fields of a request, as the portal's form and the staff's screen both take them. */
export const privacyRequestFields = {
  document: zDocument.describe('CPF ou CNPJ do titular'),
  name: z.string().trim().min(3, 'informe o nome completo').max(200),
  email: z.email('e-mail inválido').max(254).optional(),
  phone: z
    .string()
    .max(30)
    .transform((value, ctx) => {
      const parsed = parsePhone(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: phoneProblemMessages[parsed.problem] });
        return z.NEVER;
      }
      return parsed.phone.e164;
    })
    .optional(),
  kind: z.enum(DATA_SUBJECT_REQUEST_KINDS).describe(Object.entries(KIND_LABELS).map(([k, v]) => `${k}: ${v}`).join('; ')),
  message: z.string().trim().max(4000).optional(),
};

/** The answer goes to an e-mail or a phone: one of them is required. */
export const hasReplyContact = (v: { email?: string | undefined; phone?: string | undefined }) => v.email !== undefined || v.phone !== undefined;
export const replyContactIssue = { message: 'informe um e-mail ou telefone para a resposta', path: ['email'] };

export const privacyRequestInput = z.object(privacyRequestFields).refine(hasReplyContact, replyContactIssue);

export const privacyReceiptOutput = z.object({
  protocol: z.string(),
  kind: z.enum(DATA_SUBJECT_REQUEST_KINDS),
  status: z.literal('received'),
  receivedAt: z.date(),
  dueOn: z.string().describe('Prazo de resposta: 15 dias (LGPD art. 19 II)'),
  message: z.string(),
});

/**
 * Records a request. With a portal session whose debtor has this document, the request is linked
 * to the debtor and marked as from a verified holder; otherwise the stated identity waits to be
 * confirmed before anything is disclosed. The answer is the same whether the document is known or not.
 */
export async function receivePrivacyRequest(
  db: Database,
  tenantId: string,
  input: z.infer<typeof privacyRequestInput>,
  context: { session: PortalActor | null; ip: string; today: IsoDate },
): Promise<z.infer<typeof privacyReceiptOutput>> {
  return db.scoped({ tenantId }, async (tx) => {
    let debtorId: string | null = null;
    if (context.session) {
      const debtor = await tx.db.selectFrom('debtors').select(['id', 'document']).where('id', '=', context.session.debtorId).executeTakeFirst();
      if (debtor?.document === input.document) debtorId = debtor.id;
    }
    const dueOn = dataSubjectDueOn(context.today);
    const row = await tx.db
      .insertInto('data_subject_requests')
      .values({
        tenant_id: tenantId, debtor_id: debtorId, identity_verified: debtorId !== null, document: input.document, name: input.name,
        email: input.email ? normalizeEmail(input.email) : null, phone: input.phone ?? null, kind: input.kind, message: input.message || null,
        channel: 'portal', due_on: dueOn, ip: context.ip, created_by: null,
      })
      .returning(['id', 'protocol', 'received_at'])
      .executeTakeFirstOrThrow();
    await appendHistory(tx, { tenantId, requestId: row.id, userId: null, action: 'received', to: 'received', note: debtorId ? 'pelo portal, na sessão do próprio titular (identidade verificada)' : 'pelo portal, sem sessão (identidade a confirmar)' });
    if (debtorId && context.session) {
      await appendEvent(tx, context.session, { debtorId, type: 'privacy_request.received', data: { protocol: row.protocol, kind: input.kind, dueOn } });
    }
    return {
      protocol: row.protocol, kind: input.kind, status: 'received' as const, receivedAt: row.received_at, dueOn,
      message: `Recebemos sua solicitação de ${KIND_LABELS[input.kind]}, protocolo ${row.protocol}. Responderemos até ${formatDateBR(dueOn)} pelo contato informado.`,
    };
  });
}

// The staff's side (list, verification, answers, the access report) lives in src/features/privacy.
