/**
 * ABI parameter shapes of the CCIP v1.6 structs, for encodeAbiParameters / decodeAbiParameters.
 * Field order is the Solidity declaration order in Internal.sol / Client.sol: it defines the bytes.
 */

export const rampMessageHeaderComponents = [
  { name: 'messageId', type: 'bytes32' },
  { name: 'sourceChainSelector', type: 'uint64' },
  { name: 'destChainSelector', type: 'uint64' },
  { name: 'sequenceNumber', type: 'uint64' },
  { name: 'nonce', type: 'uint64' },
] as const;

export const evm2AnyTokenTransferComponents = [
  { name: 'sourcePoolAddress', type: 'address' },
  { name: 'destTokenAddress', type: 'bytes' },
  { name: 'extraData', type: 'bytes' },
  { name: 'amount', type: 'uint256' },
  { name: 'destExecData', type: 'bytes' },
] as const;

export const any2EvmTokenTransferComponents = [
  { name: 'sourcePoolAddress', type: 'bytes' },
  { name: 'destTokenAddress', type: 'address' },
  { name: 'destGasAmount', type: 'uint32' },
  { name: 'extraData', type: 'bytes' },
  { name: 'amount', type: 'uint256' },
] as const;

/** Internal.EVM2AnyRampMessage as a single tuple parameter. */
export const evm2AnyRampMessageParam = {
  name: 'message',
  type: 'tuple',
  components: [
    { name: 'header', type: 'tuple', components: rampMessageHeaderComponents },
    { name: 'sender', type: 'address' },
    { name: 'data', type: 'bytes' },
    { name: 'receiver', type: 'bytes' },
    { name: 'extraArgs', type: 'bytes' },
    { name: 'feeToken', type: 'address' },
    { name: 'feeTokenAmount', type: 'uint256' },
    { name: 'feeValueJuels', type: 'uint256' },
    { name: 'tokenAmounts', type: 'tuple[]', components: evm2AnyTokenTransferComponents },
  ],
} as const;

/** Internal.Any2EVMRampMessage as a single tuple parameter. */
export const any2EvmRampMessageParam = {
  name: 'message',
  type: 'tuple',
  components: [
    { name: 'header', type: 'tuple', components: rampMessageHeaderComponents },
    { name: 'sender', type: 'bytes' },
    { name: 'data', type: 'bytes' },
    { name: 'receiver', type: 'address' },
    { name: 'gasLimit', type: 'uint256' },
    { name: 'tokenAmounts', type: 'tuple[]', components: any2EvmTokenTransferComponents },
  ],
} as const;

export const merkleRootComponents = [
  { name: 'sourceChainSelector', type: 'uint64' },
  { name: 'onRampAddress', type: 'bytes' },
  { name: 'minSeqNr', type: 'uint64' },
  { name: 'maxSeqNr', type: 'uint64' },
  { name: 'merkleRoot', type: 'bytes32' },
] as const;

export const priceUpdatesComponents = [
  {
    name: 'tokenPriceUpdates',
    type: 'tuple[]',
    components: [
      { name: 'sourceToken', type: 'address' },
      { name: 'usdPerToken', type: 'uint224' },
    ],
  },
  {
    name: 'gasPriceUpdates',
    type: 'tuple[]',
    components: [
      { name: 'destChainSelector', type: 'uint64' },
      { name: 'usdPerUnitGas', type: 'uint224' },
    ],
  },
] as const;

/** Internal.CommitReport: what OffRamp.commit decodes from `report`. */
export const commitReportParam = {
  name: 'report',
  type: 'tuple',
  components: [
    { name: 'priceUpdates', type: 'tuple', components: priceUpdatesComponents },
    { name: 'blessedMerkleRoots', type: 'tuple[]', components: merkleRootComponents },
    { name: 'unblessedMerkleRoots', type: 'tuple[]', components: merkleRootComponents },
    {
      name: 'rmnSignatures',
      type: 'tuple[]',
      components: [
        { name: 'r', type: 'bytes32' },
        { name: 's', type: 'bytes32' },
      ],
    },
  ],
} as const;

/** Internal.ExecutionReport[]: what OffRamp.execute decodes from `report`. */
export const executionReportsParam = {
  name: 'reports',
  type: 'tuple[]',
  components: [
    { name: 'sourceChainSelector', type: 'uint64' },
    { name: 'messages', type: 'tuple[]', components: any2EvmRampMessageParam.components },
    { name: 'offchainTokenData', type: 'bytes[][]' },
    { name: 'proofs', type: 'bytes32[]' },
    { name: 'proofFlagBits', type: 'uint256' },
  ],
} as const;

/** RMNRemote's signed report body (after the RMN_V1_6_ANY2EVM_REPORT header). */
export const rmnReportParam = {
  name: 'report',
  type: 'tuple',
  components: [
    { name: 'destChainId', type: 'uint256' },
    { name: 'destChainSelector', type: 'uint64' },
    { name: 'rmnRemoteContractAddress', type: 'address' },
    { name: 'offrampAddress', type: 'address' },
    { name: 'rmnHomeContractConfigDigest', type: 'bytes32' },
    { name: 'merkleRoots', type: 'tuple[]', components: merkleRootComponents },
  ],
} as const;
