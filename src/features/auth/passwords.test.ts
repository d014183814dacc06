import { argon2Sync } from 'node:crypto';
import { argon2Verify } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, can } from './permissions.ts';
import { ARGON2_PARAMS, hashPassword, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('uses an Argon2id that reproduces the RFC 9106 test vector', () => {
    const tag = argon2Sync('argon2id', {
      message: Buffer.alloc(32, 1), nonce: Buffer.alloc(16, 2), secret: Buffer.alloc(8, 3), associatedData: Buffer.alloc(12, 4),
      parallelism: 4, tagLength: 32, memory: 32, passes: 3,
    });
    expect(tag.toString('hex')).toBe('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
  });

  it('stores PHC strings that an independent Argon2 implementation verifies', async () => {
    const hash = await hashPassword('correta-e-longa');
    expect(hash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memory},t=${ARGON2_PARAMS.passes},p=1\\$`));
    expect(await argon2Verify({ password: 'correta-e-longa', hash })).toBe(true);
    expect(await verifyPassword('correta-e-longa', hash)).toBe(true);
    expect(await verifyPassword('errada-e-longa', hash)).toBe(false);
    expect(await verifyPassword('correta-e-longa', 'not-a-hash')).toBe(false);
    expect(await hashPassword('correta-e-longa')).not.toBe(hash); // random salt
  });

  it('refuses short passwords', async () => {
    await expect(hashPassword('curta')).rejects.toMatchObject({ code: 'validation', field: 'password' });
  });
});

describe('permission matrix', () => {
  it('gives each role what docs/security.md says', () => {
    expect(can({ role: 'admin' }, 'users.write')).toBe(true);
    expect(can({ role: 'supervisor' }, 'users.write')).toBe(false);
    expect(can({ role: 'analyst' }, 'imports.run')).toBe(true);
    expect(can({ role: 'collector' }, 'imports.run')).toBe(false);
    expect(can({ role: 'collector' }, 'debtors.read')).toBe(true);
    expect(can({ role: 'creditor_viewer' }, 'debts.write')).toBe(false);
    expect(can({ role: 'auditor' }, 'audit.read')).toBe(true);
    expect(can({ role: 'auditor' }, 'debtors.write')).toBe(false);
    for (const [role, permissions] of Object.entries(ROLE_PERMISSIONS)) {
      if (role !== 'admin') expect(permissions.has('users.write')).toBe(false);
    }
  });
});
