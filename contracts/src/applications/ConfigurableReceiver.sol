// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {Client} from "../libraries/Client.sol";
import {CCIPReceiver} from "./CCIPReceiver.sol";

/// @notice Receiver for tests and demos of failure handling: the owner can make it revert, burn gas until it
/// runs out, or return oversized data. It records every message it accepted and the tokens it got.
contract ConfigurableReceiver is CCIPReceiver, Ownable2Step {
  error ReceiverRejected(bytes32 messageId);

  event RevertSet(bool shouldRevert);
  event GasBurnSet(uint256 gasToBurn);
  event ReturnDataSizeSet(uint256 returnDataSize);
  event MessageReceived(
    bytes32 indexed messageId, uint64 indexed sourceChainSelector, bytes sender, bytes data, Client.EVMTokenAmount[] tokens
  );

  struct ReceivedMessage {
    bytes32 messageId;
    uint64 sourceChainSelector;
    bytes sender;
    bytes data;
    Client.EVMTokenAmount[] destTokenAmounts;
  }

  bool internal s_revert;
  uint256 internal s_gasBurn;
  uint256 internal s_returnDataSize;

  ReceivedMessage[] internal s_received;
  mapping(address token => uint256 amount) internal s_tokensReceived;

  constructor(address router) CCIPReceiver(router) Ownable2Step(msg.sender) {}

  function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
    if (s_revert) revert ReceiverRejected(message.messageId);

    uint256 gasToBurn = s_gasBurn;
    if (gasToBurn != 0) {
      // Spins until `gasToBurn` is used: more than the call has means out-of-gas.
      uint256 start = gasleft();
      while (start - gasleft() < gasToBurn) {}
    }

    ReceivedMessage storage received = s_received.push();
    received.messageId = message.messageId;
    received.sourceChainSelector = message.sourceChainSelector;
    received.sender = message.sender;
    received.data = message.data;
    for (uint256 i = 0; i < message.destTokenAmounts.length; ++i) {
      received.destTokenAmounts.push(message.destTokenAmounts[i]);
      s_tokensReceived[message.destTokenAmounts[i].token] += message.destTokenAmounts[i].amount;
    }
    emit MessageReceived(
      message.messageId, message.sourceChainSelector, message.sender, message.data, message.destTokenAmounts
    );

    uint256 returnDataSize = s_returnDataSize;
    if (returnDataSize != 0) {
      // Ends the call successfully with `returnDataSize` bytes of 0xff-filled return data (the Router caps it).
      assembly ("memory-safe") {
        let ptr := mload(0x40)
        for { let i := 0 } lt(i, returnDataSize) { i := add(i, 32) } { mstore(add(ptr, i), not(0)) }
        return(ptr, returnDataSize)
      }
    }
  }

  // ================================================================
  // │                        Owner toggles                         │
  // ================================================================

  function setRevert(bool shouldRevert) external onlyOwner {
    s_revert = shouldRevert;
    emit RevertSet(shouldRevert);
  }

  function setGasBurn(uint256 gasToBurn) external onlyOwner {
    s_gasBurn = gasToBurn;
    emit GasBurnSet(gasToBurn);
  }

  function setReturnDataSize(uint256 returnDataSize) external onlyOwner {
    s_returnDataSize = returnDataSize;
    emit ReturnDataSizeSet(returnDataSize);
  }

  function getConfig() external view returns (bool shouldRevert, uint256 gasToBurn, uint256 returnDataSize) {
    return (s_revert, s_gasBurn, s_returnDataSize);
  }

  // ================================================================
  // │                           Records                            │
  // ================================================================

  function getReceivedCount() external view returns (uint256) {
    return s_received.length;
  }

  function getReceivedMessage(uint256 index) external view returns (ReceivedMessage memory) {
    return s_received[index];
  }

  /// @notice Total amount of `token` received through messages.
  function getTokensReceived(address token) external view returns (uint256) {
    return s_tokensReceived[token];
  }
}
