// The events and topics between the AutoZeekWatch Zeek package and the sidecar (DESIGN.md "The contract"):
// their exact Zeek types, builders for the sidecar's answers and typed readers for what arrives.
import {
  BrokerJsonError, address, count, encodeEventMessage, port, real, string, timespan, vector,
  type BrokerData, type BrokerDataType, type BrokerEvent, type EncodeOptions, type PortValue,
} from './broker-json.js';

export const ZEEK_MODULE = 'AutoZeekWatch';
export const DEFAULT_TOPIC_PREFIX = 'autozeekwatch';

export const EVENT_LOG_RECORDS = 'AutoZeekWatch::log_records';
export const EVENT_END_OF_INPUT = 'AutoZeekWatch::end_of_input';
export const EVENT_ANOMALY = 'AutoZeekWatch::anomaly';
export const EVENT_MITIGATE = 'AutoZeekWatch::mitigate';
export const EVENT_SIDECAR_DONE = 'AutoZeekWatch::sidecar_done';

/** `autozeekwatch/logs/<shard>/<stream>`: Zeek → sidecar records. */
export function logsTopic(shard: number, stream: string, prefix = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}/logs/${shard}/${stream}`;
}
/** `autozeekwatch/logs/<shard>/end`: where end_of_input goes, one per shard. */
export function endTopic(shard: number, prefix = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}/logs/${shard}/end`;
}
/** The prefix a sidecar subscribes to for one shard, or all shards when `shard` is undefined. */
export function logsSubscription(shard?: number, prefix = DEFAULT_TOPIC_PREFIX): string {
  return shard === undefined ? `${prefix}/logs/` : `${prefix}/logs/${shard}/`;
}
/** `autozeekwatch/control`: sidecar → Zeek answers (subscribed on the manager only). */
export function controlTopic(prefix = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}/control`;
}

/** A declared parameter type: a Broker type, or `vector of` one. */
export type ParameterType = BrokerDataType | { readonly vectorOf: BrokerDataType };

/** The Zeek declarations of the contract's events, as a Zeek node holding the package has them. */
export const CONTRACT_EVENTS: ReadonlyMap<string, readonly ParameterType[]> = new Map<string, readonly ParameterType[]>([
  // node: string, stream: string, seq: count, records: vector of string
  [EVENT_LOG_RECORDS, ['string', 'string', 'count', { vectorOf: 'string' }]],
  // node: string
  [EVENT_END_OF_INPUT, ['string']],
  // uid, stream: string; orig_h: addr; orig_p: port; resp_h: addr; resp_p: port; score, threshold: double; summary: string
  [EVENT_ANOMALY, ['string', 'string', 'address', 'port', 'address', 'port', 'real', 'real', 'string']],
  // a: addr, duration: interval, reason: string, score: double
  [EVENT_MITIGATE, ['address', 'timespan', 'string', 'real']],
  // reason: string
  [EVENT_SIDECAR_DONE, ['string']],
]);

/**
 * Why Zeek would refuse these arguments for this declaration, or undefined when they convert.
 * Mirrors Zeek ≥ 7.2: exact type match, no coercion (count ≠ integer), vectors checked element-wise.
 */
export function argumentMismatch(declared: readonly ParameterType[], args: readonly BrokerData[]): string | undefined {
  if (declared.length !== args.length) return `arg_types.size()=${declared.length} and args.size()=${args.length}`;
  for (let i = 0; i < declared.length; i++) {
    const want = declared[i]!;
    const got = args[i]!;
    if (typeof want === 'string') {
      if (got.type !== want) return `argument ${i}: broker type '${got.type}' where '${want}' is declared`;
    } else if (got.type !== 'vector') {
      return `argument ${i}: broker type '${got.type}' where a vector of '${want.vectorOf}' is declared`;
    } else {
      const wrong = got.value.findIndex((element) => element.type !== want.vectorOf);
      if (wrong >= 0) return `argument ${i}[${wrong}]: broker type '${got.value[wrong]!.type}' where '${want.vectorOf}' is declared`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Builders

/** One endpoint of a flow as the answer carries it. `port` may be `443/tcp` or { port, proto }. */
export interface FlowEndpoint {
  readonly host: string;
  readonly port: PortValue | string;
}

export interface AnomalyAnswer {
  readonly uid: string;
  readonly stream: string;
  readonly originator: FlowEndpoint;
  readonly responder: FlowEndpoint;
  readonly score: number;
  readonly threshold: number;
  readonly summary: string;
}

/** `AutoZeekWatch::anomaly(uid, stream, orig_h, orig_p, resp_h, resp_p, score, threshold, summary)`. */
export function anomalyEvent(answer: AnomalyAnswer): BrokerEvent {
  return {
    name: EVENT_ANOMALY,
    args: [
      string(answer.uid), string(answer.stream),
      address(answer.originator.host), port(answer.originator.port),
      address(answer.responder.host), port(answer.responder.port),
      real(answer.score), real(answer.threshold), string(answer.summary),
    ],
  };
}

export interface MitigateRequest {
  readonly address: string;
  /** seconds; 0 asks for catch-and-release's own schedule */
  readonly durationSeconds: number;
  readonly reason: string;
  readonly score: number;
}

/** `AutoZeekWatch::mitigate(a, duration, reason, score)`. */
export function mitigateEvent(request: MitigateRequest): BrokerEvent {
  return {
    name: EVENT_MITIGATE,
    args: [address(request.address), timespan(request.durationSeconds), string(request.reason), real(request.score)],
  };
}

/** `AutoZeekWatch::sidecar_done(reason)`: the sidecar sent its last answer; Zeek terminates. */
export function sidecarDoneEvent(reason: string): BrokerEvent {
  return { name: EVENT_SIDECAR_DONE, args: [string(reason)] };
}

export interface LogRecordsBatch {
  readonly node: string;
  readonly stream: string;
  /** per-(node, topic) number of the first record in the batch */
  readonly seq: number;
  /** `to_json(rec, T, /^_/, T)` strings, unparsed */
  readonly records: readonly string[];
}

/** `AutoZeekWatch::log_records(node, stream, seq, records)` as the package publishes it. */
export function logRecordsEvent(batch: LogRecordsBatch): BrokerEvent {
  return {
    name: EVENT_LOG_RECORDS,
    args: [string(batch.node), string(batch.stream), count(batch.seq), vector(batch.records.map((r) => string(r)))],
  };
}

/**
 * The data message of logRecordsEvent(batch) on `topic`, from records already encoded one by one with
 * encodeStringElement: the same text encodeEventMessage writes for the event, built by joining.
 */
export function encodeLogRecordsMessage(
  topic: string, batch: Omit<LogRecordsBatch, 'records'>, encodedRecords: readonly string[], options: EncodeOptions = {},
): string {
  const head = encodeEventMessage(topic, logRecordsEvent({ ...batch, records: [] }), options);
  // the empty records vector is the last value of the message: `[]` followed by the closing brackets
  const at = head.lastIndexOf('[]');
  return `${head.slice(0, at)}[${encodedRecords.join(',')}]${head.slice(at + 2)}`;
}

/** `AutoZeekWatch::end_of_input(node)`: the pcap ended; answer what is left, then sidecar_done. */
export function endOfInputEvent(node: string): BrokerEvent {
  return { name: EVENT_END_OF_INPUT, args: [string(node)] };
}

// ---------------------------------------------------------------------------------------------------------
// Readers (throw BrokerJsonError('wrong-type') naming the event and argument)

function checked(event: BrokerEvent): void {
  const declared = CONTRACT_EVENTS.get(event.name);
  if (declared === undefined) throw new BrokerJsonError('not-an-event', 'data', `not a contract event: ${event.name.slice(0, 80)}`);
  const mismatch = argumentMismatch(declared, event.args);
  if (mismatch !== undefined) throw new BrokerJsonError('wrong-type', 'data', `${event.name}: ${mismatch}`);
}

function scalar<T>(data: BrokerData): T {
  return (data as unknown as { value: T }).value;
}

export function readLogRecordsEvent(event: BrokerEvent): LogRecordsBatch {
  checked(event);
  const [node, stream, seq, records] = event.args;
  return {
    node: scalar<string>(node!),
    stream: scalar<string>(stream!),
    seq: scalar<number>(seq!),
    records: scalar<readonly BrokerData[]>(records!).map((r) => scalar<string>(r)),
  };
}

export function readEndOfInputEvent(event: BrokerEvent): { readonly node: string } {
  checked(event);
  return { node: scalar<string>(event.args[0]!) };
}

export function readAnomalyEvent(event: BrokerEvent): AnomalyAnswer {
  checked(event);
  const a = event.args;
  return {
    uid: scalar<string>(a[0]!), stream: scalar<string>(a[1]!),
    originator: { host: scalar<string>(a[2]!), port: scalar<PortValue>(a[3]!) },
    responder: { host: scalar<string>(a[4]!), port: scalar<PortValue>(a[5]!) },
    score: scalar<number>(a[6]!), threshold: scalar<number>(a[7]!), summary: scalar<string>(a[8]!),
  };
}

export function readMitigateEvent(event: BrokerEvent): MitigateRequest {
  checked(event);
  const a = event.args;
  return { address: scalar<string>(a[0]!), durationSeconds: scalar<number>(a[1]!), reason: scalar<string>(a[2]!), score: scalar<number>(a[3]!) };
}

export function readSidecarDoneEvent(event: BrokerEvent): { readonly reason: string } {
  checked(event);
  return { reason: scalar<string>(event.args[0]!) };
}
