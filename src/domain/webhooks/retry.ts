/**
 * When a failed webhook delivery is tried again. Receivers get each event at least once: a
 * delivery is retried on any answer other than 2xx (and on timeouts and network errors) after
 * 1 min, 5 min, 30 min, 2 h, 6 h, then every 24 h, until `maxAttempts` attempts were made
 * (WEBHOOK_MAX_ATTEMPTS; default 10: the last one 4 days 8 h 36 min after the first), when it is marked failed and waits for a
 * replay. No jitter: the schedule is what the docs say; the worker spreads the load by batches.
 */
export const WEBHOOK_RETRY_DELAYS_MINUTES: readonly number[] = [1, 5, 30, 120, 360, 1440];

export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 10;

/**
 * The instant of the next attempt after `attemptsMade` failed attempts (the last one at
 * `lastAttemptAt`), or null when no attempt is left: the delivery has failed.
 */
export function nextWebhookAttempt(attemptsMade: number, lastAttemptAt: Date, maxAttempts: number = DEFAULT_WEBHOOK_MAX_ATTEMPTS): Date | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) throw new RangeError('attemptsMade must be a positive integer');
  if (attemptsMade >= maxAttempts) return null;
  const delay = WEBHOOK_RETRY_DELAYS_MINUTES[Math.min(attemptsMade, WEBHOOK_RETRY_DELAYS_MINUTES.length) - 1]!;
  return new Date(lastAttemptAt.getTime() + delay * 60_000);
}

/** Whether an HTTP status from the receiver means "delivered". Redirects are not followed: a 3xx is a failure. */
export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300;
}
