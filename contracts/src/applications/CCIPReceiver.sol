// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAny2EVMMessageReceiver} from "../interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "../libraries/Client.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Base for CCIP receivers: accepts messages only from the Router and reports the receiver
/// interface through ERC-165 (without it the Router does not call the contract).
abstract contract CCIPReceiver is IAny2EVMMessageReceiver, IERC165 {
  error InvalidRouter(address router);

  address internal immutable i_ccipRouter;

  constructor(address router) {
    if (router == address(0)) revert InvalidRouter(address(0));
    i_ccipRouter = router;
  }

  /// @dev Overriders that add interfaces must keep these two.
  function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
    return interfaceId == type(IAny2EVMMessageReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
  }

  /// @inheritdoc IAny2EVMMessageReceiver
  function ccipReceive(Client.Any2EVMMessage calldata message) external virtual override onlyRouter {
    _ccipReceive(message);
  }

  /// @dev Application logic. Memory (not calldata) keeps upstream CCIPReceiver overrides source-compatible.
  function _ccipReceive(Client.Any2EVMMessage memory message) internal virtual;

  function getRouter() public view virtual returns (address) {
    return i_ccipRouter;
  }

  modifier onlyRouter() {
    if (msg.sender != getRouter()) revert InvalidRouter(msg.sender);
    _;
  }
}
