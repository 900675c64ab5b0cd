// Reads Zeek's default ASCII (TSV) log lines: header directives set the layout, data lines become ZeekRecords.
import { ZeekLogParseError } from '../errors.js';
import type { RecordSource, ZeekRecord } from './record.js';
import {
  BadValueError,
  columnConverter,
  decodeSeparator,
  InPlaceKind,
  inPlaceKind,
  parseSimpleDecimalAt,
  parseSimpleIntegerAt,
  type ColumnConverter,
  type TsvMarkers,
} from './value-parsers.js';

/** The column layout of one header block, built once so each data line is a scan and a loop. */
interface TsvLayout {
  readonly names: string[];
  readonly converters: ColumnConverter[];
  /** per column: parsed in place from the line (numbers, bools) or cut out and converted (InPlaceKind.Text) */
  readonly kinds: Uint8Array;
  /** scratch: where each column of the current line ends (the separator's index, or the line's length) */
  readonly ends: Int32Array;
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
    const { names, converters, kinds, ends } = layout;
    const separator = this.separator;
    const columns = names.length;
    // Column boundaries first, so a line with the wrong column count is reported as such before any value is read.
    let found = 0;
    if (separator.length === 0) {
      // what split('') would do: one column per character
      found = text.length;
      for (let i = 0; i < Math.min(found, columns); i++) ends[i] = i + 1;
    } else {
      let from = 0;
      for (;;) {
        const end = text.indexOf(separator, from);
        if (found < columns) ends[found] = end === -1 ? text.length : end;
        found++;
        if (end === -1) break;
        from = end + separator.length;
      }
    }
    if (found !== columns) {
      throw new ZeekLogParseError('column-count', `${found} columns, header declares ${columns}`, { file: this.file, line });
    }
    const { unsetField, emptyField } = this.markers;
    const record: ZeekRecord = {};
    let column = 0;
    try {
      let start = 0;
      for (; column < columns; column++) {
        const end = ends[column]!;
        const kind = kinds[column]!;
        let value: ZeekRecord[string] | undefined;
        if (kind === InPlaceKind.Text) {
          value = converters[column]!(text.slice(start, end));
        } else if (!isMarker(text, start, end, unsetField)) {
          // the common forms are parsed where they lie; anything else (signs, exponents, the empty marker, bad
          // text) goes to the column's converter, which gives the same value or the same error as always
          value = isMarker(text, start, end, emptyField) ? Number.NaN : parseInPlace(kind, text, start, end);
          if (typeof value === 'number' && Number.isNaN(value)) value = converters[column]!(text.slice(start, end));
        }
        if (value !== undefined) record[names[column]!] = value;
        start = end + separator.length;
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
    return {
      names,
      converters: types.map((type) => columnConverter(type, this.markers)),
      kinds: Uint8Array.from(types, inPlaceKind),
      ends: new Int32Array(names.length),
    };
  }

  private reportHeader(detail: string, line: number): never {
    throw new ZeekLogParseError('bad-header', detail, { file: this.file, line });
  }
}

/** A number or bool column's value read from text[start, end); NaN when the text is not in its plain form. */
function parseInPlace(kind: InPlaceKind, text: string, start: number, end: number): number | boolean {
  switch (kind) {
    case InPlaceKind.Decimal:
      return parseSimpleDecimalAt(text, start, end);
    case InPlaceKind.Integer:
      return parseSimpleIntegerAt(text, start, end);
    case InPlaceKind.Port: {
      const port = parseSimpleIntegerAt(text, start, end);
      return port <= 65535 ? port : Number.NaN;
    }
    default:
      if (end - start === 1) {
        const code = text.charCodeAt(start);
        if (code === 84 /* T */) return true;
        if (code === 70 /* F */) return false;
      }
      return Number.NaN;
  }
}

/** True when text[start, end) is exactly `marker`. */
function isMarker(text: string, start: number, end: number, marker: string): boolean {
  return end - start === marker.length && text.startsWith(marker, start);
}

function checkFieldNames(names: string[]): string | undefined {
  if (names.length === 0 || names.some((n) => n === '')) return '#fields has an empty column name';
  if (names.includes('__proto__')) return '#fields has a forbidden column name';
  if (new Set(names).size !== names.length) return '#fields repeats a column name';
  return undefined;
}
