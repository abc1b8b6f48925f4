// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Two-step ownership: the owner proposes, the new owner accepts. Every change is an event.
abstract contract Ownable2Step {
  error OnlyCallableByOwner();
  error CannotTransferToSelf();
  error MustBeProposedOwner();
  error OwnerCannotBeZero();

  event OwnershipTransferRequested(address indexed from, address indexed to);
  event OwnershipTransferred(address indexed from, address indexed to);

  address private s_owner;
  address private s_pendingOwner;

  constructor(address newOwner) {
    if (newOwner == address(0)) revert OwnerCannotBeZero();
    s_owner = newOwner;
    emit OwnershipTransferred(address(0), newOwner);
  }

  modifier onlyOwner() {
    _validateOwnership();
    _;
  }

  function owner() public view returns (address) {
    return s_owner;
  }

  function pendingOwner() external view returns (address) {
    return s_pendingOwner;
  }

  function transferOwnership(address to) external onlyOwner {
    if (to == msg.sender) revert CannotTransferToSelf();
    s_pendingOwner = to;
    emit OwnershipTransferRequested(s_owner, to);
  }

  function acceptOwnership() external {
    if (msg.sender != s_pendingOwner) revert MustBeProposedOwner();
    address old = s_owner;
    s_owner = msg.sender;
    s_pendingOwner = address(0);
    emit OwnershipTransferred(old, msg.sender);
  }

  function _validateOwnership() internal view {
    if (msg.sender != s_owner) revert OnlyCallableByOwner();
  }
}
