import { encodeAbiParameters, parseEther, type Address, type Hex } from 'viem';
import {
  burnMintErc20Abi,
  feeQuoterAbi,
  linkTokenAbi,
  messageReceiverAbi,
  multiAggregateRateLimiterAbi,
  nonceManagerAbi,
  offRampAbi,
  onRampAbi,
  registryModuleOwnerCustomAbi,
  rmnRemoteAbi,
  routerAbi,
  tokenAdminRegistryAbi,
  wrappedNativeAbi,
} from '@openccip/sdk';
import {
  feeQuoterBytecode,
  linkTokenBytecode,
  messageReceiverBytecode,
  multiAggregateRateLimiterBytecode,
  nonceManagerBytecode,
  offRampBytecode,
  onRampBytecode,
  registryModuleOwnerCustomBytecode,
  rmnRemoteBytecode,
  routerBytecode,
  tokenAdminRegistryBytecode,
  wrappedNativeBytecode,
} from '@openccip/sdk/bytecode';
import type { ChainClients } from './clients.js';
import { deploy, send } from './tx.js';

export interface CoreContracts {
  router: Address;
  onRamp: Address;
  offRamp: Address;
  feeQuoter: Address;
  nonceManager: Address;
  rmnRemote: Address;
  tokenAdminRegistry: Address;
  registryModuleOwnerCustom: Address;
  wrappedNative: Address;
  linkToken: Address;
  messageReceiver: Address;
}

export interface ChainDeployment {
  chainSelector: bigint;
  clients: ChainClients;
  contracts: CoreContracts;
}

/** USD prices, 1e18 = $1 per 1e18 smallest units. */
export const DEFAULT_PRICES = {
  linkUsd: parseEther('20'),
  nativeUsd: parseEther('3000'),
  /** 1 gwei at $3000/ETH, in 1e18 USD per gas (execution part; the data-availability part is 0). */
  usdPerUnitGas: (10n ** 9n * parseEther('3000')) / 10n ** 18n,
} as const;

/** A lane config for EVM destinations: realistic gas figures, no data-availability cost. */
export function defaultDestChainConfig() {
  return {
    isEnabled: true,
    maxNumberOfTokensPerMsg: 5,
    maxDataBytes: 30_000,
    maxPerMsgGasLimit: 3_000_000,
    destGasOverhead: 100_000,
    destGasPerPayloadByteBase: 16,
    destGasPerPayloadByteHigh: 40,
    destGasPerPayloadByteThreshold: 3_000,
    destDataAvailabilityOverheadGas: 0,
    destGasPerDataAvailabilityByte: 0,
    destDataAvailabilityMultiplierBps: 0,
    chainFamilySelector: '0x2812d52c' as Hex,
    enforceOutOfOrder: false,
    defaultTokenFeeUSDCents: 25,
    defaultTokenDestGasOverhead: 90_000,
    defaultTxGasLimit: 200_000,
    gasMultiplierWeiPerEth: 1_100_000_000_000_000_000n,
    gasPriceStalenessThreshold: 0,
    networkFeeUSDCents: 10,
  } as const;
}

export interface DeployCoreOptions {
  chainSelector: bigint;
  /** Seconds after which anyone may manually execute a committed message. */
  permissionlessExecutionThresholdSeconds?: number;
  /** Where withdrawn fees go (default: the deployer). */
  feeAggregator?: Address;
  log?: (msg: string) => void;
}

