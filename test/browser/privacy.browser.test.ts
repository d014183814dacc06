import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { addDays } from '../../src/domain/dates.ts';
import { AS_OF } from '../support/factories.ts';
import { bearer, loginAs } from '../support/server.ts';
import { expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * Privacidade (LGPD) in Chromium, as the demo's auditor / DPO: the requests with their deadlines
 * (an overdue one flagged), a request's identity verified, the access report offered, the history.
 */
let w: BrowserWorld;
beforeAll(async () => {
  w = await startBrowserWorld();
}, 180_000);
afterAll(async () => w?.close());

describe('Privacidade (LGPD)', () => {
  it('lists the requests with deadlines, verifies an identity and offers the access report', async () => {
    const admin = await loginAs(w.app, 'admin@demo.recupera.test', DEMO_PASSWORD);
    const debtors = (await w.app.inject({ method: 'GET', url: '/api/debtors?limit=1', headers: bearer(admin) })).json() as { items: Array<{ document: string }> };
    const document = debtors.items[0]!.document;
    const post = async (body: object) => {
      const r = await w.app.inject({ method: 'POST', url: '/api/privacy-requests', headers: bearer(admin), payload: body });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; protocol: string };
    };
    const late = await post({ document, name: 'Titular Atrasado', email: 'atrasado@exemplo.test', kind: 'information', receivedOn: addDays(AS_OF, -20) });
    const access = await post({ document, name: 'Titular Exemplo', email: 'titular@exemplo.test', kind: 'access' });

    const { page, errors } = await w.newPage();
    await logIn(page, 'auditor');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Privacidade (LGPD)' }).click();
    const table = page.getByRole('table', { name: /Solicitações de titulares/ });
    await table.getByRole('button', { name: `Abrir a solicitação ${access.protocol}` }).waitFor();
    await expect.poll(() => table.getByRole('row', { name: new RegExp(late.protocol) }).textContent()).toMatch(/atrasada 5 dia/);
    await expectAccessible(page, 'privacidade: lista');

    await table.getByRole('button', { name: `Abrir a solicitação ${access.protocol}` }).click();
    await page.getByLabel('Como a identidade foi confirmada').fill('RG conferido por videochamada');
    await page.getByRole('button', { name: 'Confirmar identidade' }).click();
    await page.getByText('Identidade confirmada.').waitFor();
    await page.getByRole('link', { name: 'PDF' }).waitFor();
    expect(await page.getByRole('link', { name: 'JSON (portabilidade)' }).getAttribute('href')).toBe(`/api/privacy-requests/${access.id}/report`);
    const history = page.getByRole('table', { name: /Histórico/ });
    await expect.poll(() => history.textContent()).toContain('RG conferido por videochamada');
    const pdf = await page.request.get(`/api/privacy-requests/${access.id}/report?format=pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await expectAccessible(page, 'privacidade: solicitação');
    expect(errors).toEqual([]);
  });
});
