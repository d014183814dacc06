import { EXAMPLE_SEGMENTS } from '../../domain/scoring/segments.ts';
import type { Tx } from '../../store/database.ts';

/**
 * The demo agency's segments and collectors: two collectors for consumers (team "varejo") and one
 * specialist in companies (team "empresas"), cases distributed by skill.
 */
const DEMO_COLLECTORS: Record<string, { team: string; maxOpenCases: number; skills: string[] }> = {
  'operador@demo.recupera.test': { team: 'varejo', maxOpenCases: 900, skills: [] },
  'operador2@demo.recupera.test': { team: 'varejo', maxOpenCases: 900, skills: [] },
  'operador3@demo.recupera.test': { team: 'empresas', maxOpenCases: 600, skills: ['empresas'] },
};

export async function seedDemoWorkspace(tx: Tx, tenantId: string, users: ReadonlyArray<{ email: string }>): Promise<void> {
  for (const segment of EXAMPLE_SEGMENTS) {
    await tx.db.insertInto('segments').values({ tenant_id: tenantId, name: segment.name, priority: segment.priority, rules: JSON.stringify(segment.rules), description: null, updated_by: null }).execute();
  }
  const emails = users.map((u) => u.email).filter((email) => email in DEMO_COLLECTORS);
  if (emails.length === 0) return;
  const rows = await tx.db.selectFrom('users').select(['id', 'email']).where('tenant_id', '=', tenantId).where('email', 'in', emails).execute();
  for (const row of rows) {
    const c = DEMO_COLLECTORS[row.email]!;
    await tx.db.insertInto('collectors').values({ tenant_id: tenantId, user_id: row.id, team: c.team, max_open_cases: c.maxOpenCases, skills: c.skills }).execute();
  }
  await tx.db.insertInto('distribution_settings').values({ tenant_id: tenantId, strategy: 'skill', auto: true }).execute();
}
