// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRouter} from "../../../src/interfaces/IRouter.sol";
import {IAny2EVMMessageReceiver} from "../../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "../../../src/libraries/Client.sol";

/// @notice Minimal stand-in for the Router (owned by another helper): ramp lookups the pools use, and a
/// plain routeMessage that calls the receiver with the given gas.
contract RouterTestDouble is IRouter {
  mapping(uint64 => address) internal s_onRamps;
  mapping(uint64 => mapping(address => bool)) internal s_offRamps;

  function setOnRamp(uint64 destChainSelector, address onRamp) external {
    s_onRamps[destChainSelector] = onRamp;
  }

  function setOffRamp(uint64 sourceChainSelector, address offRamp, bool enabled) external {
    s_offRamps[sourceChainSelector][offRamp] = enabled;
  }

  function getOnRamp(uint64 destChainSelector) external view override returns (address) {
    return s_onRamps[destChainSelector];
  }

  function isOffRamp(uint64 sourceChainSelector, address offRamp) external view override returns (bool) {
    return s_offRamps[sourceChainSelector][offRamp];
  }

  function routeMessage(Client.Any2EVMMessage calldata message, uint16, uint256 gasLimit, address receiver)
    external
    override
    returns (bool success, bytes memory retBytes, uint256 gasUsed)
  {
    uint256 gasBefore = gasleft();
    (success, retBytes) =
      receiver.call{gas: gasLimit}(abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message)));
    gasUsed = gasBefore - gasleft();
  }
}
