// Writes the project's deterministic test traces to zeek-scripts/testing/Traces (or the folder given).
// Usage: node dist/scripts/generate-pcaps.js [output-dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePcap } from './pcap/pcap-file.js';
import { allTraces } from './pcap/traces.js';

const repoRoot = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const outputDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'zeek-scripts', 'testing', 'Traces'));

mkdirSync(outputDir, { recursive: true });
for (const [name, packets] of allTraces()) {
  const file = path.join(outputDir, name);
  writeFileSync(file, encodePcap(packets));
  console.log(`${file}: ${packets.length} packets`);
}
