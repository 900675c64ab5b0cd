// Serves the sidecar's metrics to Prometheus over plain HTTP: GET /metrics, 404 for anything else.
// Binds to loopback unless told otherwise: the numbers reveal traffic volumes of the sensor.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListenAddress } from '../config/value-parsers.js';
import type { SidecarMetrics } from './metrics.js';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9477/metrics (the real port when listening on port 0) */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the endpoint on "host:port" ("[::1]:9477", ":9477" = 127.0.0.1). Rejects when the port is taken. */
export async function startMetricsServer(metrics: SidecarMetrics, listen: string): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(listen);
  const server = createServer((req, res) => void answer(metrics, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(metrics: SidecarMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  try {
    const body = await metrics.text();
    res.writeHead(200, { 'Content-Type': metrics.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}\n`);
  }
}
