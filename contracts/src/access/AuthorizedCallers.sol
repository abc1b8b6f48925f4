// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "./Ownable2Step.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice An owner-managed set of contracts allowed to call privileged functions (e.g. ramps).
abstract contract AuthorizedCallers is Ownable2Step {
  using EnumerableSet for EnumerableSet.AddressSet;

  error UnauthorizedCaller(address caller);
  error ZeroAddressNotAllowed();

  event AuthorizedCallerAdded(address caller);
  event AuthorizedCallerRemoved(address caller);

  struct AuthorizedCallerArgs {
    address[] addedCallers;
    address[] removedCallers;
  }

  EnumerableSet.AddressSet private s_authorizedCallers;

  constructor(address[] memory authorizedCallers) {
    _applyAuthorizedCallerUpdates(AuthorizedCallerArgs({addedCallers: authorizedCallers, removedCallers: new address[](0)}));
  }

  modifier onlyAuthorizedCallers() {
    if (!s_authorizedCallers.contains(msg.sender)) revert UnauthorizedCaller(msg.sender);
    _;
  }

  function getAllAuthorizedCallers() external view returns (address[] memory) {
    return s_authorizedCallers.values();
  }

  function applyAuthorizedCallerUpdates(AuthorizedCallerArgs memory authorizedCallerArgs) external onlyOwner {
    _applyAuthorizedCallerUpdates(authorizedCallerArgs);
  }

  function _applyAuthorizedCallerUpdates(AuthorizedCallerArgs memory args) internal {
    for (uint256 i = 0; i < args.removedCallers.length; ++i) {
      if (s_authorizedCallers.remove(args.removedCallers[i])) emit AuthorizedCallerRemoved(args.removedCallers[i]);
    }
    for (uint256 i = 0; i < args.addedCallers.length; ++i) {
      address caller = args.addedCallers[i];
      if (caller == address(0)) revert ZeroAddressNotAllowed();
      if (s_authorizedCallers.add(caller)) emit AuthorizedCallerAdded(caller);
    }
  }
}
