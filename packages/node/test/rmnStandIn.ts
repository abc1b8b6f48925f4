import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address, Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import {
  RMN_API_PATHS,
  decodeBlessRequest,
  encodeRmnJson,
  recoverRmnRequestSigner,
  rmnReportDigest,
  signRmnDigest,
  type BlessRequest,
} from '@openccip/sdk';

/**
 * A TEST STAND-IN for an RMN node's /v1/bless (the real node, packages/rmn, checks the roots against the
 * source chain; this one signs whatever it is asked, or misbehaves on purpose). Listens on 127.0.0.1.
 */
export type StandInBehaviour = 'sign' | 'refuse' | 'hang' | { signWith: Hex } | { signAfterMs: number };

export interface RmnStandIn {
  url: string;
  signer: Address;
  requests: BlessRequest[];
  /** Addresses that signed the requests it received. */
  callers: Address[];
  /** Requests answered with a signature so far. */
  signed(): number;
  /** Changes how later requests are answered. */
  setBehaviour(b: StandInBehaviour): void;
  stop(): Promise<void>;
}

export interface StandInDomain {
  destChainId: bigint;
  rmnRemote: Address;
  rmnHomeConfigDigest: Hex;
}

export async function startRmnStandIn(key: Hex, domain: StandInDomain, behaviour: StandInBehaviour = 'sign'): Promise<RmnStandIn> {
  const requests: BlessRequest[] = [];
  const callers: Address[] = [];
  const hanging = new Set<() => void>();
  let signed = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void (async () => {
        const reply = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(encodeRmnJson(value));
        };
        try {
          if (req.method !== 'POST' || req.url !== RMN_API_PATHS.bless) return reply(404, { error: 'not found', code: 'bad-request' });
          callers.push(await recoverRmnRequestSigner(RMN_API_PATHS.bless, req.headers, body));
          const request = decodeBlessRequest(JSON.parse(body));
          requests.push(request);
          if (behaviour === 'refuse') return reply(409, { error: 'root does not match the source chain', code: 'root-mismatch' });
          if (behaviour === 'hang') {
            hanging.add(() => res.destroy());
            return;
          }
          const now = behaviour;
          if (typeof now === 'object' && 'signAfterMs' in now) await new Promise((r) => setTimeout(r, now.signAfterMs));
          const signingKey = typeof now === 'object' && 'signWith' in now ? now.signWith : key;
          const digest = rmnReportDigest({ ...domain, destChainSelector: request.destChainSelector, offRamp: request.offRamp, merkleRoots: request.merkleRoots });
          const { signer, signature } = await signRmnDigest(signingKey, digest);
          reply(200, { signer, r: signature.r, s: signature.s });
          signed++;
        } catch (err) {
          reply(400, { error: (err as Error).message, code: 'bad-request' });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    signer: privateKeyToAddress(key),
    requests,
    callers,
    signed: () => signed,
    setBehaviour: (b) => (behaviour = b),
    stop: async () => {
      for (const h of hanging) h();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
