import { describe, expect, it } from 'vitest';
import { isDelivered, nextWebhookAttempt, WEBHOOK_RETRY_DELAYS_MINUTES } from './retry.ts';

const at = new Date('2026-12-01T12:00:00Z');
const minutesAfter = (d: Date | null) => (d ? (d.getTime() - at.getTime()) / 60_000 : null);

describe('webhook retry schedule', () => {
  it('waits 1 min, 5 min, 30 min, 2 h, 6 h, then 24 h between attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => minutesAfter(nextWebhookAttempt(n, at, 10)))).toEqual([1, 5, 30, 120, 360, 1440, 1440, 1440, 1440]);
  });

  it('gives up after the maximum number of attempts', () => {
    expect(nextWebhookAttempt(10, at, 10)).toBeNull();
    expect(nextWebhookAttempt(3, at, 3)).toBeNull();
    expect(minutesAfter(nextWebhookAttempt(2, at, 3))).toBe(5);
    expect(nextWebhookAttempt(1, at, 1)).toBeNull();
  });

  it('adds up to the documented total for the default of 10 attempts (4 days 8 h 36 min)', () => {
    let t = at;
    for (let n = 1; n < 10; n++) t = nextWebhookAttempt(n, t)!;
    expect((t.getTime() - at.getTime()) / 60_000).toBe(1 + 5 + 30 + 120 + 360 + 4 * 1440);
    expect(WEBHOOK_RETRY_DELAYS_MINUTES.at(-1)).toBe(1440);
  });

  it('refuses a nonsense attempt count', () => {
    expect(() => nextWebhookAttempt(0, at)).toThrow(RangeError);
  });

  it('counts only 2xx as delivered', () => {
    expect([200, 201, 204, 299].every(isDelivered)).toBe(true);
    expect([199, 301, 302, 400, 404, 410, 500, 503].some(isDelivered)).toBe(false);
  });
});
