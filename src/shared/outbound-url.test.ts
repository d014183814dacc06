import { describe, expect, it } from 'vitest';
import { checkPullUrl } from '../features/erp/fetch-export.ts';
import { checkWebhookUrl } from '../features/webhooks/url-guard.ts';
import { AppError } from './errors.ts';
import { guardedLookup, isPrivateAddress } from './outbound-url.ts';

describe('outbound URL guard (SSRF) for webhooks and ERP pulls', () => {
  it('knows private, loopback, link-local and reserved addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::127.0.0.1', '::7f00:1', '2002:7f00:1::1', '64:ff9b::a00:1', 'not-an-ip']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '200.160.2.3', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('accepts public http(s) URLs and refuses other schemes, credentials and internal hosts', () => {
    expect(checkWebhookUrl('https://erp.exemplo.com.br/hooks', false).hostname).toBe('erp.exemplo.com.br');
    expect(checkWebhookUrl('http://200.160.2.3:8080/x', false).port).toBe('8080');
    expect(() => checkWebhookUrl('ftp://erp.exemplo.com.br/x', false)).toThrow(/só http e https/);
    expect(() => checkWebhookUrl('file:///etc/passwd', false)).toThrow(/só http e https/);
    expect(() => checkWebhookUrl('https://user:pw@erp.exemplo.com.br/', false)).toThrow(/usuário e senha/);
    expect(() => checkWebhookUrl('http://localhost:3000/', false)).toThrow(/endereço interno/);
    expect(() => checkWebhookUrl('http://169.254.169.254/latest/meta-data', false)).toThrow(/privado/);
    expect(() => checkWebhookUrl('http://[::1]:80/', false)).toThrow(/privado/);
    expect(() => checkWebhookUrl('http://[::127.0.0.1]/', false)).toThrow(/privado/);
    expect(() => checkWebhookUrl('isto não é url', false)).toThrow(/URL inválida/);
  });

  it('lets private addresses through when the switch allows them (demo, tests)', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hooks', true).port).toBe('4000');
    expect(() => checkWebhookUrl('gopher://127.0.0.1/', true)).toThrow(/só http e https/);
  });

  it('names the caller\'s field and setting in the refusal', () => {
    const refusal = (() => {
      try {
        checkPullUrl('http://10.0.0.5/export.csv', false);
      } catch (error) {
        return error as AppError;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal?.message).toMatch(/ERP_ALLOW_PRIVATE_URLS=false/);
    expect(refusal?.field).toBe('location');
    expect(() => checkPullUrl('http://intranet.local/x.csv', false)).toThrow(/endereço interno/);
  });

  it('refuses at connect time a name that resolves to a private address', async () => {
    const resolve = (allowPrivate: boolean) =>
      new Promise<{ code?: string; address?: string }>((done) =>
        guardedLookup(allowPrivate)('localhost', { family: 4 }, (err, address) => done(err ? { code: (err as NodeJS.ErrnoException).code! } : { address: String(address) })),
      );
    expect(await resolve(false)).toEqual({ code: 'EPRIVATE' });
    expect(await resolve(true)).toEqual({ address: '127.0.0.1' });
  });
});
