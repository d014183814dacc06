import type { SqlClient } from '../src/store/database.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Resident memory (KB) of a process and, recursively, its children: the largest one seen. */
export function rssOf(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return Math.max(kb, ...children.map(rssOf));
  } catch {
    return 0; // the process ended between two readings
  }
}

/**
 * Runs `recupera …` as its own process, sampling the resident memory of its process tree every
 * 25 ms (the launcher may re-run itself with a heap limit, so the work can happen in a child).
 * Throws with its stderr when it exits with a code other than 0.
 */
export async function runSampled(args: string[], env: Record<string, string>): Promise<{ seconds: number; peakMB: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 25);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${args.slice(1, 3).join(' ')} exited ${code}: ${stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakMB: peak / 1024, stdout, stderr };
}

/** The benchmarks' agency: one tenant, one creditor, one portfolio. */
export async function seedBenchAgency(sql: SqlClient): Promise<void> {
  await sql.query(`insert into tenants (slug, name) values ('bench', 'Assessoria Bench')`);
  await sql.query(`insert into creditors (tenant_id, legal_name, document, document_kind, business_kind, street, number, city, uf, cep)
                   select id, 'Credor Bench Ltda', '11222333000181', 'cnpj', 'consumer', 'Avenida Paulista', '1000', 'São Paulo', 'SP', '01310100' from tenants`);
  await sql.query(`insert into portfolios (tenant_id, creditor_id, name) select tenant_id, id, 'Bench' from creditors`);
}
