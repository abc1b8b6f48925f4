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

  /// @notice Called by the Router after it moved the fee to the OnRamp and the tokens to their pools.
  function forwardFromRouter(
    uint64 destChainSelector,
    Client.EVM2AnyMessage memory message,
    uint256 feeTokenAmount,
    address originalSender
  ) external returns (bytes32);
}
