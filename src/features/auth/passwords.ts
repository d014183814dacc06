import { argon2, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../shared/constant-time.ts';
import { promisify } from 'node:util';
import { AppError } from '../../shared/errors.ts';

const argon2Async = promisify(argon2);

/**
 * Passwords are hashed with Argon2id (RFC 9106), the memory-hard KDF, using the OWASP
 * minimum profile: 19 MiB of memory, 2 passes, 1 lane. Stored in the PHC string format
 * ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so other tools can verify them and the
 * parameters can be raised later without invalidating old hashes.
 */
export const ARGON2_PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;

export const MIN_PASSWORD_LENGTH = 10;

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a senha deve ter pelo menos ${MIN_PASSWORD_LENGTH} caracteres`;
  if (password.length > 256) return 'a senha deve ter no máximo 256 caracteres';
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('validation', problem, { field: 'password' });
  const salt = randomBytes(16);
  const hash = await argon2Async('argon2id', { message: password, nonce: salt, ...ARGON2_PARAMS });
  const { memory, passes, parallelism } = ARGON2_PARAMS;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(hash)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await argon2Async('argon2id', {
    message: password,
    nonce: Buffer.from(m[4]!, 'base64'),
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: expected.length,
  });
  return constantTimeEqual(actual, expected);
}

/** A hash of a random password, verified against when the e-mail is unknown so timing does not reveal it. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
