import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { whatsappTemplateText } from '../../domain/dunning/templates.ts';
import { loadConfig } from '../../shared/config.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { dialerStandIn, twilioStandIn, whatsappStandIn } from '../../../test/support/provider-stand-ins.ts';
import { freePort } from '../../../test/support/net.ts';
import { startServer } from '../../../test/support/server.ts';
import { channelsFromConfig } from './channels/from-config.ts';
import { whatsappTemplateName } from './channels/whatsapp.ts';
import { runDaily } from './daily-run.ts';
import { dispatchDue } from './dispatch.ts';
import { createSchedule, saveTemplate } from './schedules.ts';

/**
 * SMS, WhatsApp, letters and calls end to end: the daily run plans them, dispatch sends them to
 * local servers speaking Twilio's and Meta's APIs and a dialer's webhook, and the providers'
 * signed receipts come back through the server's webhooks onto the case timeline.
 */
const TEMPLATES = {
  sms: '{{primeiroNome debtor.name}}, há um valor em aberto com {{creditor.legalName}}. Detalhes e negociação: {{portalUrl}}',
  whatsapp: 'Olá, {{primeiroNome debtor.name}}! Há um valor em aberto.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}} quando quiser.',
  letter: 'Prezado(a) {{debtor.name}},\n\nNotificamos o débito abaixo.\n{{discriminacao}}\n\n{{identificacaoCredor}}\nNegocie em {{portalUrl}}.',
  voice: 'Falo com {{debtor.name}}? Ligação em nome de {{creditor.legalName}} sobre um valor em aberto; detalhes em {{portalUrl}}.',
} as const;
const SECRET = { twilio: 'twilio-auth-token', metaApp: 'meta-app-secret', dialer: 'segredo-do-discador' };
const NOW = new Date('2026-01-14T13:00:00Z'); // Wednesday, 10:00 in São Paulo

let t: TestDatabase;
let tenant: TenantFixture;
let app: App;
let twilio: Awaited<ReturnType<typeof twilioStandIn>>;
let meta: Awaited<ReturnType<typeof whatsappStandIn>>;
let dialer: Awaited<ReturnType<typeof dialerStandIn>>;
let lettersDir: string;
let env: Record<string, string>;

const q = <T>(text: string, params: unknown[] = []) => t.db.system(async ({ sql }) => (await sql.query<T>(text, params)).rows);
const deliveryStatuses = (channel: string) => q<{ status: string }>(`select status from deliveries where channel = $1 order by status`, [channel]).then((r) => r.map((x) => x.status));

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'canais');
  const admin = tenant.users.admin.actor;
  for (const [channel, body] of Object.entries(TEMPLATES)) await saveTemplate(t.db, admin, { key: `modelo-${channel}`, channel: channel as keyof typeof TEMPLATES, body });
  const step = (id: string, offsetDays: number, action: keyof typeof TEMPLATES) => ({ id, offsetDays, anchor: 'due_date' as const, stage: 'alerta' as const, action, template: `modelo-${action}` });
  await createSchedule(t.db, admin, {
    portfolioId: tenant.creditors[0]!.portfolioId, name: 'Canais',
    steps: [step('d4-sms', 4, 'sms'), step('d4-whatsapp', 4, 'whatsapp'), step('d4-carta', 4, 'letter'), step('d4-ligacao', 4, 'voice')], // the first run plans its own day
    stopConditions: ['paid'],
  });
  await q(`update contact_points set whatsapp_opt_in_at = '2025-12-01' where channel = 'phone'`);
  twilio = await twilioStandIn({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: SECRET.twilio, failFirst: 1 });
  meta = await whatsappStandIn({ phoneNumberId: '106540352242922', accessToken: 'meta-token', appSecret: SECRET.metaApp, templates: { [whatsappTemplateName('modelo-whatsapp')]: whatsappTemplateText(TEMPLATES.whatsapp) } });
  dialer = await dialerStandIn({ secret: SECRET.dialer });
  lettersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-cartas-'));
  const port = await freePort();
  env = {
    PUBLIC_URL: `http://127.0.0.1:${port}`, LETTERS_DIR: lettersDir,
    TWILIO_API_URL: twilio.url, TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', TWILIO_AUTH_TOKEN: SECRET.twilio, TWILIO_FROM: '+5511940028922',
    WHATSAPP_API_URL: meta.url, WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_ACCESS_TOKEN: 'meta-token', WHATSAPP_APP_SECRET: SECRET.metaApp, WHATSAPP_VERIFY_TOKEN: 'verifica-recupera',
    DIALER_URL: dialer.url, DIALER_SECRET: SECRET.dialer,
  };
  ({ app } = await startServer(t.db, env));
  await app.listen({ port, host: '127.0.0.1' });
  meta.setWebhook(`${env.PUBLIC_URL}/api/webhooks/whatsapp`);
});
afterAll(async () => {
  await app.close();
  await Promise.all([twilio.close(), meta.close(), dialer.close()]);
  fs.rmSync(lettersDir, { recursive: true, force: true });
  await t.drop();
});

