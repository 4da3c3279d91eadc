import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the OneDrive upload session Teams hands a bot after file consent: PUT the
 * bytes with Content-Range to the upload URL, get 201 with the stored item. It records what it was
 * sent so tests can open the file, and can be told to fail.
 */
export interface Upload {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface UploadStub {
  url: string;
  uploads: Upload[];
  failNext(status: number): void;
  stop(): Promise<void>;
}

function reply(res: http.ServerResponse, status: number, headers?: http.OutgoingHttpHeaders, body?: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

export async function startUploadStub(): Promise<UploadStub> {
  const uploads: Upload[] = [];
  let fail: number | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'PUT') {
        reply(res, 405);
        return;
      }
      if (fail) {
        reply(res, fail, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: 'generalException', message: 'upload refused by the stand-in' } }));
        fail = undefined;
        return;
      }
      const body = Buffer.concat(chunks);
      const range = /^bytes 0-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (!range || Number(range[1]) + 1 !== body.length || Number(range[2]) !== body.length) {
        reply(res, 400, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: 'invalidRange', message: 'Content-Range does not match the body' } }));
        return;
      }
      uploads.push({ path: req.url ?? '', headers: req.headers, body });
      reply(res, 201, { 'content-type': 'application/json' }, JSON.stringify({ id: `item-${uploads.length}`, size: body.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    uploads,
    failNext: (status) => (fail = status),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
