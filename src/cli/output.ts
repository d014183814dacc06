import { AppError } from '../shared/errors.ts';

/** Exit codes shared by every command: 0 done, 1 done with rejected rows, 2 could not do it. */
export const EXIT = { ok: 0, partial: 1, failed: 2 } as const;

export class ExitError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** One readable line on stderr for an error, and the exit code it deserves. */
export function reportError(error: unknown): number {
  if (error instanceof ExitError) {
    if (error.message) process.stderr.write(`erro: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof AppError) {
    process.stderr.write(`erro: ${error.message}${error.field && !error.message.includes(error.field) ? ` (campo ${error.field})` : ''}\n`);
    return EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`erro inesperado: ${message}\n`);
  if (process.env.DEBUG) console.error(error);
  return EXIT.failed;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
