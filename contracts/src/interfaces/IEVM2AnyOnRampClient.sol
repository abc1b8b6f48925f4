// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPoolV1} from "./IPool.sol";
import {Client} from "../libraries/Client.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What the Router needs from an OnRamp.
interface IEVM2AnyOnRampClient {
  function getFee(uint64 destChainSelector, Client.EVM2AnyMessage calldata message)
    external
    view
    returns (uint256 feeTokenAmount);

  function getPoolBySourceToken(uint64 destChainSelector, IERC20 sourceToken) external view returns (IPoolV1);

  function getSupportedTokens(uint64 destChainSelector) external view returns (address[] memory);

  /// @notice The v1.6 entry point: called by a Router after it moved the fee (`feeTokenAmount` of message.feeToken)
  /// to the OnRamp and the tokens to their pools.
  function forwardFromRouter(
    uint64 destChainSelector,
    Client.EVM2AnyMessage memory message,
    uint256 feeTokenAmount,
    address originalSender
  ) external returns (bytes32);

  /// @notice The one-call send of our Router (tokens already in their pools): the OnRamp validates and prices the
  /// message once. Native fee (message.feeToken == 0): msg.value is the payment, it must cover the fee, is kept whole
  /// and is accounted as `wrappedNative` (held as native, wrapped on withdrawFeeTokens). Otherwise msg.value must
  /// be 0 and the Router must then move exactly the returned `feeTokenAmount` of message.feeToken to the OnRamp.
  /// @return messageId the id of the emitted message
  /// @return feeTokenAmount what the sender pays (msg.value for native fees)
  function forwardFromRouterQuoted(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    address wrappedNative,
    address originalSender
  ) external payable returns (bytes32 messageId, uint256 feeTokenAmount);
}
