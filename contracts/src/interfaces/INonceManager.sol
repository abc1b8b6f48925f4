// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Outbound nonces per (destination, sender) and inbound nonces per (source, sender).
interface INonceManager {
  /// @notice Increments and returns the outbound nonce. Only authorized callers (OnRamps).
  function getIncrementedOutboundNonce(uint64 destChainSelector, address sender) external returns (uint64);

  /// @notice Increments the inbound nonce if it equals `expectedNonce - 1`. Only authorized callers (OffRamps).
  /// @return incremented false when the nonce did not match (the message must wait)
  function incrementInboundNonce(uint64 sourceChainSelector, uint64 expectedNonce, bytes calldata sender)
    external
    returns (bool);

  function getInboundNonce(uint64 sourceChainSelector, bytes calldata sender) external view returns (uint64);

  function getOutboundNonce(uint64 destChainSelector, address sender) external view returns (uint64);
}
