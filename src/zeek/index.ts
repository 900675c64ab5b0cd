// What the rest of the sidecar uses from src/zeek: the record shape, the log readers and the
// live-record parser. (WebSocket pieces are exported from here once they land.)
export * from './record.js';
export { ReadSummary } from './read-summary.js';
export { readLogFile, readLogFileBatches, type ReadOptions } from './log-file.js';
export { parseLiveRecord } from './live-record.js';
export { findLogFiles, type LogDirectoryOptions } from './log-directory.js';
export { followLog, followLogBatches, type FollowOptions } from './follow.js';
