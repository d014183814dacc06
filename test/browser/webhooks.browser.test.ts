import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPayload } from '../../src/shared/signed-payload.ts';
import { expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * Integrações → Webhooks in Chromium: the demo administrator subscribes a local receiver, copies
 * the secret shown once, sends a test that the receiver verifies, and replays it from the log.
 */
let w: BrowserWorld;
let server: http.Server;
let url = '';
const received: Array<{ eventId: string; body: string; signature: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ eventId: String(req.headers['x-recupera-event-id']), body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['x-recupera-signature']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/recupera`;
  w = await startBrowserWorld({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
}, 180_000);
afterAll(async () => {
  await w?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Integrações → Webhooks', () => {
  it('creates a subscription with its secret shown once, tests it and replays the test', async () => {
    const { page, errors } = await w.newPage();
    await logIn(page, 'admin');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Integrações → Webhooks' }).click();
    await page.getByRole('heading', { name: 'Integrações: webhooks' }).waitFor();
    await page.getByLabel('URL do receptor').fill(url);
    await page.getByLabel('Descrição').fill('ERP de teste');
    await page.getByRole('checkbox', { name: /Pagamento recebido/ }).check();
    await page.getByRole('checkbox', { name: /Teste de webhook/ }).check();
    await page.getByRole('button', { name: 'Criar assinatura' }).click();
    await page.getByRole('alert').filter({ hasText: 'não será mostrado de novo' }).waitFor();
    const secret = (await page.locator('code').filter({ hasText: /^whsec_/ }).textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await expectAccessible(page, 'webhooks com o segredo');
    await page.getByRole('button', { name: 'Já guardei o segredo' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    await page.getByRole('button', { name: `Testar ${url}` }).click();
    await page.getByRole('status').filter({ hasText: 'Teste entregue.' }).waitFor();
    expect(received).toHaveLength(1);
    expect(verifyPayload(secret, received[0]!.signature, received[0]!.body)).toBe(true);
    const log = page.getByRole('table', { name: /Entregas mais recentes/ });
    await log.getByText('Entregue').first().waitFor();

    await log.getByRole('button', { name: new RegExp(`Reenviar o evento ${received[0]!.eventId}`) }).click();
    await page.getByRole('status').filter({ hasText: 'Reenvio agendado' }).waitFor();
    await log.getByText('Pendente (reenvio)').waitFor();
    await expectAccessible(page, 'webhooks com o registro de entregas');

    // deleting (the API answers 204, no body) says so and takes the row off the list
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Excluir ${url}` }).click();
    await page.getByRole('status').filter({ hasText: 'Assinatura excluída.' }).waitFor();
    await page.getByRole('table', { name: 'Sistemas que recebem eventos' }).getByText('Nenhuma assinatura.').waitFor();
    expect(errors).toEqual([]);
  });
});
