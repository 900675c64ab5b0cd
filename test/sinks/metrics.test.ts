// SidecarMetrics: the series the serve loop feeds, read back from the text exposition format.
import { expect } from 'chai';
import { SidecarMetrics } from '../../src/sinks/metrics.js';
import { parseExposition, sample } from './metrics-text-format.js';

describe('SidecarMetrics', () => {
  it('counts records, anomalies, notices and parse errors with their labels', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    metrics.recordsReceived('conn', 50);
    metrics.recordsReceived('conn', 7);
    metrics.recordsReceived('dns', 3);
    metrics.recordsReceived('smb_files', 2);
    metrics.anomaly('conn');
    metrics.noticeSent('conn');
    metrics.parseError('bad-json');
    metrics.parseError('bad-json', 2);
    const series = parseExposition(await metrics.text());
    expect(sample(series, 'autozeekwatch_records_total', { stream: 'conn' })).to.equal(57);
    expect(sample(series, 'autozeekwatch_records_total', { stream: 'dns' })).to.equal(3);
    expect(sample(series, 'autozeekwatch_records_total', { stream: 'other' })).to.equal(2);
    expect(sample(series, 'autozeekwatch_anomalies_total', { stream: 'conn' })).to.equal(1);
    expect(sample(series, 'autozeekwatch_notices_sent_total', { stream: 'conn' })).to.equal(1);
    expect(sample(series, 'autozeekwatch_parse_errors_total', { reason: 'bad-json' })).to.equal(3);
  });

  it('folds parse-error reasons beyond 50 distinct values into "other"', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    for (let i = 0; i < 60; i++) metrics.parseError(`reason-${i}`);
    const series = parseExposition(await metrics.text());
    expect(series.filter((s) => s.name === 'autozeekwatch_parse_errors_total')).to.have.length(51);
    expect(sample(series, 'autozeekwatch_parse_errors_total', { reason: 'other' })).to.equal(10);
  });

  it('observes score / threshold so bucket le="1" splits normal from anomalous', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    metrics.observeScore('ssh', 0.5, 2); // 0.25
    metrics.observeScore('ssh', 1.9, 2); // 0.95
    metrics.observeScore('ssh', 4, 2); // 2
    metrics.observeScore('ssh', 1, 0); // broken model: ignored
    metrics.observeScore('ssh', Number.NaN, 2);
    const series = parseExposition(await metrics.text());
    expect(sample(series, 'autozeekwatch_score_threshold_ratio_bucket', { stream: 'ssh', le: '0.25' })).to.equal(1);
    expect(sample(series, 'autozeekwatch_score_threshold_ratio_bucket', { stream: 'ssh', le: '1' })).to.equal(2);
    expect(sample(series, 'autozeekwatch_score_threshold_ratio_bucket', { stream: 'ssh', le: '+Inf' })).to.equal(3);
    expect(sample(series, 'autozeekwatch_score_threshold_ratio_count', { stream: 'ssh' })).to.equal(3);
    expect(sample(series, 'autozeekwatch_score_threshold_ratio_sum', { stream: 'ssh' })).to.be.closeTo(3.2, 1e-12);
  });

  it('tracks gaps, queue depth and drops, mitigations, reconnects and connection state', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    metrics.sequenceGap('http', 100);
    metrics.sequenceGap('http', 20);
    metrics.setQueueDepth(12);
    metrics.queueDropped(3);
    metrics.mitigationSent();
    metrics.mitigationRefused('never-block');
    metrics.mitigationRefused('dry-run');
    metrics.mitigationRefused('dry-run');
    metrics.reconnecting();
    metrics.setConnectionState('connected');
    const series = parseExposition(await metrics.text());
    expect(sample(series, 'autozeekwatch_sequence_gaps_total', { stream: 'http' })).to.equal(2);
    expect(sample(series, 'autozeekwatch_records_missing_total', { stream: 'http' })).to.equal(120);
    expect(sample(series, 'autozeekwatch_queue_batches', {})).to.equal(12);
    expect(sample(series, 'autozeekwatch_queue_dropped_batches_total', {})).to.equal(3);
    expect(sample(series, 'autozeekwatch_mitigations_sent_total', {})).to.equal(1);
    expect(sample(series, 'autozeekwatch_mitigations_refused_total', { reason: 'dry-run' })).to.equal(2);
    expect(sample(series, 'autozeekwatch_mitigations_refused_total', { reason: 'never-block' })).to.equal(1);
    expect(sample(series, 'autozeekwatch_reconnects_total', {})).to.equal(1);
    expect(sample(series, 'autozeekwatch_zeek_connection_state', { state: 'connected' })).to.equal(1);
    expect(sample(series, 'autozeekwatch_zeek_connection_state', { state: 'disconnected' })).to.equal(0);
  });

  it('replaces model info on reload, so a dropped model disappears', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    metrics.setModels([{ module: 'CONN', modelId: 'conn-a1', threshold: 0.2 }, { module: 'DNS', modelId: 'dns-b2', threshold: 0.1 }]);
    metrics.setModels([{ module: 'CONN', modelId: 'conn-c3', threshold: 0.25 }]);
    metrics.modelReload('ok');
    const series = parseExposition(await metrics.text());
    const info = series.filter((s) => s.name === 'autozeekwatch_model_info');
    expect(info.map((s) => s.labels)).to.deep.equal([{ module: 'CONN', model_id: 'conn-c3' }]);
    expect(info[0]!.value).to.equal(1);
    expect(sample(series, 'autozeekwatch_model_threshold', { module: 'CONN' })).to.equal(0.25);
    expect(sample(series, 'autozeekwatch_model_reloads_total', { result: 'ok' })).to.equal(1);
  });

  it('includes Node default metrics (event-loop lag) on its own registry, and two instances do not collide', async () => {
    const a = new SidecarMetrics();
    const b = new SidecarMetrics();
    a.recordsReceived('conn', 1);
    const series = parseExposition(await a.text());
    expect(series.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).to.equal(true);
    expect(series.some((s) => s.name === 'process_cpu_user_seconds_total')).to.equal(true);
    expect(sample(parseExposition(await b.text()), 'autozeekwatch_records_total', { stream: 'conn' })).to.equal(undefined);
  });
});
