import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of Azurite's table endpoint that counts what actually goes over
 * the wire. The repositories' own counter (storage/requestCounter.ts) only sees calls that remember
 * to count themselves; this sees every request, including teams-ai's turn-state reads and writes,
 * so the two can be compared. Only the request-counting bots go through it: it adds a hop, and the
 * latency figures must not pay for that.
 */
export interface WireRequest {
  /** Table name ("Tables" for table-level calls); for a batch, the table its first sub-request names. */
  table: string;
  /** query = a filtered read; get = a point read; batch = an entity-group transaction. */
  op: 'query' | 'get' | 'upsert' | 'delete' | 'batch' | 'other';
}

export interface TableProxy {
  port: number;
  /** Requests seen so far; take a slice before and after a question. */
  readonly requests: readonly WireRequest[];
  stop(): Promise<void>;
}

const ACCOUNT_PATH = /^\/[^/]+\/([^/?(]+)/;
// Inside a batch body every sub-request names its entity URL; the first one says which table.
const BATCH_TABLE = /\/[^/\s]+\/([A-Za-z][A-Za-z0-9]*)\(/;

function tableOf(url: string): string {
  const m = ACCOUNT_PATH.exec(url);
  return m ? decodeURIComponent(m[1]) : url;
}

function opOf(method: string, url: string): WireRequest['op'] {
  const path = url.split('?')[0];
  if (method === 'POST' && /\/\$batch$/.test(path)) return 'batch';
  const entity = /\(PartitionKey=/.test(path);
  if (method === 'GET') return entity ? 'get' : 'query';
  if (entity && (method === 'PUT' || method === 'PATCH' || method === 'MERGE')) return 'upsert';
  if (entity && method === 'DELETE') return 'delete';
  return 'other';
}

export async function startTableProxy(targetPort: number): Promise<TableProxy> {
  const requests: WireRequest[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const table = tableOf(req.url ?? '');
    const record: WireRequest = { table, op: opOf(req.method ?? '', req.url ?? '') };
    requests.push(record);
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    if (record.op === 'batch') {
      let sniffed = false;
      req.on('data', (chunk: Buffer) => {
        if (sniffed) return;
        const m = BATCH_TABLE.exec(chunk.toString('latin1'));
        if (m) {
          record.table = m[1];
          sniffed = true;
        }
      });
    }
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
