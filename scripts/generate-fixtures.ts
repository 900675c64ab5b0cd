// `npm run fixtures`: regenerates the committed fixtures/ folder (or another folder given as the first argument).
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateFixtures } from './fixtures/index.js';

const repoRoot = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'fixtures'));
const scale = process.argv[3] === undefined ? 1 : Number(process.argv[3]);

// stale hourly files from an earlier layout would otherwise survive next to the new ones
for (const folder of ['logdir', 'mixed', 'mixed-tsv']) await rm(path.join(outDir, folder), { recursive: true, force: true });
const summary = await generateFixtures(outDir, { scale });
const total = summary.files.reduce((sum, f) => sum + f.bytes, 0);
const largest = summary.files.reduce((a, b) => (b.bytes > a.bytes ? b : a));
console.log(`fixtures: ${summary.files.length} files, ${total} bytes in ${outDir} (largest ${largest.path}: ${largest.bytes} bytes)`);
for (const [period, counts] of [['training', summary.training.records], ['mixed', summary.mixed.records]] as const) {
  console.log(`${period}: ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')}`);
}
console.log(`attack uids: ${Object.entries(summary.mixed.labelledUids).map(([l, n]) => `${l} ${n}`).join(', ')}`);