/** Deploys and wires the per-chain contracts: tokens, RMNRemote, registry, NonceManager, FeeQuoter, Router, ramps. */
export async function deployCore(c: ChainClients, opts: DeployCoreOptions): Promise<ChainDeployment> {
  const log = opts.log ?? (() => {});
  const me = c.wallet.account.address;
  const sel = opts.chainSelector;

  const wrappedNative = await deploy(c, 'WrappedNative', wrappedNativeAbi, wrappedNativeBytecode, ['Wrapped Ether', 'WETH']);
  const linkToken = await deploy(c, 'LinkToken', linkTokenAbi, linkTokenBytecode, []);
  const rmnRemote = await deploy(c, 'RMNRemote', rmnRemoteAbi, rmnRemoteBytecode, [sel]);
  const tokenAdminRegistry = await deploy(c, 'TokenAdminRegistry', tokenAdminRegistryAbi, tokenAdminRegistryBytecode, []);
  const registryModuleOwnerCustom = await deploy(
    c,
    'RegistryModuleOwnerCustom',
    registryModuleOwnerCustomAbi,
    registryModuleOwnerCustomBytecode,
    [tokenAdminRegistry],
  );
  await send(c, tokenAdminRegistry, tokenAdminRegistryAbi, 'addRegistryModule', [registryModuleOwnerCustom]);
  const nonceManager = await deploy(c, 'NonceManager', nonceManagerAbi, nonceManagerBytecode, [[]]);
  const feeQuoter = await deploy(c, 'FeeQuoter', feeQuoterAbi, feeQuoterBytecode, [
    { maxFeeJuelsPerMsg: parseEther('1000000'), linkToken, tokenPriceStalenessThreshold: 0 },
    [me], // the deployer seeds prices; the commit DON keeps them fresh through the OffRamp
    [linkToken, wrappedNative],
    [],
    [
      { token: linkToken, premiumMultiplierWeiPerEth: 900_000_000_000_000_000n },
      { token: wrappedNative, premiumMultiplierWeiPerEth: 1_000_000_000_000_000_000n },
    ],
    [],
  ]);
  const router = await deploy(c, 'Router', routerAbi, routerBytecode, [wrappedNative, rmnRemote]);
  const onRamp = await deploy(c, 'OnRamp', onRampAbi, onRampBytecode, [
    { chainSelector: sel, rmnRemote, nonceManager, tokenAdminRegistry },
    {
      feeQuoter,
      reentrancyGuardEntered: false,
      messageInterceptor: '0x0000000000000000000000000000000000000000',
      feeAggregator: opts.feeAggregator ?? me,
      allowlistAdmin: me,
    },
    [],
  ]);
  const offRamp = await deploy(c, 'OffRamp', offRampAbi, offRampBytecode, [
    { chainSelector: sel, gasForCallExactCheck: 5_000, rmnRemote, tokenAdminRegistry, nonceManager },
    {
      feeQuoter,
      permissionLessExecutionThresholdSeconds: opts.permissionlessExecutionThresholdSeconds ?? 3_600,
      messageInterceptor: '0x0000000000000000000000000000000000000000',
    },
    [],
  ]);
  await send(c, nonceManager, nonceManagerAbi, 'applyAuthorizedCallerUpdates', [
    { addedCallers: [onRamp, offRamp], removedCallers: [] },
  ]);
  await send(c, feeQuoter, feeQuoterAbi, 'applyAuthorizedCallerUpdates', [{ addedCallers: [offRamp], removedCallers: [] }]);
  await send(c, feeQuoter, feeQuoterAbi, 'updatePrices', [
    {
      tokenPriceUpdates: [
        { sourceToken: linkToken, usdPerToken: DEFAULT_PRICES.linkUsd },
        { sourceToken: wrappedNative, usdPerToken: DEFAULT_PRICES.nativeUsd },
      ],
      gasPriceUpdates: [],
    },
  ]);
  const messageReceiver = await deploy(c, 'MessageReceiver', messageReceiverAbi, messageReceiverBytecode, [router]);
  log(`chain ${c.chain.id} (selector ${sel}): core contracts deployed`);
  return {
    chainSelector: sel,
    clients: c,
    contracts: {
      router,
      onRamp,
      offRamp,
      feeQuoter,
      nonceManager,
      rmnRemote,
      tokenAdminRegistry,
      registryModuleOwnerCustom,
      wrappedNative,
      linkToken,
      messageReceiver,
    },
  };
}

export interface LaneOptions {
  /** Roots on this lane need RMN blessings (default true). */
  rmnVerification?: boolean;
}

/** Opens the lane src → dst: OnRamp/Router/FeeQuoter on the source, OffRamp/Router on the destination. */
export async function connectLane(src: ChainDeployment, dst: ChainDeployment, opts: LaneOptions = {}): Promise<void> {
  const s = src.contracts;
  const d = dst.contracts;
  await send(src.clients, s.onRamp, onRampAbi, 'applyDestChainConfigUpdates', [
    [{ destChainSelector: dst.chainSelector, router: s.router, allowlistEnabled: false }],
  ]);
  await send(src.clients, s.router, routerAbi, 'applyRampUpdates', [
    [{ destChainSelector: dst.chainSelector, onRamp: s.onRamp }],
    [],
    [],
  ]);
  await send(src.clients, s.feeQuoter, feeQuoterAbi, 'applyDestChainConfigUpdates', [
    [{ destChainSelector: dst.chainSelector, destChainConfig: defaultDestChainConfig() }],
  ]);
  await send(src.clients, s.feeQuoter, feeQuoterAbi, 'updatePrices', [
    {
      tokenPriceUpdates: [],
      gasPriceUpdates: [{ destChainSelector: dst.chainSelector, usdPerUnitGas: DEFAULT_PRICES.usdPerUnitGas }],
    },
  ]);
  await send(dst.clients, d.offRamp, offRampAbi, 'applySourceChainConfigUpdates', [
    [
      {
        router: d.router,
        sourceChainSelector: src.chainSelector,
        isEnabled: true,
        isRMNVerificationDisabled: !(opts.rmnVerification ?? true),
        onRamp: encodeAbiParameters([{ type: 'address' }], [s.onRamp]),
      },
    ],
  ]);
  await send(dst.clients, d.router, routerAbi, 'applyRampUpdates', [
    [],
    [],
    [{ sourceChainSelector: src.chainSelector, offRamp: d.offRamp }],
  ]);
}

export interface OcrConfigInput {
  configDigest: Hex;
  F: number;
  signers: Address[];
  transmitters: Address[];
}

