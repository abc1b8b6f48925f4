// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../access/AuthorizedCallers.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {INonceManager} from "../interfaces/INonceManager.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";

/// @notice Ordered-delivery nonces, kept outside the ramps so a ramp can be replaced without resetting them.
contract NonceManager is INonceManager, AuthorizedCallers, ITypeAndVersion {
  /// @dev Emitted (not reverted) so the OffRamp can skip the message and retry it later.
  event SkippedIncorrectNonce(uint64 sourceChainSelector, uint64 nonce, bytes sender);

  string public constant override typeAndVersion = "NonceManager 1.6.0";

  /// @dev One-field struct so a storage reference is taken once: the (bytes-keyed) slot is hashed once per call.
  struct Nonce {
    uint64 value;
  }

  mapping(uint64 destChainSelector => mapping(address sender => Nonce outboundNonce)) private s_outboundNonces;
  /// @dev Senders are raw bytes: the source may be a non-EVM chain.
  mapping(uint64 sourceChainSelector => mapping(bytes sender => Nonce inboundNonce)) private s_inboundNonces;

  constructor(address[] memory authorizedCallers) AuthorizedCallers(authorizedCallers) Ownable2Step(msg.sender) {}

  /// @inheritdoc INonceManager
  function getIncrementedOutboundNonce(uint64 destChainSelector, address sender)
    external
    onlyAuthorizedCallers
    returns (uint64)
  {
    Nonce storage nonce = s_outboundNonces[destChainSelector][sender];
    uint64 outboundNonce = nonce.value + 1;
    nonce.value = outboundNonce;
    return outboundNonce;
  }

  /// @inheritdoc INonceManager
  function incrementInboundNonce(uint64 sourceChainSelector, uint64 expectedNonce, bytes calldata sender)
    external
    onlyAuthorizedCallers
    returns (bool)
  {
    Nonce storage nonce = s_inboundNonces[sourceChainSelector][sender];
    uint64 inboundNonce = nonce.value + 1;
    if (inboundNonce != expectedNonce) {
      emit SkippedIncorrectNonce(sourceChainSelector, expectedNonce, sender);
      return false;
    }
    nonce.value = inboundNonce;
    return true;
  }

  /// @inheritdoc INonceManager
  function getInboundNonce(uint64 sourceChainSelector, bytes calldata sender) external view returns (uint64) {
    return s_inboundNonces[sourceChainSelector][sender].value;
  }

  /// @inheritdoc INonceManager
  function getOutboundNonce(uint64 destChainSelector, address sender) external view returns (uint64) {
    return s_outboundNonces[destChainSelector][sender].value;
  }
}
