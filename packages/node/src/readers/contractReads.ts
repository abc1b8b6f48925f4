import type { Address } from 'viem';
import { feeQuoterAbi, offRampAbi } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import type { BlockReads } from './blockCache.js';

// The contract views the node's plugins read every round, each done once per block (see BlockReads). Keys name the
// contract (lowercase) and the arguments, so every reader of a chain shares them.

/** OffRamp.getSourceChainConfig(source): its minSeqNr is the next sequence number a commit must start at. */
export function readSourceChainConfig(client: ChainClient, reads: BlockReads, offRamp: Address, source: bigint) {
  return reads.read(`${offRamp.toLowerCase()}.getSourceChainConfig(${source})`, () =>
    client.readContract({ address: offRamp, abi: offRampAbi, functionName: 'getSourceChainConfig', args: [source] }),
  );
}

/** FeeQuoter.getTokenPrice(token). */
export function readTokenPrice(client: ChainClient, reads: BlockReads, feeQuoter: Address, token: Address) {
  return reads.read(`${feeQuoter.toLowerCase()}.getTokenPrice(${token.toLowerCase()})`, () =>
    client.readContract({ address: feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenPrice', args: [token] }),
  );
}

/** FeeQuoter.getDestinationChainGasPrice(destChainSelector). */
export function readDestinationChainGasPrice(client: ChainClient, reads: BlockReads, feeQuoter: Address, destChainSelector: bigint) {
  return reads.read(`${feeQuoter.toLowerCase()}.getDestinationChainGasPrice(${destChainSelector})`, () =>
    client.readContract({ address: feeQuoter, abi: feeQuoterAbi, functionName: 'getDestinationChainGasPrice', args: [destChainSelector] }),
  );
}

/** OffRamp.getDynamicConfig(): its FeeQuoter and message interceptor. */
export function readOffRampDynamicConfig(client: ChainClient, reads: BlockReads, offRamp: Address) {
  return reads.read(`${offRamp.toLowerCase()}.getDynamicConfig()`, () => client.readContract({ address: offRamp, abi: offRampAbi, functionName: 'getDynamicConfig' }));
}

/** eth_gasPrice of the chain. */
export function readGasPrice(client: ChainClient, reads: BlockReads) {
  return reads.read('eth_gasPrice', () => client.getGasPrice());
}
