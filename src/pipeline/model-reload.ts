// Hot model reload for `serve`: on SIGHUP or a changed file in the model directory, load the new
// model files, refuse broken ones (the old model stays), and swap the good ones into the engine
// between two batches, so no record is dropped and scoring never stops.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { loadScoringModel } from '../model/loaded-model.js';
import { modelPath } from '../model/model-file.js';
import { SERVE_LOG_EVENTS } from '../sinks/json-logger.js';
import type { SidecarMetrics } from '../sinks/metrics.js';
import { LOG_MODULES, type LogModule } from '../zeek/record.js';
import type { ScoringEngine, ServiceLogger } from './live-scoring.js';

/** The model in use for one module. */
export interface ActiveModel {
  readonly module: LogModule;
  readonly id: string;
  readonly file: string;
  readonly threshold: number;
}

export type ReloadTrigger = 'SIGHUP' | 'watch' | 'request';

export interface ReloadResult {
  readonly trigger: ReloadTrigger;
  /** modules whose model was swapped, with the new id */
  readonly swapped: ActiveModel[];
  /** files that were refused, with why; their old model stays */
  readonly refused: { file: string; error: string }[];
}

/** How long the directory must stay quiet before a reload: a copy or a train run touches files several times. */
export const WATCH_DEBOUNCE_MS = 300;

export class ModelReloader {
  private readonly active = new Map<LogModule, ActiveModel>();
  private chain: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly modelDir: string,
    /** undefined: every module that has a file (a new module's file is picked up too) */
    private readonly modules: readonly LogModule[] | undefined,
    private readonly engine: ScoringEngine,
    initial: readonly ActiveModel[],
    private readonly logger: ServiceLogger & { error(msg: string, fields?: Record<string, unknown>): void },
    private readonly metrics?: SidecarMetrics,
    private readonly onReload?: (result: ReloadResult) => void,
  ) {
    for (const m of initial) this.active.set(m.module, m);
    this.metrics?.setModels(this.models().map((m) => ({ module: m.module, modelId: m.id, threshold: m.threshold })));
  }

  /** The models in use now. */
  models(): ActiveModel[] {
    return [...this.active.values()];
  }

  /** Reloads changed model files; reloads never overlap (each waits for the previous one). */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    const next = this.chain.then(() => this.reloadNow(trigger));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Watches the model directory; atomic saves' `.tmp` files and other names are ignored. */
  watch(): void {
    if (this.watcher !== undefined) return;
    this.watcher = watch(this.modelDir, { persistent: false }, (_event, filename) => {
      const name = filename?.toString();
      if (name !== undefined && (name.startsWith('.') || name.endsWith('.tmp') || !name.endsWith('.azw'))) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload('watch'), WATCH_DEBOUNCE_MS);
      this.debounce.unref();
    });
    this.watcher.on('error', (err) => this.logger.warn('model directory watch failed; SIGHUP still reloads', { dir: this.modelDir, error: err.message }));
  }

  /** Stops watching and waits for a reload in progress. */
  async close(): Promise<void> {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    await this.chain;
  }

  private async reloadNow(trigger: ReloadTrigger): Promise<ReloadResult> {
    const wanted = this.modules ?? LOG_MODULES.filter((m) => existsSync(modelPath(this.modelDir, m)));
    const refused: { file: string; error: string }[] = [];
    const candidates: ActiveModel[] = [];
    for (const module of wanted) {
      const file = modelPath(this.modelDir, module);
      try {
        // checked here first, so a broken file never reaches the workers
        const model = await loadScoringModel(file);
        if (model.module !== module) throw new Error(`holds a ${model.module} model, expected ${module}`);
        if (this.active.get(module)?.id !== model.id) candidates.push({ module, id: model.id, file, threshold: model.calibration.threshold });
      } catch (err) {
        refused.push({ file, error: (err as Error).message });
      }
    }
    let swapped: ActiveModel[] = [];
    if (candidates.length > 0) {
      try {
        await this.engine.reload(candidates.map((c) => c.file));
        swapped = candidates;
      } catch (err) {
        // e.g. the file changed again between our check and the engine's load
        for (const c of candidates) refused.push({ file: c.file, error: (err as Error).message });
      }
    }
    for (const m of swapped) this.active.set(m.module, m);
    for (const r of refused) {
      this.logger.error(SERVE_LOG_EVENTS.modelReloadFailed, { trigger, file: r.file, error: r.error, keeping: activeIdOf(this.active, r.file) });
      this.metrics?.modelReload('failed');
    }
    if (swapped.length > 0) {
      this.logger.info(SERVE_LOG_EVENTS.modelsLoaded, { trigger, models: swapped.map((m) => ({ module: m.module, model_id: m.id, file: m.file, threshold: m.threshold })) });
      this.metrics?.modelReload('ok');
      this.metrics?.setModels(this.models().map((m) => ({ module: m.module, modelId: m.id, threshold: m.threshold })));
    } else if (refused.length === 0) {
      this.logger.info('models unchanged', { trigger, dir: this.modelDir });
    }
    const result: ReloadResult = { trigger, swapped, refused };
    this.onReload?.(result);
    return result;
  }
}

function activeIdOf(active: ReadonlyMap<LogModule, ActiveModel>, file: string): string | null {
  const upper = path.basename(file, '.azw').toUpperCase();
  const module = LOG_MODULES.find((m) => m === upper);
  return module === undefined ? null : active.get(module)?.id ?? null;
}
