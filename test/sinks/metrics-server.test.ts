// startMetricsServer: scraped over real HTTP on port 0, like Prometheus would.
import { expect } from 'chai';
import { request } from 'node:http';
import { SidecarMetrics } from '../../src/sinks/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/sinks/metrics-server.js';
import { parseExposition, sample } from './metrics-text-format.js';

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the metrics at /metrics on loopback in the text format', async () => {
    const metrics = new SidecarMetrics();
    metrics.recordsReceived('ssl', 9);
    server = await startMetricsServer(metrics, '127.0.0.1:0');
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await get(server.url);
    expect(res.status).to.equal(200);
    expect(res.type).to.match(/^text\/plain; version=0\.0\.4/);
    const series = parseExposition(res.body);
    expect(sample(series, 'autozeekwatch_records_total', { stream: 'ssl' })).to.equal(9);
    expect(series.some((s) => s.name.startsWith('nodejs_eventloop_lag'))).to.equal(true);
    metrics.recordsReceived('ssl', 1);
    expect(sample(parseExposition((await get(server.url)).body), 'autozeekwatch_records_total', { stream: 'ssl' })).to.equal(10);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    server = await startMetricsServer(new SidecarMetrics({ defaultMetrics: false }), '127.0.0.1:0');
    const base = server.url.replace(/\/metrics$/, '');
    expect((await get(`${base}/`)).status).to.equal(404);
    expect((await get(`${base}/metrics/extra`)).status).to.equal(404);
    expect((await get(server.url, 'POST')).status).to.equal(405);
    expect((await get(`${server.url}?name[]=x`)).status).to.equal(200);
  });

  it('binds 127.0.0.1 when the host is left out, and IPv6 loopback in brackets', async () => {
    server = await startMetricsServer(new SidecarMetrics({ defaultMetrics: false }), ':0');
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await server.close();
    server = await startMetricsServer(new SidecarMetrics({ defaultMetrics: false }), '[::1]:0').catch((err: Error) => {
      console.log(`      (IPv6 part not checked: this machine cannot bind [::1]: ${err.message})`);
      return undefined;
    });
    if (server === undefined) return;
    expect(server.url).to.match(/^http:\/\/\[::1\]:\d+\/metrics$/);
    expect((await get(server.url)).status).to.equal(200);
  });

  it('rejects when the port is already taken, and close() frees it', async () => {
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    server = await startMetricsServer(metrics, '127.0.0.1:0');
    const listen = server.url.replace(/^http:\/\//, '').replace(/\/metrics$/, '');
    const err = await startMetricsServer(metrics, listen).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    expect(err?.code).to.equal('EADDRINUSE');
    await server.close();
    server = await startMetricsServer(metrics, listen);
    expect((await get(server.url)).status).to.equal(200);
  });
});
