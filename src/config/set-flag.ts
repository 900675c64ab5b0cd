// `--set key=value` (repeatable): sets any configuration key from the command line, so every
// setting has a flag without a long option list per key.
import { InvalidArgumentError } from 'commander';

/** commander argParser: collects `key=value` pairs into a dotted-key record for resolveServeConfig's flags. */
export function collectSetFlag(pair: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = pair.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value (e.g. zeek.url=ws://127.0.0.1:27759/v1/messages/json), got "${pair}"`);
  return { ...(previous ?? {}), [pair.slice(0, at).trim()]: pair.slice(at + 1) };
}
