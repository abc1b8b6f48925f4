// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../libraries/Client.sol";
import {Internal} from "../libraries/Internal.sol";

/// @notice Prices and fee rules, as the ramps see them.
interface IFeeQuoter {
  /// @notice The fee of `message` to `destChainSelector` in `message.feeToken` (validates the message).
  function getValidatedFee(uint64 destChainSelector, Client.EVM2AnyMessage calldata message)
    external
    view
    returns (uint256 feeTokenAmount);

  /// @notice The whole send-side fee step in one call: validates `message`, prices it and normalises its extraArgs.
  /// @param feeToken the token a native-fee message (message.feeToken == 0) is priced in: the wrapped native.
  /// Ignored otherwise (the message is priced in message.feeToken).
  /// @param nativeFeeTokenAmount for a native-fee message, the value sent: it must cover the fee and is kept whole.
  /// @return feeTokenAmount what the sender pays: the value sent (native), else exactly the fee
  /// @return msgFeeJuels feeTokenAmount valued in LINK juels (at most maxFeeJuelsPerMsg)
  /// @return isOutOfOrderExecution whether the message is unordered (nonce 0)
  /// @return gasLimit the validated gas limit (with isOutOfOrderExecution, the message's GenericExtraArgsV2)
  function quoteAndProcessMessageArgs(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    address feeToken,
    uint256 nativeFeeTokenAmount
  ) external view returns (uint256 feeTokenAmount, uint256 msgFeeJuels, bool isOutOfOrderExecution, uint256 gasLimit);

  /// @notice Validates and normalises the message arguments for the OnRamp.
  /// @return msgFeeJuels the fee valued in LINK juels
  /// @return isOutOfOrderExecution whether the message is unordered (nonce 0)
  /// @return convertedExtraArgs the extraArgs re-encoded as GenericExtraArgsV2
  /// @return tokenReceiver the receiver of the tokens on the destination (the message receiver on EVM)
  function processMessageArgs(
    uint64 destChainSelector,
    address feeToken,
    uint256 feeTokenAmount,
    bytes calldata extraArgs,
    bytes calldata messageReceiver
  )
    external
    view
    returns (
      uint256 msgFeeJuels,
      bool isOutOfOrderExecution,
      bytes memory convertedExtraArgs,
      bytes memory tokenReceiver
    );

  /// @notice Validates what the pools returned and gives each transfer's destExecData (abi.encode(uint32 destGas)).
  function processPoolReturnData(
    uint64 destChainSelector,
    Internal.EVM2AnyTokenTransfer[] calldata onRampTokenTransfers,
    Client.EVMTokenAmount[] calldata sourceTokenAmounts
  ) external view returns (bytes[] memory destExecDataPerToken);

  /// @notice Stores price updates. Only authorized callers (the OffRamp, on commit).
  function updatePrices(Internal.PriceUpdates calldata priceUpdates) external;

  function getTokenPrice(address token) external view returns (Internal.TimestampedPackedUint224 memory);

  /// @notice The USD value (1e18 per USD) of `amount` of `token`; reverts if the price is missing or stale.
  function getValidatedTokenPrice(address token) external view returns (uint224);

  function getFeeTokens() external view returns (address[] memory);
}
