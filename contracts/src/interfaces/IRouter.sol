// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../libraries/Client.sol";

/// @notice The ramp-facing Router API.
interface IRouter {
  error OnlyOffRamp();

  /// @notice Called by an OffRamp: delivers `message` to `receiver` with exactly `gasLimit` gas.
  /// @return success whether the receiver call succeeded
  /// @return retBytes the receiver's returned data, capped at `maxReturnBytes`
  /// @return gasUsed the gas the receiver call used
  function routeMessage(
    Client.Any2EVMMessage calldata message,
    uint16 gasForCallExactCheck,
    uint256 gasLimit,
    address receiver
  ) external returns (bool success, bytes memory retBytes, uint256 gasUsed);

  function getOnRamp(uint64 destChainSelector) external view returns (address onRampAddress);

  function isOffRamp(uint64 sourceChainSelector, address offRamp) external view returns (bool isOffRamp);
}
