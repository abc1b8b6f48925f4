// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../libraries/Client.sol";
import {CCIPReceiver} from "./CCIPReceiver.sol";

/// @notice Example receiver: commits to the last message in a single storage slot and emits it in full.
/// The gas benchmarks use it as "a receiver that writes one slot".
contract MessageReceiver is CCIPReceiver {
  event MessageReceived(
    bytes32 indexed messageId, uint64 indexed sourceChainSelector, bytes sender, bytes data, Client.EVMTokenAmount[] tokens
  );

  /// @dev keccak256(abi.encode(messageId, sourceChainSelector, keccak256(sender), keccak256(data))): id, source,
  /// sender and data hash in one slot; the event carries the readable values.
  bytes32 internal s_lastMessageDigest;

  constructor(address router) CCIPReceiver(router) {}

  function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
    s_lastMessageDigest =
      messageDigest(message.messageId, message.sourceChainSelector, message.sender, message.data);
    emit MessageReceived(
      message.messageId, message.sourceChainSelector, message.sender, message.data, message.destTokenAmounts
    );
  }

  /// @notice The digest of the last message received (0 before the first).
  function getLastMessageDigest() external view returns (bytes32) {
    return s_lastMessageDigest;
  }

  /// @notice How a message is committed to in storage; compare against getLastMessageDigest().
  function messageDigest(bytes32 messageId, uint64 sourceChainSelector, bytes memory sender, bytes memory data)
    public
    pure
    returns (bytes32)
  {
    return keccak256(abi.encode(messageId, sourceChainSelector, keccak256(sender), keccak256(data)));
  }
}