describe('channels through the providers’ APIs', () => {
  it('sends SMS, WhatsApp templates, letters and calls; retries what the provider refused, after the backoff', async () => {
    expect((await runDaily(t.db, { asOf: '2026-01-14' })).newActions).toBe(12);
    const channels = channelsFromConfig(t.db, loadConfig(env));
    const options = { channels, publicUrl: env.PUBLIC_URL!, retry: { maxAttempts: 3, baseDelayMs: 60_000 } };
    expect(await dispatchDue(t.db, { ...options, now: NOW })).toEqual({ sent: 11, failed: 0, retrying: 1, unknown: 0, deferred: 0, blocked: 0, stopped: 0 });
    expect((await dispatchDue(t.db, { ...options, now: new Date(NOW.getTime() + 30_000) })).sent).toBe(0); // still waiting
    expect((await dispatchDue(t.db, { ...options, now: new Date(NOW.getTime() + 61_000) })).sent).toBe(1);

    // SMS: one per debtor, to the mobile in E.164, with the portal link (the channel is too short for the itemization)
    expect(twilio.messages).toHaveLength(3);
    expect(new Set(twilio.messages.map((m) => m.to)).size).toBe(3);
    for (const m of twilio.messages) {
      expect(m.to).toMatch(/^\+5511\d{9}$/);
      expect(m.body).toContain(`${env.PUBLIC_URL}/portal`);
      expect(m.statusCallback).toBe(`${env.PUBLIC_URL}/api/webhooks/twilio/status`);
    }
    expect(await q(`select attempts from deliveries where channel = 'sms' order by attempts`)).toEqual([{ attempts: 1 }, { attempts: 1 }, { attempts: 2 }]);
    expect(await q(`select count(*)::int as n from events where type = 'action.retry'`)).toEqual([{ n: 1 }]);

    // WhatsApp: the approved template, with each expression of our text as a parameter in order
    expect(meta.messages).toHaveLength(3);
    expect(meta.messages[0]).toMatchObject({ template: 'modelo_whatsapp', language: 'pt_BR', to: expect.stringMatching(/^5511\d{9}$/) });
    expect(meta.messages[0]!.parameters[1]).toMatch(/^Valor original: R\$ 100,00 · .* · Total em 14\/01\/2026: R\$ [\d.]+,\d{2}$/);
    expect(meta.messages[0]!.parameters[2]).toMatch(/CNPJ \d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}/);

    // Letters: one PDF batch and its manifest for the print house
    const batch = fs.readdirSync(path.join(lettersDir, tenant.tenantId, '2026-01-14')).sort();
    expect(batch.map((f) => path.extname(f))).toEqual(['.csv', '.pdf']);
    const pdf = fs.readFileSync(path.join(lettersDir, tenant.tenantId, '2026-01-14', batch[1]!));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(3);
    const manifest = fs.readFileSync(path.join(lettersDir, tenant.tenantId, '2026-01-14', batch[0]!), 'utf8').trim().split('\n');
    expect(manifest[0]).toBe('pagina;acao;destinatario;logradouro;numero;complemento;bairro;cidade;uf;cep');
    expect(manifest.slice(1, 4).map((l) => l.split(';')[9])).toEqual(['01310100', '01310100', '01310100']);
    expect(await q(`select provider_id from deliveries where channel = 'letter' order by provider_id`)).toEqual([1, 2, 3].map((page) => ({ provider_id: `${batch[1]}#${page}` })));

    // Calls: a task per call in the collectors' queue, and a signed request to the dialer
    const tasks = await q<{ id: string; kind: string; status: string; phone: string; script: string }>(`select id, kind, status, phone, script from collector_tasks order by id`);
    expect(tasks).toHaveLength(3);
    expect(tasks.every((task) => task.kind === 'call' && task.status === 'open' && /^\+55/.test(task.phone) && task.script.includes('Falo com'))).toBe(true);
    expect(dialer.calls.map((c) => c.callId).sort()).toEqual(tasks.map((task) => task.id).sort());
    expect(dialer.calls.every((c) => c.signed)).toBe(true);
    for (const channel of channels) await channel.close?.();
  });

  it('takes the providers’ signed receipts, forward only, once each, onto the timeline', async () => {
    const [first, second] = twilio.messages;
    expect(await twilio.receipt(first!.sid, 'sent')).toBe(204);
    expect(await twilio.receipt(first!.sid, 'delivered')).toBe(204);
    expect(await twilio.receipt(first!.sid, 'delivered')).toBe(204); // the same receipt again
    expect(await twilio.receipt(first!.sid, 'sent')).toBe(204); // late and out of order
    expect(await twilio.receipt(second!.sid, 'undelivered', { ErrorCode: '30003' })).toBe(204);
    expect(await twilio.receipt(second!.sid, 'delivered', {}, 'token-falso')).toBe(401); // a forged receipt
    expect(await deliveryStatuses('sms')).toEqual(['delivered', 'sent', 'undelivered']);

    const [w1, w2] = meta.messages;
    expect(await meta.notify(w1!.id, 'delivered')).toBe(200);
    expect(await meta.notify(w1!.id, 'read')).toBe(200);
    expect(await meta.notify(w2!.id, 'failed', [{ code: 131026, title: 'Message undeliverable' }])).toBe(200);
    expect(await meta.notify(w2!.id, 'read', undefined, 'segredo-errado')).toBe(401);
    expect(await deliveryStatuses('whatsapp')).toEqual(['read', 'sent', 'undelivered']);
    const verify = await app.inject({ method: 'GET', url: '/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verifica-recupera&hub.challenge=1158201444' });
    expect([verify.statusCode, verify.body]).toEqual([200, '1158201444']);
    expect((await app.inject({ method: 'GET', url: '/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=errado&hub.challenge=1' })).statusCode).toBe(403);

    const call = dialer.calls[0]!;
    expect(await dialer.report(call.callId, { status: 'answered', durationSeconds: 95, disposition: 'promessa de pagamento' })).toBe(204);
    expect(await dialer.report(dialer.calls[1]!.callId, { status: 'no_answer' })).toBe(204);
    expect(await dialer.report(call.callId, { status: 'sem-formato' })).toBe(400);
    expect(await q(`select status, outcome from collector_tasks where status = 'done' order by outcome`)).toEqual([{ status: 'done', outcome: 'answered' }, { status: 'done', outcome: 'no_answer' }]);
    expect(await deliveryStatuses('voice')).toEqual(['delivered', 'sent', 'undelivered']);

    const timeline = await q<{ type: string; n: number }>(`select type, count(*)::int as n from events where type in ('action.delivered', 'action.read', 'action.undelivered') group by type order by type`);
    expect(timeline).toEqual([{ type: 'action.delivered', n: 3 }, { type: 'action.read', n: 1 }, { type: 'action.undelivered', n: 3 }]);
    const answered = await q<{ data: { durationSeconds: number; disposition: string } }>(`select data from events where type = 'action.delivered' and data->>'channel' = 'voice'`);
    expect(answered[0]!.data).toMatchObject({ durationSeconds: 95, disposition: 'promessa de pagamento' });
  });
});
