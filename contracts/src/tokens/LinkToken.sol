// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface IERC677Receiver {
  function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external;
}

/// @notice LINK for devnets and tests: "ChainLink Token"/"LINK", 18 decimals, owner-mintable, ERC-677.
contract LinkToken is ERC20, Ownable2Step {
  /// @dev ERC-677 transfer event (an overload of ERC-20 Transfer).
  event Transfer(address indexed from, address indexed to, uint256 value, bytes data);

  constructor() ERC20("ChainLink Token", "LINK") Ownable2Step(msg.sender) {}

  function mint(address to, uint256 amount) external onlyOwner {
    _mint(to, amount);
  }

  function burn(uint256 amount) external {
    _burn(msg.sender, amount);
  }

  /// @notice ERC-677: transfers, then notifies `to` if it is a contract.
  function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool) {
    _transfer(msg.sender, to, value);
    emit Transfer(msg.sender, to, value, data);
    if (to.code.length != 0) IERC677Receiver(to).onTokenTransfer(msg.sender, value, data);
    return true;
  }
}
