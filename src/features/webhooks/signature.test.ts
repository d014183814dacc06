import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { signPayload, verifyPayload } from '../../shared/signed-payload.ts';
import { webhookBody } from './deliver.ts';

const secret = 'whsec_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
const at = new Date('2026-12-06T16:00:00Z');
const body = webhookBody({
  id: '0193a7c2-5d1e-7c3b-9f61-2b7c4e0d8a11', type: 'payment.received', occurred_at: new Date('2026-12-06T15:59:58.123Z'),
  tenant_id: '0193a7c2-0000-7000-8000-000000000001', creditor_id: null, data: { amountCents: 5000, debts: [{ externalId: 'ERP-7001' }] },
});

describe('webhook signature (X-Recupera-Signature)', () => {
  it('is t=<unix>,v1=HMAC-SHA256("<t>.<body>"), the same as OpenSSL computes', () => {
    const header = signPayload(secret, body, at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
    // an independent implementation of HMAC-SHA256
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: `${t}.${body}` }).toString();
    expect(openssl.trim().split(' ').at(-1)).toBe(header.split('v1=')[1]);
  });

  it('verifies the untouched body within the tolerance, and nothing else', () => {
    const header = signPayload(secret, body, at);
    expect(verifyPayload(secret, header, body, new Date(at.getTime() + 60_000))).toBe(true);
    expect(verifyPayload(secret, header, body.replace('5000', '5001'), at)).toBe(false); // tampered
    expect(verifyPayload(`${secret}x`, header, body, at)).toBe(false); // another secret (a rotated one)
    expect(verifyPayload(secret, header, body, new Date(at.getTime() + 301_000))).toBe(false); // replayed later by someone else
    expect(verifyPayload(secret, undefined, body, at)).toBe(false);
    expect(verifyPayload(secret, 'v1=abc', body, at)).toBe(false);
  });

  it('builds the body only from the stored event: the same bytes on every attempt and replay', () => {
    expect(JSON.parse(body)).toEqual({
      id: '0193a7c2-5d1e-7c3b-9f61-2b7c4e0d8a11', type: 'payment.received', occurredAt: '2026-12-06T15:59:58.123Z',
      tenantId: '0193a7c2-0000-7000-8000-000000000001', creditorId: null, data: { amountCents: 5000, debts: [{ externalId: 'ERP-7001' }] },
    });
    expect(webhookBody({ id: '0193a7c2-5d1e-7c3b-9f61-2b7c4e0d8a11', type: 'payment.received', occurred_at: new Date('2026-12-06T15:59:58.123Z'), tenant_id: '0193a7c2-0000-7000-8000-000000000001', creditor_id: null, data: { amountCents: 5000, debts: [{ externalId: 'ERP-7001' }] } })).toBe(body);
  });
});
