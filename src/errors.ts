// Typed errors. Each carries the context an operator needs to find the bad input.

/** Base class: every AutoZeekWatch error has a stable `code`. */
export class AutoZeekWatchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A log line or field that could not be read. Never fatal to a run: it is counted and reported. */
export class ZeekLogParseError extends AutoZeekWatchError {
  readonly file: string;
  readonly line: number;
  readonly field: string | undefined;
  /** short machine-friendly reason, used as the key in skip summaries */
  readonly reason: string;
  constructor(reason: string, detail: string, where: { file: string; line: number; field?: string }) {
    const at = `${where.file}:${where.line}${where.field ? ` field ${where.field}` : ''}`;
    super('ZEEK_LOG_PARSE', `${at}: ${reason}: ${detail}`);
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
    this.reason = reason;
  }
}

/** A model file that cannot be used: not a model, truncated, corrupt, too new, wrong schema. */
export class ModelFormatError extends AutoZeekWatchError {
  readonly file: string;
  constructor(code: string, file: string, message: string) {
    super(code, `${file}: ${message}`);
    this.file = file;
  }
}

/** An input vector the engine refuses (wrong length, NaN, Infinity). */
export class InvalidInputError extends AutoZeekWatchError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** Bad command-line arguments or configuration; the CLI exits with code 2. */
export class UsageError extends AutoZeekWatchError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
