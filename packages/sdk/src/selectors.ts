import { UnknownChainError } from './errors.js';
import type { ChainSelector } from './types.js';

/** One entry of the public CCIP chain-selector registry (github.com/smartcontractkit/chain-selectors). */
export interface ChainSelectorEntry {
  readonly chainId: number;
  readonly selector: ChainSelector;
  /** registry name; entries from the registry's test list have no name there and are called `test-<chainId>` */
  readonly name: string;
  readonly networkType: 'mainnet' | 'testnet';
  /** from the registry's test_selectors.yml (meant for local/test networks) */
  readonly test: boolean;
  readonly family: 'evm';
}

const entry = (
  chainId: number,
  selector: ChainSelector,
  name: string,
  networkType: 'mainnet' | 'testnet' = 'testnet',
): ChainSelectorEntry => ({ chainId, selector, name, networkType, test: false, family: 'evm' });
const testEntry = (chainId: number, selector: ChainSelector): ChainSelectorEntry => ({
  chainId,
  selector,
  name: `test-${chainId}`,
  networkType: 'testnet',
  test: true,
  family: 'evm',
});

/**
 * A subset of the registry: local/dev chains (so a devnet of several local chains can use registry
 * chain ids, e.g. anvil 31337 + geth 1337 + test 2337/3337/1000), the main EVM testnets and their mainnets.
 */
export const CHAIN_SELECTORS: readonly ChainSelectorEntry[] = Object.freeze([
  // local / development chains
  entry(31337, 7759470850252068959n, 'anvil-devnet'),
  entry(1337, 3379446385462418246n, 'geth-testnet'),
  testEntry(1000, 11787463284727550157n),
  testEntry(2337, 12922642891491394802n),
  testEntry(3337, 4793464827907405086n),
  testEntry(90000001, 909606746561742123n),
  testEntry(90000002, 5548718428018410741n),
  testEntry(90000003, 789068866484373046n),
  testEntry(90000004, 5721565186521185178n),
  testEntry(90000005, 964127714438319834n),
  // public testnets
  entry(11155111, 16015286601757825753n, 'ethereum-testnet-sepolia'),
  entry(17000, 7717148896336251131n, 'ethereum-testnet-holesky'),
  entry(560048, 10380998176179737091n, 'ethereum-testnet-hoodi'),
  entry(421614, 3478487238524512106n, 'ethereum-testnet-sepolia-arbitrum-1'),
  entry(84532, 10344971235874465080n, 'ethereum-testnet-sepolia-base-1'),
  entry(11155420, 5224473277236331295n, 'ethereum-testnet-sepolia-optimism-1'),
  entry(43113, 14767482510784806043n, 'avalanche-testnet-fuji'),
  entry(80002, 16281711391670634445n, 'polygon-testnet-amoy'),
  entry(97, 13264668187771770619n, 'binance_smart_chain-testnet'),
  entry(59141, 5719461335882077547n, 'ethereum-testnet-sepolia-linea-1'),
  entry(534351, 2279865765895943307n, 'ethereum-testnet-sepolia-scroll-1'),
  entry(300, 6898391096552792247n, 'ethereum-testnet-sepolia-zksync-1'),
  entry(1301, 14135854469784514356n, 'ethereum-testnet-sepolia-unichain-1'),
  entry(10200, 8871595565390010547n, 'gnosis_chain-testnet-chiado'),
  // mainnets of the above
  entry(1, 5009297550715157269n, 'ethereum-mainnet', 'mainnet'),
  entry(42161, 4949039107694359620n, 'ethereum-mainnet-arbitrum-1', 'mainnet'),
  entry(8453, 15971525489660198786n, 'ethereum-mainnet-base-1', 'mainnet'),
  entry(10, 3734403246176062136n, 'ethereum-mainnet-optimism-1', 'mainnet'),
  entry(43114, 6433500567565415381n, 'avalanche-mainnet', 'mainnet'),
  entry(137, 4051577828743386545n, 'polygon-mainnet', 'mainnet'),
  entry(56, 11344663589394136015n, 'binance_smart_chain-mainnet', 'mainnet'),
  entry(59144, 4627098889531055414n, 'ethereum-mainnet-linea-1', 'mainnet'),
  entry(534352, 13204309965629103672n, 'ethereum-mainnet-scroll-1', 'mainnet'),
  entry(100, 465200170687744372n, 'gnosis_chain-mainnet', 'mainnet'),
]);

const byChainId = new Map(CHAIN_SELECTORS.map((c) => [c.chainId, c]));
const bySelector = new Map(CHAIN_SELECTORS.map((c) => [c.selector, c]));
const byName = new Map(CHAIN_SELECTORS.map((c) => [c.name, c]));

export function findChainByChainId(chainId: number | bigint): ChainSelectorEntry | undefined {
  return byChainId.get(Number(chainId));
}
export function findChainBySelector(selector: ChainSelector | string | number): ChainSelectorEntry | undefined {
  try {
    return bySelector.get(BigInt(selector));
  } catch {
    return undefined;
  }
}
export function findChainByName(name: string): ChainSelectorEntry | undefined {
  return byName.get(name);
}

/** Registry entry of an EVM chain id; throws UnknownChainError if it is not listed. */
export function getChainByChainId(chainId: number | bigint): ChainSelectorEntry {
  const chain = findChainByChainId(chainId);
  if (!chain) throw new UnknownChainError('chainId', String(chainId));
  return chain;
}
/** Registry entry of a chain selector (bigint, or its decimal string); throws UnknownChainError. */
export function getChainBySelector(selector: ChainSelector | string | number): ChainSelectorEntry {
  const chain = findChainBySelector(selector);
  if (!chain) throw new UnknownChainError('selector', String(selector));
  return chain;
}
/** Registry entry by registry name (e.g. "ethereum-testnet-sepolia"); throws UnknownChainError. */
export function getChainByName(name: string): ChainSelectorEntry {
  const chain = findChainByName(name);
  if (!chain) throw new UnknownChainError('name', name);
  return chain;
}

/** Chain selector of an EVM chain id (e.g. 31337 → 7759470850252068959n). */
export function getChainSelector(chainId: number | bigint): ChainSelector {
  return getChainByChainId(chainId).selector;
}
/** EVM chain id of a chain selector. */
export function getChainId(selector: ChainSelector | string | number): number {
  return getChainBySelector(selector).chainId;
}
