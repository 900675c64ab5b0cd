// Model files: one file per log module holding the featurizer (vocabularies, schema), the KitNET
// state and the calibrated threshold. Layout (all integers big-endian):
//
//   0  8 bytes   magic "AZWMODEL"
//   8  uint16    format version
//  10  uint16    reserved (0)
//  12  uint32    body length in bytes
//  16  32 bytes  SHA-256 of the body
//  48  body      msgpackr encoding of ModelContents
//
// The checksum lets a truncated or bit-flipped file fail loudly instead of scoring garbage.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Packr } from 'msgpackr';
import { ModelFormatError } from '../errors.js';
import type { LogModule } from '../zeek/record.js';
import { isLogModule } from '../zeek/record.js';
import type { Calibration, KitNETOptions, KitNETState } from '../kitnet/index.js';
import type { FeatureSchema, FeaturizerState } from '../features/index.js';

export const MODEL_MAGIC = 'AZWMODEL';
/** The `module` of a model trained by `autozeekwatch kitnet` on a plain matrix (no featurizer). */
export const MATRIX_MODULE = 'MATRIX';
export const MODEL_FORMAT_VERSION = 1;
const PREFIX_BYTES = 48;

/** What the model was trained on, for the summary table and for operators reading `model info`. */
export interface TrainingSummary {
  /** records used to learn the feature map and train the autoencoders */
  trainRows: number;
  /** held-out benign records whose scores calibrated the threshold */
  calibrationRows: number;
  /** records that could not be read or featurized */
  skipped: number;
  /** earliest and latest record `ts` seen (epoch seconds), or null when unknown */
  firstTs: number | null;
  lastTs: number | null;
  /** the input files, as given */
  inputs: string[];
  /** wall-clock seconds the training took */
  seconds: number;
}

/** Readable metadata stored in every model file. */
export interface ModelHeader {
  module: LogModule;
  schema: FeatureSchema;
  kitnetOptions: KitNETOptions;
  calibration: Calibration;
  training: TrainingSummary;
  /** ISO 8601 creation time */
  createdAt: string;
  /** version of autozeekwatch that wrote the file */
  packageVersion: string;
}

export interface ModelContents {
  header: ModelHeader;
  featurizer: FeaturizerState;
  kitnet: KitNETState;
  /** mean of each feature over the training records: what "typical" means in explanations */
  featureMeans?: Float64Array;
}

/** A model as read from disk, with a short id derived from its checksum. */
export interface ModelFile extends ModelContents {
  /** first 12 hex digits of the body's SHA-256: names this exact model in every output line */
  id: string;
  file: string;
}

// useRecords: false keeps the encoding plain msgpack maps; moreTypes keeps Float64Array bit-exact.
const packr = new Packr({ useRecords: false, moreTypes: true });

/** Encode a model into the bytes of a model file. */
export function encodeModel(contents: ModelContents): Buffer {
  const body = packr.pack(contents);
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(MODEL_MAGIC, 0, 'latin1');
  prefix.writeUInt16BE(MODEL_FORMAT_VERSION, 8);
  prefix.writeUInt16BE(0, 10);
  prefix.writeUInt32BE(body.length, 12);
  createHash('sha256').update(body).digest().copy(prefix, 16);
  return Buffer.concat([prefix, body]);
}

