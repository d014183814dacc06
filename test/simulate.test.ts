import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/features/dunning/simulation.ts';

describe('recupera simulate', () => {
  it('runs the demo régua day by day into a local mailbox, deterministically', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-sim-'));
    try {
      const report = await simulate({ days: 5, from: '2026-11-23', out, seed: 'teste' });
      expect(report.to).toBe('2026-11-27');
      const sentBy = (channels: string[]) => report.byStep.filter((r) => r.status === 'sent' && channels.includes(r.channel)).reduce((s, r) => s + r.n, 0);
      const sent = sentBy(['email', 'sms', 'whatsapp']);
      expect(sent).toBeGreaterThan(0);
      const files = fs.readdirSync(report.mailbox).filter((f) => f !== 'cartas');
      expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(report.emails);
      expect(files.length).toBe(sent); // every message sent is in the mailbox, once
      const eml = fs.readFileSync(path.join(report.mailbox, files.find((f) => f.endsWith('.eml'))!), 'utf8');
      expect(eml).toMatch(/Message-ID: <[0-9a-f-]{36}@recupera>/i);
      const again = await simulate({ days: 5, from: '2026-11-23', out, seed: 'teste' });
      expect(again.byStep).toEqual(report.byStep);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
