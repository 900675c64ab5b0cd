// Reads Zeek's default ASCII (TSV) log lines: header directives set the layout, data lines become ZeekRecords.
import { ZeekLogParseError } from '../errors.js';
import type { RecordSource, ZeekRecord } from './record.js';
import { BadValueError, columnConverter, decodeSeparator, type ColumnConverter, type TsvMarkers } from './value-parsers.js';

/** The column layout of one header block, built once so each data line is a split and a loop. */
interface TsvLayout {
  readonly names: string[];
  readonly converters: ColumnConverter[];
}

/**
 * Stateful reader for one TSV file: feed it every line in order. Directive lines (`#separator`,
 * `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#open`, `#fields`, `#types`, `#close`) update the
 * state, and a new `#fields`/`#types` pair changes the layout mid-file (Zeek appends a header block when a
 * log is reopened). Columns the header declares beyond the default ones (e.g. `label`) are kept as typed.
 */
export class TsvLogReader {
  /** the `#path` of the current header block, e.g. `conn` */
  path: string | undefined;
  private separator = '\t';
  private markers: TsvMarkers = { setSeparator: ',', emptyField: '(empty)', unsetField: '-' };
  private fieldNames: string[] | undefined;
  private layout: TsvLayout | undefined;
  private types: string[] | undefined;
  private headerError: string | undefined;

  constructor(private readonly file: string) {}

  /**
   * Reads one line: a record for a data line, undefined for a header line or a blank line.
   * Throws ZeekLogParseError (`bad-header`, `no-header`, `column-count`, `bad-value`) for a line it cannot use.
   */
  readLine(text: string, line: number): ZeekRecord | undefined {
    if (text.length === 0) return undefined;
    if (text.charCodeAt(0) === 35 /* # */) {
      this.readDirective(text, line);
      return undefined;
    }
    const layout = this.layout ?? this.layoutWithoutTypes(line);
    const parts = text.split(this.separator);
    const { names, converters } = layout;
    if (parts.length !== names.length) {
      throw new ZeekLogParseError('column-count', `${parts.length} columns, header declares ${names.length}`, {
        file: this.file,
        line,
      });
    }
    const record: ZeekRecord = {};
    let column = 0;
    try {
      for (; column < names.length; column++) {
        const value = converters[column]!(parts[column]!);
        if (value !== undefined) record[names[column]!] = value;
      }
    } catch (err) {
      if (!(err instanceof BadValueError)) throw err;
      throw new ZeekLogParseError('bad-value', err.detail, { file: this.file, line, field: names[column] });
    }
    return record;
  }

  /** `#fields` without `#types` (hand-made files): read every column as text rather than refusing the file. */
  private layoutWithoutTypes(line: number): TsvLayout {
    if (this.headerError !== undefined || this.fieldNames === undefined) {
      throw new ZeekLogParseError('no-header', this.headerError ?? 'data line before any #fields header', {
        file: this.file,
        line,
      });
    }
    this.layout = this.buildLayout(this.fieldNames, this.fieldNames.map(() => 'string'));
    return this.layout;
  }

  private readDirective(text: string, line: number): void {
    if (text.startsWith('#separator')) {
      // the one directive written before the separator is known: "#separator \x09"
      this.separator = decodeSeparator(text.slice('#separator'.length));
      return;
    }
    const parts = text.split(this.separator);
    const value = parts.slice(1);
    switch (parts[0]) {
      case '#set_separator':
        this.markers = { ...this.markers, setSeparator: value.join(this.separator) };
        this.rebuild();
        return;
      case '#empty_field':
        this.markers = { ...this.markers, emptyField: value.join(this.separator) };
        this.rebuild();
        return;
      case '#unset_field':
        this.markers = { ...this.markers, unsetField: value.join(this.separator) };
        this.rebuild();
        return;
      case '#path':
        this.path = value.join(this.separator);
        return;
      case '#fields':
        this.fieldNames = value;
        this.types = undefined;
        this.layout = undefined;
        this.headerError = checkFieldNames(value);
        if (this.headerError !== undefined) this.reportHeader(this.headerError, line);
        return;
      case '#types':
        this.readTypes(value, line);
        return;
      default:
        // #open, #close and unknown directives carry nothing a reader needs
        return;
    }
  }

  private readTypes(types: string[], line: number): void {
    this.types = types;
    this.layout = undefined;
    if (this.fieldNames === undefined || this.headerError !== undefined) return;
    if (types.length !== this.fieldNames.length) {
      this.headerError = `#types has ${types.length} entries, #fields ${this.fieldNames.length}`;
      this.reportHeader(this.headerError, line);
      return;
    }
    this.layout = this.buildLayout(this.fieldNames, types);
  }

  /** Markers changed after #types (unusual order): converters capture them, so rebuild. */
  private rebuild(): void {
    if (this.layout !== undefined && this.fieldNames !== undefined && this.types !== undefined) {
      this.layout = this.buildLayout(this.fieldNames, this.types);
    }
  }

  private buildLayout(names: string[], types: string[]): TsvLayout {
    return { names, converters: types.map((type) => columnConverter(type, this.markers)) };
  }

  private reportHeader(detail: string, line: number): never {
    throw new ZeekLogParseError('bad-header', detail, { file: this.file, line });
  }
}

function checkFieldNames(names: string[]): string | undefined {
  if (names.length === 0 || names.some((n) => n === '')) return '#fields has an empty column name';
  if (names.includes('__proto__')) return '#fields has a forbidden column name';
  if (new Set(names).size !== names.length) return '#fields repeats a column name';
  return undefined;
}
