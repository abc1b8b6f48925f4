// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The application-facing message types of CCIP v1.6 (byte-compatible with upstream `Client`).
library Client {
  struct EVMTokenAmount {
    address token;
    uint256 amount;
  }

  /// @dev What a receiver gets in `ccipReceive`.
  struct Any2EVMMessage {
    bytes32 messageId;
    uint64 sourceChainSelector;
    bytes sender; // abi.encode(address) for EVM sources
    bytes data;
    EVMTokenAmount[] destTokenAmounts;
  }

  /// @dev What an application passes to `Router.ccipSend`.
  struct EVM2AnyMessage {
    bytes receiver; // abi.encode(address) for EVM destinations
    bytes data;
    EVMTokenAmount[] tokenAmounts;
    address feeToken; // address(0) = native
    bytes extraArgs;
  }

  bytes4 public constant EVM_EXTRA_ARGS_V1_TAG = 0x97a657c9;

  struct EVMExtraArgsV1 {
    uint256 gasLimit;
  }

  bytes4 public constant GENERIC_EXTRA_ARGS_V2_TAG = 0x181dcf10;

  struct GenericExtraArgsV2 {
    uint256 gasLimit;
    bool allowOutOfOrderExecution;
  }

  function _argsToBytes(EVMExtraArgsV1 memory extraArgs) internal pure returns (bytes memory) {
    return abi.encodeWithSelector(EVM_EXTRA_ARGS_V1_TAG, extraArgs);
  }

  function _argsToBytes(GenericExtraArgsV2 memory extraArgs) internal pure returns (bytes memory) {
    return abi.encodeWithSelector(GENERIC_EXTRA_ARGS_V2_TAG, extraArgs);
  }
}
