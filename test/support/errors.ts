import { expect } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';

/** The AppError `fn` throws (the test fails if it throws anything else, or nothing). */
export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}