/** Sets the commit (signed) and execute (unsigned) OCR3 configs of an OffRamp. */
export async function setOcrConfigs(dst: ChainDeployment, commit: OcrConfigInput, execute: OcrConfigInput): Promise<void> {
  await send(dst.clients, dst.contracts.offRamp, offRampAbi, 'setOCR3Configs', [
    [
      { ...commit, ocrPluginType: 0, isSignatureVerificationEnabled: true },
      { ...execute, ocrPluginType: 1, isSignatureVerificationEnabled: false },
    ],
  ]);
}

export interface RmnConfigInput {
  rmnHomeContractConfigDigest: Hex;
  signers: Address[];
  fSign: bigint;
}

/** Sets RMNRemote's signer set; signers get node indexes in the given order. */
export async function setRmnConfig(d: ChainDeployment, cfg: RmnConfigInput): Promise<void> {
  await send(d.clients, d.contracts.rmnRemote, rmnRemoteAbi, 'setConfig', [
    {
      rmnHomeContractConfigDigest: cfg.rmnHomeContractConfigDigest,
      signers: cfg.signers.map((onchainPublicKey, i) => ({ onchainPublicKey, nodeIndex: BigInt(i) })),
      fSign: cfg.fSign,
    },
  ]);
}

/** A USD-valued bucket of one lane direction (1e18 = $1; enabled requires 0 < rate < capacity). */
export interface AggregateRateLimit {
  remoteChainSelector: bigint;
  /** true: this chain → remote (checked by the OnRamp); false: remote → this chain (checked by the OffRamp). */
  isOutbound: boolean;
  capacity: bigint;
  /** USD (1e18 = $1) per second. */
  rate: bigint;
}

/** A token counted by the aggregate limits of lanes with `remoteChainSelector`, keyed by its local address. */
export interface AggregateRateLimitToken {
  remoteChainSelector: bigint;
  localToken: Address;
  remoteToken: Address;
  /** If set, seeds the FeeQuoter's price (1e18 = $1 per 1e18 smallest units): an unpriced counted token reverts. */
  usdPerToken?: bigint;
}

export interface AggregateRateLimiterOptions {
  limits?: AggregateRateLimit[];
  tokens?: AggregateRateLimitToken[];
  /** Install it as this chain's OnRamp and OffRamp message interceptor (default true). */
  wireRamps?: boolean;
  log?: (msg: string) => void;
}

/**
 * Deploys a MultiAggregateRateLimiter on `d` (priced by its FeeQuoter, callable by its ramps), configures lane
 * buckets and counted tokens, and by default makes it both ramps' message interceptor. Not part of deployCore:
 * lanes have no aggregate limit unless this is called.
 */
export async function deployAggregateRateLimiter(
  d: ChainDeployment,
  opts: AggregateRateLimiterOptions = {},
): Promise<Address> {
  const c = d.clients;
  const { onRamp, offRamp, feeQuoter } = d.contracts;
  const limiter = await deploy(c, 'MultiAggregateRateLimiter', multiAggregateRateLimiterAbi, multiAggregateRateLimiterBytecode, [
    feeQuoter,
    [onRamp, offRamp],
  ]);
  const limits = opts.limits ?? [];
  if (limits.length > 0) {
    await send(c, limiter, multiAggregateRateLimiterAbi, 'applyRateLimiterConfigUpdates', [
      limits.map((l) => ({
        remoteChainSelector: l.remoteChainSelector,
        isOutboundLane: l.isOutbound,
        rateLimiterConfig: { isEnabled: true, capacity: l.capacity, rate: l.rate },
      })),
    ]);
  }
  const tokens = opts.tokens ?? [];
  if (tokens.length > 0) {
    await send(c, limiter, multiAggregateRateLimiterAbi, 'updateRateLimitTokens', [
      [],
      tokens.map((t) => ({
        localTokenArgs: { remoteChainSelector: t.remoteChainSelector, localToken: t.localToken },
        remoteToken: encodeAbiParameters([{ type: 'address' }], [t.remoteToken]),
      })),
    ]);
  }
  const tokenPriceUpdates = tokens.flatMap((t) =>
    t.usdPerToken === undefined ? [] : [{ sourceToken: t.localToken, usdPerToken: t.usdPerToken }],
  );
  if (tokenPriceUpdates.length > 0) {
    // The deployer is one of the FeeQuoter's price updaters (see deployCore).
    await send(c, feeQuoter, feeQuoterAbi, 'updatePrices', [{ tokenPriceUpdates, gasPriceUpdates: [] }]);
  }
  if (opts.wireRamps ?? true) {
    const onCfg = await c.public.readContract({ address: onRamp, abi: onRampAbi, functionName: 'getDynamicConfig' });
    await send(c, onRamp, onRampAbi, 'setDynamicConfig', [{ ...onCfg, messageInterceptor: limiter }]);
    const offCfg = await c.public.readContract({ address: offRamp, abi: offRampAbi, functionName: 'getDynamicConfig' });
    await send(c, offRamp, offRampAbi, 'setDynamicConfig', [{ ...offCfg, messageInterceptor: limiter }]);
  }
  opts.log?.(`chain ${c.chain.id} (selector ${d.chainSelector}): MultiAggregateRateLimiter ${limiter}`);
  return limiter;
}
