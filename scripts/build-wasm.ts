// Assembles the WebAssembly kernels (src/**/*.wat) into dist beside their JavaScript, with wabt's wat2wasm.
// Part of `npm run build`; the .wasm files are build output, never committed.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const repoRoot = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const sources = readdirSync(path.join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wat'));
const assembler = await wabt();
for (const source of sources) {
  const text = readFileSync(path.join(repoRoot, 'src', source), 'utf8');
  const module = assembler.parseWat(source, text, { simd: true });
  try {
    module.validate();
    const target = path.join(repoRoot, 'dist', 'src', source.replace(/\.wat$/, '.wasm'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
