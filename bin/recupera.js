#!/usr/bin/env -S node --max-semi-space-size=16
// Runs on Node 24 (the "node" npm package: `npx recupera` and npm scripts use it). The young
// generation is capped at 16 MB so a streaming import stays well under 300 MB (docs/performance.md).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`recupera precisa do Node.js 24 ou mais novo (este é ${process.version}). Rode pelo npm: "npx recupera …" ou "npm start".`);
  process.exit(2);
}
await import('../src/cli/main.ts');
