import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api.ts';

/** Loads data for a screen; `reload` after an action. Errors keep the pt-BR message of the API. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run()
      .then((value) => live && (setData(value), setError(null)))
      .catch((e: unknown) => live && setError(messageOf(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

/** The field → message pairs of a problem+json answer, for showing each next to its field (the first per field). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const p of error.errors ?? []) if (p.field && !out[p.field]) out[p.field] = p.message;
  if (error.field && !out[error.field]) out[error.field] = error.message;
  return out;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs an action, tracking busy state, the error message (and each field's), and the success message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(messageOf(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  /**
   * Runs an action; when it succeeds — whatever it answers, a 204 with no body included — shows
   * `message` (via `done`) and calls `then` (the lists to reload).
   */
  const perform = useCallback(async <T,>(action: () => Promise<T>, options: { message?: string | null; then?: () => void } = {}): Promise<{ ok: true; value: T } | { ok: false }> => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setDone(null);
    try {
      const value = await action();
      setDone(options.message ?? null);
      options.then?.();
      return { ok: true, value };
    } catch (e) {
      setError(messageOf(e));
      setFieldErrors(fieldErrorsOf(e));
      return { ok: false };
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, fieldErrors, setFieldErrors, done, setDone, run, perform };
}
