// The Zeek stand-in: a WebSocket server speaking Zeek's protocol, a publisher replaying logs as the package
// does, and a model of what the package would log for the sidecar's answers.
export { ZeekWebSocketServer, type ZeekServerOptions, type ClientInfo, type ReceivedEvent, type RejectedMessage } from './zeek-server.js';
export { LogRecordPublisher, preEncodeLiveRecord, renderLiveRecord, type LiveRecord, type PublisherOptions, type PublishStats } from './publisher.js';
export { ZeekPackageModel, type PackageModelOptions, type AnomalyLogLine, type NoticeLine, type NetControlAction } from './zeek-package-model.js';
export { toLiveJson } from './live-json.js';
export { fnv1a32, shardOf } from './shard.js';
