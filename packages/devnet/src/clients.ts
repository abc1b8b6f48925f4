import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  toHex,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';

/** A public + wallet client pair for one chain, with one sending account. */
export interface ChainClients {
  chain: Chain;
  public: PublicClient<Transport, Chain>;
  wallet: WalletClient<Transport, Chain, Account>;
}

export function makeChainClients(rpcUrl: string, chainId: number, privateKey: Hex, name = `chain-${chainId}`): ChainClients {
  const chain = defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl, { retryCount: 3 });
  return {
    chain,
    // cacheTime 0: a devnet script reads the head right after it mines; a cached head would be a block behind.
    public: createPublicClient({ chain, transport, pollingInterval: 50, cacheTime: 0 }),
    wallet: createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey) }),
  };
}

/** anvil's well-known test mnemonic: its first accounts are funded on every anvil chain (local chains only). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Private keys of anvil's default funded accounts, derived from its mnemonic (m/44'/60'/0'/0/i). */
export const ANVIL_KEYS: readonly Hex[] = Array.from({ length: 10 }, (_, i) => {
  const key = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
  if (!key) throw new Error(`cannot derive anvil account ${i}`);
  return toHex(key);
});
