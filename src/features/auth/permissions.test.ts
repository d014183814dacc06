import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../store/schema.ts';
import { can, PERMISSIONS, requirePermission, ROLE_PERMISSIONS } from './permissions.ts';

describe('permission matrix', () => {
  it('is exactly the table written in docs/security.md', () => {
    const doc = fs.readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    const lines = doc.split('\n');
    const headerIndex = lines.findIndex((l) => l.startsWith('| permission |'));
    const roles = lines[headerIndex]!.split('|').slice(2, -1).map((c) => c.trim());
    expect(new Set(roles)).toEqual(new Set(Object.keys(ROLE_PERMISSIONS)));
    const rows = lines.slice(headerIndex + 2).filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split('|')[1]!.trim().replaceAll('`', ''))).toEqual([...PERMISSIONS]);
    for (const row of rows) {
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      const permission = cells[0]!.replaceAll('`', '') as (typeof PERMISSIONS)[number];
      roles.forEach((role, i) => {
        expect(cells[i + 1] === '✓', `${role} × ${permission}`).toBe(ROLE_PERMISSIONS[role as Role].has(permission));
      });
    }
  });

  it('refuses with a pt-BR message naming the role and the permission', () => {
    expect(can({ role: 'collector' }, 'debts.write')).toBe(false);
    expect(() => requirePermission({ role: 'collector' }, 'debts.write')).toThrow(/Operador de cobrança.*debts\.write/);
    expect(() => requirePermission({ role: 'analyst' }, 'debts.write')).not.toThrow();
  });
});
