import { createServer, type Server } from 'node:http';

/** What the proxy does with one request: forward it, answer 503, or hold it for 2 s and drop the connection. */
export type ProxyAction = 'ok' | 503 | 'hang';

/**
 * A real HTTP front for a JSON-RPC endpoint (anvil) on 127.0.0.1 that counts the requests and methods it gets;
 * `plan(i)` decides what request i gets (default: forwarded).
 */
export async function startRpcProxy(target: string, plan: (i: number) => ProxyAction = () => 'ok') {
  let requests = 0;
  const methods = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const i = requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString()) as { method: string } | { method: string }[];
      for (const { method } of Array.isArray(parsed) ? parsed : [parsed]) methods.set(method, (methods.get(method) ?? 0) + 1);
      const what = plan(i);
      if (what === 503) return void res.writeHead(503).end('busy');
      if (what === 'hang') return void setTimeout(() => res.destroy(), 2_000);
      const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    /** HTTP requests received. */
    requests: () => requests,
    /** JSON-RPC calls of `method` received (batches count each call). */
    count: (method: string) => methods.get(method) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
