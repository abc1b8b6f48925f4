// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IWrappedNative} from "../interfaces/IWrappedNative.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice WETH9-compatible wrapper of the native coin (deposit / withdraw / receive, Deposit / Withdrawal events).
contract WrappedNative is IWrappedNative, ERC20 {
  error FailedToSendValue();

  event Deposit(address indexed dst, uint256 wad);
  event Withdrawal(address indexed src, uint256 wad);

  constructor(string memory name, string memory symbol) ERC20(name, symbol) {}

  receive() external payable {
    deposit();
  }

  function deposit() public payable {
    _mint(msg.sender, msg.value);
    emit Deposit(msg.sender, msg.value);
  }

  function withdraw(uint256 wad) external {
    // Burn first: the external call below cannot re-enter with a stale balance.
    _burn(msg.sender, wad);
    emit Withdrawal(msg.sender, wad);
    (bool success,) = msg.sender.call{value: wad}("");
    if (!success) revert FailedToSendValue();
  }
}
