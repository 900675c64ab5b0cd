// The demo's live view: on a terminal, a compact block redrawn in place a few times a second (plain ANSI);
// elsewhere (CI, pipes, --no-live-view) one progress line every few seconds, so logs stay readable.
import type { LogStream } from '../zeek/record.js';
import type { HostAtRisk } from './demo-tally.js';

/** What the view shows; read afresh at every redraw. */
export interface LiveSnapshot {
  /** records the Zeek stand-in has published, of `total` */
  published: number;
  total: number;
  scoredByStream: ReadonlyMap<LogStream, number>;
  anomalies: number;
  notices: number;
  suppressedNotices: number;
  blocks: number;
  refusals: number;
  topHosts: readonly HostAtRisk[];
  blockedHosts: ReadonlySet<string>;
  /** hosts whose block was refused, with why (e.g. `never-block`) */
  refusedHosts: ReadonlyMap<string, string>;
  /** epoch seconds of the latest record scored (0 before the first) */
  networkTime: number;
}

/** Where the view writes: process.stdout, or anything with `write` (tests). */
export interface ViewOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface LiveViewOptions {
  /** redraw the block on a terminal (true) or print progress lines (false) */
  redraw: boolean;
  /** how often the block is redrawn (default 250 ms) */
  redrawEveryMs?: number;
  /** how often a progress line is printed (default 3000 ms) */
  lineEveryMs?: number;
}

const ESC = '\u001b[';
const RATE_WINDOW_MS = 1000;

export class LiveView {
  private timer: NodeJS.Timeout | undefined;
  private linesOnScreen = 0;
  private readonly samples: Array<{ at: number; scored: number }> = [];

  constructor(
    private readonly out: ViewOutput,
    private readonly snapshot: () => LiveSnapshot,
    private readonly options: LiveViewOptions,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    if (this.options.redraw) this.out.write(`${ESC}?25l`);
    const every = this.options.redraw ? this.options.redrawEveryMs ?? 250 : this.options.lineEveryMs ?? 3000;
    this.timer = setInterval(() => this.render(), every);
    this.timer.unref();
    if (this.options.redraw) this.render();
  }

  /** Draws the final state once more (the block stays on screen) and gives the cursor back. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.render();
    if (this.options.redraw) this.out.write(`${ESC}?25h`);
  }

  render(): void {
    const snap = this.snapshot();
    const rate = this.recordsPerSecond(totalScored(snap), performance.now());
    if (!this.options.redraw) {
      this.out.write(`${renderProgressLine(snap, rate)}\n`);
      return;
    }
    const width = this.out.columns ?? 100;
    // a wrapped line would make the cursor-up count wrong, so lines are cut to the terminal width
    const lines = renderLiveBlock(snap, rate).map((l) => (l.length > width - 1 ? l.slice(0, width - 1) : l));
    const up = this.linesOnScreen > 0 ? `${ESC}${this.linesOnScreen}F` : '';
    this.out.write(`${up}${ESC}0J${lines.join('\n')}\n`);
    this.linesOnScreen = lines.length;
  }

  /** Scored records per second over the last second or so (0 until two samples exist). */
  private recordsPerSecond(scored: number, now: number): number {
    this.samples.push({ at: now, scored });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (scored - first.scored) / seconds : 0;
  }
}

export function totalScored(snap: LiveSnapshot): number {
  let total = 0;
  for (const n of snap.scoredByStream.values()) total += n;
  return total;
}

function clock(epochSeconds: number): string {
  return epochSeconds > 0 ? `${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}Z` : '—';
}

/** The terminal block, one string per line (no colour codes, so widths are true). */
export function renderLiveBlock(snap: LiveSnapshot, recordsPerSecond: number): string[] {
  const perStream = [...snap.scoredByStream].map(([s, n]) => `${s} ${n}`).join('  ');
  const lines = [
    `AutoZeekWatch demo — live   network time ${clock(snap.networkTime)}   replayed ${snap.published}/${snap.total}   ${Math.round(recordsPerSecond)} records/s`,
    `scored      ${perStream}`,
    `anomalies   ${snap.anomalies}   notices ${snap.notices} (${snap.suppressedNotices} suppressed)   blocks ${snap.blocks}   refused ${snap.refusals}`,
    'top hosts by risk',
  ];
  if (snap.topHosts.length === 0) lines.push('  (none yet)');
  for (const h of snap.topHosts) {
    const refused = snap.refusedHosts.get(h.host);
    const mark = snap.blockedHosts.has(h.host) ? '  BLOCKED' : refused !== undefined ? `  block refused (${refused})` : '';
    lines.push(`  ${h.host.padEnd(24)} ${h.role.padEnd(10)}  risk ${h.risk.toFixed(1).padStart(6)}${mark}`);
  }
  return lines;
}

/** One line for logs: progress, scored, anomalies, notices, blocks and the riskiest host. */
export function renderProgressLine(snap: LiveSnapshot, recordsPerSecond: number): string {
  const top = snap.topHosts[0];
  const riskiest = top === undefined ? '' : `, riskiest ${top.host} (${top.role}, risk ${top.risk.toFixed(1)})`;
  return `demo: replayed ${snap.published}/${snap.total}, scored ${totalScored(snap)} (${Math.round(recordsPerSecond)}/s), ` +
    `${snap.anomalies} anomalies, ${snap.notices} notices, ${snap.blocks} blocks, ${snap.refusals} refused${riskiest}`;
}
