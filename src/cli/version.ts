// The package version, read once from package.json (stored in model files and the WebSocket handshake).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../../package.json', import.meta.url);
    cached = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return cached;
}
