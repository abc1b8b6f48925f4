import type { Address, Hex } from 'viem';
import {
  RMN_API_PATHS,
  decodeSignatureResponse,
  orderRmnSignatures,
  postRmnRequest,
  type BlessRequest,
  type RmnSignature,
  type SignedRmnDigest,
} from '@openccip/sdk';
import type { RmnRemoteConfig } from './config.js';
import { recoverRmnSigner } from './verify.js';

/** One RMN node as the DON's config names it. */
export interface RmnNodeEndpoint {
  name: string;
  url: string;
  /** The key it blesses with (one of RMNRemote's signers). */
  signer: Address;
}

export interface BlessingResult {
  /** fSign+1 verified signatures, ordered by signer; undefined when fewer were collected. */
  signatures?: RmnSignature[];
  /** The signers used (enough) or the valid ones collected (not enough). */
  signers: Address[];
  /** Every node that failed or whose answer was discarded, and why. */
  errors: { node: string; url: string; error: string }[];
}

export interface RmnBlessingClient {
  /** Asks every RMN node to bless `request` (whose RMN report digest is `digest`) at once. */
  bless(request: BlessRequest, digest: Hex, config: RmnRemoteConfig): Promise<BlessingResult>;
}

export interface RmnBlessingClientOptions {
  nodes: readonly RmnNodeEndpoint[];
  /** Signs the requests: the DON node's OCR key (RMN nodes serve the OffRamp's commit OCR signers only). */
  privateKey: Hex;
  /** Per-node request timeout (default 5,000 ms: rounds do not wait on it, see the commit plugin's blessing pipeline). */
  timeoutMs?: number;
}

/**
 * The commit leader's side of the RMN API. All nodes are asked in parallel; every answer is checked locally
 * (recovers, for this exact digest, to the node's configured key, which RMNRemote lists) and the call resolves
 * as soon as fSign+1 good signatures are in (one slow node never delays it) or they can no longer come (the nodes
 * still pending are too few), and at the latest after the timeout. Never throws.
 */
export function createRmnBlessingClient(opts: RmnBlessingClientOptions): RmnBlessingClient {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    bless(request, digest, config) {
      const need = config.fSign + 1;
      const onchain = new Set(config.signers.map((s) => s.toLowerCase()));
      const good: SignedRmnDigest[] = [];
      const errors: BlessingResult['errors'] = [];
      const distinct = () => [...new Map(good.map((g) => [g.signer.toLowerCase(), g])).values()];
      const answered = new Set<RmnNodeEndpoint>();
      const result = (): BlessingResult => {
        const signed = distinct().sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
        const enough = signed.length >= need;
        // Not enough and resolved early: the nodes still pending are named too.
        const pending = enough ? [] : opts.nodes.filter((n) => !answered.has(n)).map((n) => ({ node: n.name, url: n.url, error: 'no answer yet (too few other nodes blessed to wait for it)' }));
        return {
          signatures: enough ? orderRmnSignatures(signed, need) : undefined,
          signers: (enough ? signed.slice(0, need) : signed).map((g) => g.signer),
          errors: [...errors, ...pending],
        };
      };

      return new Promise<BlessingResult>((resolve) => {
        let settled = 0;
        if (opts.nodes.length === 0) return resolve(result());
        for (const node of opts.nodes) {
          void askOne(node)
            .then(
              (signed) => good.push(signed),
              (err: unknown) => errors.push({ node: node.name, url: node.url, error: describe(err) }),
            )
            .finally(() => {
              settled++;
              answered.add(node);
              const have = distinct().length;
              // Resolving more than once is harmless: the first result wins.
              if (have >= need || have + (opts.nodes.length - settled) < need) resolve(result());
            });
        }
      });

      async function askOne(node: RmnNodeEndpoint): Promise<SignedRmnDigest> {
        const body = await postRmnRequest(node.url, RMN_API_PATHS.bless, request, opts.privateKey, timeoutMs);
        const res = decodeSignatureResponse(body);
        const signature = { r: res.r, s: res.s };
        const signer = await recoverRmnSigner(digest, signature);
        if (signer === undefined) throw new Error('signature recovers no signer');
        if (signer.toLowerCase() !== res.signer.toLowerCase()) throw new Error(`signature is by ${signer}, not the claimed ${res.signer}`);
        if (signer.toLowerCase() !== node.signer.toLowerCase()) throw new Error(`signature is by ${signer}, not the node's configured ${node.signer}`);
        if (!onchain.has(signer.toLowerCase())) throw new Error(`signer ${signer} is not in RMNRemote's config (version ${config.version})`);
        return { signer, signature };
      }
    },
  };
}

// RmnApiError messages already name the node's URL and the error code.
const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
