import type { Hex } from 'viem';
import {
  PluginCodecError,
  U224,
  U64,
  asAddress,
  asArray,
  asBigint,
  asBytes32,
  asInt,
  asObject,
  decodeJson,
  encodeJson,
} from '../codec.js';
import type { CommitObservation, PriceObservation } from './types.js';

const MAX_SOURCES = 64;
const MAX_PRICES = 64;

export function encodeCommitObservation(o: CommitObservation): Hex {
  return encodeJson(o);
}

/** Strict decoding with bounds: anything else is a PluginCodecError (the observation is dropped). */
export function decodeCommitObservation(encoded: Hex, maxLeaves: number): CommitObservation {
  const o = asObject(decodeJson(encoded), 'observation');
  const sources = asArray(o.sources, 'sources', MAX_SOURCES).map((s, i) => {
    const src = asObject(s, `sources[${i}]`);
    return {
      chainSelector: asBigint(src.chainSelector, `sources[${i}].chainSelector`, U64),
      nextSeqNr: asBigint(src.nextSeqNr, `sources[${i}].nextSeqNr`, U64),
      leaves: asArray(src.leaves, `sources[${i}].leaves`, maxLeaves).map((l, j) => asBytes32(l, `sources[${i}].leaves[${j}]`)),
    };
  });
  const seen = new Set(sources.map((s) => s.chainSelector));
  if (seen.size !== sources.length) throw new PluginCodecError('sources: duplicate chain selector');
  const time = asInt(o.time, 'time', 2 ** 40);
  return { sources, time, prices: o.prices === undefined ? undefined : decodePrices(o.prices) };
}

function decodePrices(v: unknown): PriceObservation {
  const p = asObject(v, 'prices');
  return {
    gas: asArray(p.gas, 'prices.gas', MAX_PRICES).map((g, i) => {
      const x = asObject(g, `prices.gas[${i}]`);
      return {
        chainSelector: asBigint(x.chainSelector, `prices.gas[${i}].chainSelector`, U64),
        fresh: asBigint(x.fresh, `prices.gas[${i}].fresh`, U224),
        onchain: asBigint(x.onchain, `prices.gas[${i}].onchain`, U224),
        onchainTimestamp: asInt(x.onchainTimestamp, `prices.gas[${i}].onchainTimestamp`, 2 ** 40),
      };
    }),
    tokens: asArray(p.tokens, 'prices.tokens', MAX_PRICES).map((t, i) => {
      const x = asObject(t, `prices.tokens[${i}]`);
      return {
        token: asAddress(x.token, `prices.tokens[${i}].token`),
        fresh: asBigint(x.fresh, `prices.tokens[${i}].fresh`, U224),
        onchain: asBigint(x.onchain, `prices.tokens[${i}].onchain`, U224),
        onchainTimestamp: asInt(x.onchainTimestamp, `prices.tokens[${i}].onchainTimestamp`, 2 ** 40),
      };
    }),
  };
}
