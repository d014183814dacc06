#!/usr/bin/env -S node --max-semi-space-size=16
// Runs on Node 24 (the "node" npm package: `npx recupera` and npm scripts use it). The young
// generation is capped at 16 MB for every command; streaming commands also cap the old
// generation, so V8 collects early and an import stays well under 300 MB whatever the file
// size (docs/performance.md). The server keeps V8's default heap.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`recupera precisa do Node.js 24 ou mais novo (este é ${process.version}). Rode pelo npm: "npx recupera …" ou "npm start".`);
  process.exit(2);
}
const STREAMING_HEAP_MB = { import: 160 };
const limit = STREAMING_HEAP_MB[process.argv[2]];
if (limit && !process.execArgv.some((flag) => flag.startsWith('--max-old-space-size'))) {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${limit}`, import.meta.filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 2);
}
await import('../src/cli/main.ts');
