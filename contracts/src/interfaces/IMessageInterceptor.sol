// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../libraries/Client.sol";

/// @notice Optional hook the ramps call on every message (e.g. USD-valued aggregate rate limits).
interface IMessageInterceptor {
  /// @notice Raised by the OffRamp when the interceptor rejects an inbound message (wraps its revert data).
  error MessageValidationError(bytes errorReason);

  /// @notice Called by the OffRamp before the receiver; reverting fails the message (it stays retryable).
  function onInboundMessage(Client.Any2EVMMessage memory message) external;

  /// @notice Called by the OnRamp before the message is sent; reverting reverts the send.
  function onOutboundMessage(uint64 destChainSelector, Client.EVM2AnyMessage memory message) external;
}
