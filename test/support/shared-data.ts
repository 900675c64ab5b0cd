// Where the read-only real Zeek data set lives (`../shared/data` beside the repo), if it is there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (tests run from dist/test/..., so walk up to package.json's folder). */
export const repoRoot = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** `../shared/data` beside the repository, or undefined when this machine has no copy. */
export function sharedDataDir(): string | undefined {
  const dir = process.env.AZW_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

/** A file under `../shared/data`; skips the calling test with a message when the data set is absent. */
export function sharedDataFile(ctx: Mocha.Context, relative: string): string {
  const dir = sharedDataDir();
  if (dir === undefined) {
    console.log(`      (skipped: ../shared/data is not beside the repository; ${relative} needed)`);
    ctx.skip();
  }
  const file = path.join(dir!, relative);
  if (!existsSync(file)) {
    console.log(`      (skipped: ${file} is missing)`);
    ctx.skip();
  }
  return file;
}
