import { spawn } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import type { SqlClient } from '../src/store/database.ts';

/** The PostgreSQL server the benchmarks create their databases on (BENCH_DATABASE_URL). */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of a database of that server by name. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and creates a database on the benchmarks' server; its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  return benchDatabaseUrl(name);
}

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
export const BENCH_CREDITOR_CNPJ = '11222333000181';
export async function seedBenchAgency(sql: SqlClient): Promise<void> {
  await sql.query(`insert into tenants (slug, name) values ('bench', 'Assessoria Bench')`);
  await sql.query(
    `insert into creditors (tenant_id, legal_name, document, document_kind, business_kind, street, number, city, uf, cep)
     select id, 'Credor Bench Ltda', $1, 'cnpj', 'consumer', 'Avenida Paulista', '1000', 'São Paulo', 'SP', '01310100' from tenants`,
    [BENCH_CREDITOR_CNPJ],
  );
  await sql.query(`insert into portfolios (tenant_id, creditor_id, name) select tenant_id, id, 'Bench' from creditors`);
}
