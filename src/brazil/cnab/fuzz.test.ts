import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { parseCnabReturn, parseRemessa240 } from './index.ts';

/**
 * Whatever arrives — random bytes, random records, a real file with a character changed, a line
 * cut, doubled, dropped or moved — the readers either read it or refuse it with an AppError
 * whose message starts by naming the line. Never another exception.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/cnab');
const NAMES = fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.ret'));
const linesOf = (name: string): string[] => fs.readFileSync(path.join(FIXTURES, name), 'latin1').split(/\r?\n/).filter((l) => l !== '');

/** Reads or refuses properly; returns whether it read. */
function readOrRefuse(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(/^Linha \d+[,:] /);
    for (const problem of error.problems) expect(problem.field).toMatch(/^linha \d+/);
    return false;
  }
}

function refusedAt(read: () => unknown): number {
  try {
    read();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const line = /^Linha (\d+)[,:] /.exec(error.message);
    expect(line, error.message).not.toBeNull();
    return Number(line![1]);
  }
  throw new Error('expected the file to be refused');
}

const printable = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abcxyz.-/*çÃ\u001a\t\u0000');

describe('random input', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        readOrRefuse(() => parseCnabReturn(Buffer.from(bytes)));
        readOrRefuse(() => parseRemessa240(Buffer.from(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('random records of the right length, after a real header or alone', () => {
    const record = (length: number) => fc.array(printable, { minLength: length, maxLength: length }).map((chars) => chars.join(''));
    const file = fc.constantFrom(...NAMES).chain((name) => {
      const header = linesOf(name)[0]!;
      const length = header.trimEnd().length > 240 ? 400 : 240;
      return fc.tuple(fc.constant(header), fc.boolean(), fc.array(record(length), { minLength: 1, maxLength: 6 }));
    });
    fc.assert(
      fc.property(file, ([header, keepHeader, random]) => void readOrRefuse(() => parseCnabReturn((keepHeader ? [header, ...random] : random).join('\r\n')))),
      { numRuns: 150 },
    );
  });

  it('random text lines of any length', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 500 }), { maxLength: 8 }), (lines) => void readOrRefuse(() => parseCnabReturn(lines.join('\n')))), { numRuns: 200 });
  });
});

describe.each(NAMES)('the real file %s, damaged', (name) => {
  const lines = linesOf(name);
  const expected = parseCnabReturn(lines.join('\r\n'));

  it('one character changed anywhere: read (maybe differently) or refused naming a line', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(399), printable, (line, column, ch) => {
        const copy = [...lines];
        const text = copy[line]!.padEnd(column, ' ');
        copy[line] = text.slice(0, column) + ch + text.slice(column + 1);
        readOrRefuse(() => parseCnabReturn(copy.join('\r\n')));
      }),
      { numRuns: 300 },
    );
  });

  it('a letter in an amount of a detail is refused at that line', () => {
    const detail = expected.details[0]!;
    const copy = [...lines];
    const line = expected.layout === 'cnab240' ? detail.line + 1 : detail.line; // U follows T in CNAB 240
    const column = expected.layout === 'cnab240' ? 85 : 260; // inside valor pago (U 78–92; 400: 254–266)
    copy[line - 1] = copy[line - 1]!.slice(0, column - 1) + 'x' + copy[line - 1]!.slice(column);
    expect(refusedAt(() => parseCnabReturn(copy.join('\r\n')))).toBe(line);
  });

  it('a line cut short: read or refused naming a line', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(399), (line, keep) => {
        const copy = [...lines];
        copy[line] = copy[line]!.slice(0, keep);
        readOrRefuse(() => parseCnabReturn(copy.join('\r\n')));
      }),
      { numRuns: 200 },
    );
  });

  it('a line doubled, dropped or moved is always refused, naming a line', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(lines.length - 1), fc.constantFrom('double', 'drop', 'move'), (from, to, change) => {
        const copy = [...lines];
        if (change === 'double') copy.splice(to, 0, lines[from]!);
        else if (change === 'drop') copy.splice(from, 1);
        else {
          if (from === to) return;
          const [moved] = copy.splice(from, 1);
          copy.splice(to, 0, moved!);
          if (copy.join('\n') === lines.join('\n')) return;
        }
        if (copy.length === 0) return;
        refusedAt(() => parseCnabReturn(copy.join('\r\n')));
      }),
      { numRuns: 200 },
    );
  });

  it('shuffled lines are refused', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), (shuffled) => {
        if (shuffled.join('\n') === lines.join('\n')) return;
        refusedAt(() => parseCnabReturn(shuffled.join('\r\n')));
      }),
      { numRuns: 100 },
    );
  });
});