/** Decode and verify the bytes of a model file; `file` is only used in error messages. */
export function decodeModel(bytes: Buffer, file: string): ModelFile {
  if (bytes.length < 8 || bytes.toString('latin1', 0, 8) !== MODEL_MAGIC) {
    throw new ModelFormatError('NOT_A_MODEL', file, 'not an AutoZeekWatch model file (no AZWMODEL magic)');
  }
  if (bytes.length < PREFIX_BYTES) {
    throw new ModelFormatError('TRUNCATED', file, `truncated: ${bytes.length} bytes, the header alone is ${PREFIX_BYTES}`);
  }
  const version = bytes.readUInt16BE(8);
  if (version > MODEL_FORMAT_VERSION) {
    throw new ModelFormatError(
      'NEWER_FORMAT',
      file,
      `model format version ${version} is newer than this autozeekwatch understands (${MODEL_FORMAT_VERSION}); upgrade autozeekwatch or retrain`,
    );
  }
  if (version < 1) throw new ModelFormatError('BAD_VERSION', file, `invalid model format version ${version}`);
  const bodyLength = bytes.readUInt32BE(12);
  const available = bytes.length - PREFIX_BYTES;
  if (available < bodyLength) {
    throw new ModelFormatError('TRUNCATED', file, `truncated: body is ${available} of ${bodyLength} bytes`);
  }
  if (available > bodyLength) {
    throw new ModelFormatError('TRAILING_BYTES', file, `${available - bodyLength} unexpected bytes after the model body`);
  }
  const body = bytes.subarray(PREFIX_BYTES);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(bytes.subarray(16, PREFIX_BYTES))) {
    throw new ModelFormatError('CHECKSUM_MISMATCH', file, 'checksum mismatch: the file is corrupt (or was edited)');
  }
  let decoded: unknown;
  try {
    decoded = packr.unpack(body);
  } catch (err) {
    throw new ModelFormatError('UNDECODABLE', file, `body does not decode: ${(err as Error).message}`);
  }
  const contents = checkContents(decoded, file);
  return { ...contents, id: digest.toString('hex', 0, 6), file };
}

function checkContents(value: unknown, file: string): ModelContents {
  const fail = (what: string): never => {
    throw new ModelFormatError('BAD_CONTENTS', file, `model body is missing or has a malformed ${what}`);
  };
  if (!isObject(value)) return fail('top level');
  const { header, featurizer, kitnet } = value;
  if (!isObject(header)) return fail('header');
  if (typeof header.module !== 'string' || !(isLogModule(header.module) || header.module === MATRIX_MODULE)) return fail('header.module');
  if (!isObject(header.schema) || !Array.isArray(header.schema.names) || typeof header.schema.hash !== 'string') {
    return fail('header.schema');
  }
  if (!isObject(header.calibration) || typeof header.calibration.threshold !== 'number') return fail('header.calibration');
  if (!isCalibrationTail(header.calibration)) return fail('header.calibration.tail');
  if (!isObject(header.kitnetOptions)) return fail('header.kitnetOptions');
  if (!isObject(header.training)) return fail('header.training');
  if (!isObject(featurizer)) return fail('featurizer state');
  if (!isObject(kitnet)) return fail('kitnet state');
  return value as unknown as ModelContents;
}

/**
 * Models written before tail fitting carry no `method`/`tail` (they use the log-normal); a tail-fit
 * calibration must carry a usable tail, since tail probabilities are computed from it.
 */
function isCalibrationTail(calibration: Record<string, unknown>): boolean {
  const { method, tail } = calibration;
  if (method === undefined || method === 'log-normal') return tail === undefined || isObject(tail);
  if (method !== 'tail-fit' && method !== 'tail-fit-capped') return false;
  if (!isObject(tail)) return false;
  const { start, samples, index } = tail;
  return typeof start === 'number' && start > 0 && typeof samples === 'number' && samples >= 1 &&
    typeof calibration.samples === 'number' && samples < calibration.samples && typeof index === 'number' && index >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Write a model file atomically: a temporary file in the same folder, fsync, rename, fsync the
 * folder. A reader (or `serve` watching the folder) never sees a half-written model.
 * @returns the model id
 */
export async function saveModel(file: string, contents: ModelContents): Promise<string> {
  const bytes = encodeModel(contents);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temp, 'w', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // some filesystems refuse fsync on a directory; the rename itself is still atomic
  }
  return createHash('sha256').update(bytes.subarray(PREFIX_BYTES)).digest('hex').slice(0, 12);
}

/** Read and verify a model file. Throws ModelFormatError with a specific code. */
export async function loadModel(file: string): Promise<ModelFile> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFormatError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', file, `cannot read model file: ${(err as Error).message}`);
  }
  return decodeModel(bytes, file);
}

/** The conventional file name of a module's model inside a model directory. */
export function modelPath(modelDir: string, module: LogModule): string {
  return path.join(modelDir, `${module.toLowerCase()}.azw`);
}
