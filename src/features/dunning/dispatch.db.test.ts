import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { quotedPrintable, startSmtpServer, type ReceivedMail } from '../../../test/support/smtp.ts';
import { smtpChannel } from './channels/email.ts';
import { runDaily } from './daily-run.ts';
import { dispatchDue } from './dispatch.ts';
import { buildDossier, dossierPdf } from './dossier.ts';
import { createHash } from 'node:crypto';
import { createSchedule, saveTemplate } from './schedules.ts';

let received: ReceivedMail[];
let closeSmtp: () => Promise<void>;
let url: string;
let t: TestDatabase;
let tenant: TenantFixture;

const EMAIL = 'Olá, {{primeiroNome debtor.name}}.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}}.';
const at = (iso: string) => new Date(iso);
const statuses = () => t.db.system(async ({ sql }) => (await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from actions group by status order by status`)).rows);

beforeAll(async () => {
  ({ url, received, close: closeSmtp } = await startSmtpServer());
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'mail');
  const admin = tenant.users.admin.actor;
  await saveTemplate(t.db, admin, { key: 'email', channel: 'email', body: EMAIL });
  const step = (id: string, offsetDays: number) => ({ id, offsetDays, anchor: 'due_date' as const, stage: 'aviso' as const, action: 'email' as const, template: 'email' });
  await createSchedule(t.db, admin, { portfolioId: tenant.creditors[0]!.portfolioId, name: 'E-mails', steps: [step('d1', 1), step('d3', 3)], stopConditions: ['paid', 'disputed'] });
});
afterAll(async () => {
  await t.drop();
  await closeSmtp();
});

describe('dispatch of e-mails over SMTP', () => {
  it('defers outside contact hours, then sends each action exactly once even with two dispatchers at the same time', async () => {
    expect((await runDaily(t.db, { asOf: '2026-01-11' })).newActions).toBe(3);
    const channel = smtpChannel({ url, from: 'Cobrança <cobranca@recupera.test>' });
    const options = { channels: [channel], publicUrl: 'https://recupera.test' };
    // Sunday 11/01/2026, 20:30 in São Paulo: no contact on Sundays → Monday 08:00
    expect(await dispatchDue(t.db, { ...options, now: at('2026-01-11T23:30:00Z') })).toEqual({ sent: 0, failed: 0, retrying: 0, unknown: 0, deferred: 3, blocked: 0, stopped: 0 });
    // Monday 07:00: still waiting
    expect(await dispatchDue(t.db, { ...options, now: at('2026-01-12T10:00:00Z') })).toEqual({ sent: 0, failed: 0, retrying: 0, unknown: 0, deferred: 0, blocked: 0, stopped: 0 });
    // Monday 10:00, two dispatchers at once
    const [a, b] = await Promise.all([dispatchDue(t.db, { ...options, now: at('2026-01-12T13:00:00Z'), batchSize: 1 }), dispatchDue(t.db, { ...options, now: at('2026-01-12T13:00:00Z'), batchSize: 1 })]);
    expect(a.sent + b.sent).toBe(3);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(3);
    const mail = quotedPrintable(received[0]!.raw);
    expect(mail).toMatch(/CNPJ \d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}/); // the creditor identified (CDC art. 42-A)
    expect(mail).toContain('Valor original: R$ 100,00');
    expect(mail).toContain('https://recupera.test/portal');
    expect(await statuses()).toEqual([{ status: 'sent', n: 3 }]);
    const events = await t.db.system(async ({ sql }) => (await sql.query<{ type: string; n: number }>(`select type, count(*)::int as n from events where type like 'action.%' group by type order by type`)).rows);
    expect(events).toEqual([{ type: 'action.deferred', n: 3 }, { type: 'action.planned', n: 3 }, { type: 'action.sent', n: 3 }]);
    channel.close();
  });

  it('never resends after a crash between claiming and sending', async () => {
    expect((await runDaily(t.db, { asOf: '2026-01-13' })).newActions).toBe(3); // D+3
    const channel = smtpChannel({ url, from: 'cobranca@recupera.test' });
    const options = { channels: [channel], publicUrl: 'https://recupera.test', now: at('2026-01-13T13:00:00Z') };
    await expect(dispatchDue(t.db, { ...options, crashAfterClaim: true })).rejects.toThrow('simulated crash');
    expect(await dispatchDue(t.db, options)).toEqual({ sent: 0, failed: 0, retrying: 0, unknown: 0, deferred: 0, blocked: 0, stopped: 0 });
    expect(received).toHaveLength(3); // nothing new went out
    expect(await statuses()).toEqual([{ status: 'sending', n: 3 }, { status: 'sent', n: 3 }]);
    channel.close();
  });

  it('marks what a crash left in sending as unknown after 15 minutes, for a person to check, and never resends it', async () => {
    const channel = smtpChannel({ url, from: 'cobranca@recupera.test' });
    const options = { channels: [channel], publicUrl: 'https://recupera.test' };
    expect((await dispatchDue(t.db, { ...options, now: at('2026-01-13T13:10:00Z') })).unknown).toBe(0); // 10 minutes: it may still be on its way
    expect(await dispatchDue(t.db, { ...options, now: at('2026-01-13T13:16:00Z') })).toEqual({ sent: 0, failed: 0, retrying: 0, unknown: 3, deferred: 0, blocked: 0, stopped: 0 });
    expect(received).toHaveLength(3);
    expect(await statuses()).toEqual([{ status: 'sent', n: 3 }, { status: 'unknown', n: 3 }]);
    channel.close();
  });

  it('retries a send the mail server refused for now (4xx) after a backoff, and gives up on a permanent refusal (5xx)', async () => {
    // A second mail server: "try later" to every first attempt, "no such mailbox" to one address.
    const tried = new Set<string>();
    const picky = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('pessoa1.')) return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        if (!tried.has(address.address)) {
          tried.add(address.address);
          return callback(Object.assign(new Error('4.7.1 try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData(stream, _session, callback) {
        stream.on('data', () => {}).on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => picky.listen(0, '127.0.0.1', resolve));
    const retryTenant = await createTenant(t.db, 'retentativa');
    await saveTemplate(t.db, retryTenant.users.admin.actor, { key: 'email', channel: 'email', body: EMAIL });
    await createSchedule(t.db, retryTenant.users.admin.actor, { portfolioId: retryTenant.creditors[0]!.portfolioId, name: 'E-mail', steps: [{ id: 'd4', offsetDays: 4, anchor: 'due_date', stage: 'aviso', action: 'email', template: 'email' }], stopConditions: ['paid'] });
    expect((await runDaily(t.db, { asOf: '2026-01-14' })).newActions).toBe(3);
    const channel = smtpChannel({ url: `smtp://127.0.0.1:${(picky.server.address() as AddressInfo).port}`, from: 'cobranca@recupera.test' });
    const options = { channels: [channel], publicUrl: 'https://recupera.test', retry: { maxAttempts: 3, baseDelayMs: 60_000 } };
    const first = at('2026-01-14T13:00:00Z');
    expect(await dispatchDue(t.db, { ...options, now: first })).toEqual({ sent: 0, failed: 1, retrying: 2, unknown: 0, deferred: 0, blocked: 0, stopped: 0 });
    expect((await dispatchDue(t.db, { ...options, now: new Date(first.getTime() + 59_000) })).sent).toBe(0); // the backoff holds
    expect(await dispatchDue(t.db, { ...options, now: new Date(first.getTime() + 60_000) })).toEqual({ sent: 2, failed: 0, retrying: 0, unknown: 0, deferred: 0, blocked: 0, stopped: 0 });
    const rows = await t.db.scoped({ tenantId: retryTenant.tenantId }, async ({ sql }) =>
      (await sql.query<{ status: string; attempts: number; n: number }>(`select status, attempts, count(*)::int as n from deliveries group by 1, 2 order by 1`)).rows,
    );
    expect(rows).toEqual([{ status: 'failed', attempts: 1, n: 1 }, { status: 'sent', attempts: 2, n: 2 }]);
    channel.close();
    await new Promise<void>((resolve) => picky.close(() => resolve()));
  });

  it('exports the evidence dossier: every contact attempt in order, the calculation memory, and a hash of the contents', async () => {
    const document = tenant.creditors[0]!.debtorDocuments[1]!;
    const debtorId = await t.db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from debtors where document = $1', [document])).rows[0]!.id);
    const { dossier, json, sha256 } = await buildDossier(t.db, tenant.users.auditor.actor, debtorId, '2026-01-20');
    expect(sha256).toBe(createHash('sha256').update(json).digest('hex'));
    expect(dossier.contactAttempts.map((a) => [a.step, a.status])).toEqual([['d1', 'sent'], ['d3', 'unknown']]);
    expect(dossier.contactAttempts[0]).toMatchObject({ channel: 'email', recipient: expect.stringContaining('@'), contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(dossier.debts[0]!.balance.memory.reduce((s, l) => s + l.amountCents, 0)).toBe(dossier.debts[0]!.balance.total);
    expect(dossier.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['debts.imported', 'action.planned', 'action.deferred', 'action.sent']));
    const pdf = await dossierPdf(dossier, sha256);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const audit = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'export' and resource = 'dossier' and $1 = any(subject_ids)`, [debtorId])).rows[0]!.n);
    expect(audit).toBe(1);
  });
});
