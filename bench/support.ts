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
