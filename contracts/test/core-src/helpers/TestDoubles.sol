// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAny2EVMMessageReceiver} from "../../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {IMessageInterceptor} from "../../../src/interfaces/IMessageInterceptor.sol";
import {IPoolV1} from "../../../src/interfaces/IPool.sol";
import {IRMNRemote} from "../../../src/interfaces/IRMNRemote.sol";
import {ITokenAdminRegistry} from "../../../src/interfaces/ITokenAdminRegistry.sol";
import {Client} from "../../../src/libraries/Client.sol";
import {Internal} from "../../../src/libraries/Internal.sol";
import {Pool} from "../../../src/libraries/Pool.sol";

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Stand-in for RMNRemote (owned by another helper): a cursed-subject set with a count fast path.
contract RMNRemoteTestDouble is IRMNRemote {
  bytes16 internal constant GLOBAL_CURSE_SUBJECT = 0x01000000000000000000000000000001;
  uint256 internal s_cursedCount;
  mapping(bytes16 => bool) internal s_cursed;

  function setCursed(bytes16 subject, bool cursed) external {
    if (s_cursed[subject] == cursed) return;
    s_cursed[subject] = cursed;
    if (cursed) ++s_cursedCount;
    else --s_cursedCount;
  }

  function verify(address, Internal.MerkleRoot[] memory, Signature[] memory) external pure {}

  function isCursed() external view returns (bool) {
    if (s_cursedCount == 0) return false;
    return s_cursed[GLOBAL_CURSE_SUBJECT];
  }

  function isCursed(bytes16 subject) external view returns (bool) {
    if (s_cursedCount == 0) return false;
    return s_cursed[subject] || s_cursed[GLOBAL_CURSE_SUBJECT];
  }

  function getCursedSubjects() external pure returns (bytes16[] memory) {
    return new bytes16[](0);
  }
}

/// @notice Stand-in for TokenAdminRegistry (owned by another helper).
contract TokenAdminRegistryTestDouble is ITokenAdminRegistry {
  mapping(address => address) public s_pools;

  function setPool(address token, address pool) external {
    s_pools[token] = pool;
  }

  function getPool(address token) external view returns (address) {
    return s_pools[token];
  }

  function isAdministrator(address, address) external pure returns (bool) {
    return false;
  }

  function proposeAdministrator(address, address) external {}
}

/// @notice Stand-in for a lock-release token pool (owned by another helper): records the last lockOrBurn.
contract TokenPoolTestDouble is IPoolV1 {
  address public immutable i_token;
  address public s_onRamp;
  mapping(uint64 => bool) public s_supportedChains;
  bytes public s_destTokenAddress;
  bytes public s_destPoolData;
  bool public s_supportsV1 = true;
  Pool.LockOrBurnInV1 internal s_lastIn;
  uint256 public s_lockOrBurnCalls;

  error NotOnRamp(address caller);

  constructor(address token, address remoteToken) {
    i_token = token;
    s_destTokenAddress = abi.encode(remoteToken);
  }

  function setOnRamp(address onRamp) external {
    s_onRamp = onRamp;
  }

  function setSupportedChain(uint64 chain, bool supported) external {
    s_supportedChains[chain] = supported;
  }

  function setReturnData(bytes calldata destTokenAddress, bytes calldata destPoolData) external {
    s_destTokenAddress = destTokenAddress;
    s_destPoolData = destPoolData;
  }

  function setSupportsV1(bool supportsV1) external {
    s_supportsV1 = supportsV1;
  }

  function lastLockOrBurnIn() external view returns (Pool.LockOrBurnInV1 memory) {
    return s_lastIn;
  }

  function lockOrBurn(Pool.LockOrBurnInV1 calldata lockOrBurnIn) external returns (Pool.LockOrBurnOutV1 memory) {
    if (msg.sender != s_onRamp) revert NotOnRamp(msg.sender);
    s_lastIn = lockOrBurnIn;
    ++s_lockOrBurnCalls;
    return Pool.LockOrBurnOutV1({destTokenAddress: s_destTokenAddress, destPoolData: s_destPoolData});
  }

  function releaseOrMint(Pool.ReleaseOrMintInV1 calldata) external pure returns (Pool.ReleaseOrMintOutV1 memory) {
    revert("unused");
  }

  function isSupportedChain(uint64 remoteChainSelector) external view returns (bool) {
    return s_supportedChains[remoteChainSelector];
  }

  function isSupportedToken(address token) external view returns (bool) {
    return token == i_token;
  }

  function supportsInterface(bytes4 interfaceId) external view returns (bool) {
    return (s_supportsV1 && interfaceId == Pool.CCIP_POOL_V1) || interfaceId == type(IERC165).interfaceId;
  }
}

/// @notice A message interceptor that rejects messages on demand.
contract MessageInterceptorTestDouble is IMessageInterceptor {
  error Rejected(uint64 destChainSelector);

  bool public s_reject;
  uint256 public s_outboundCalls;

  function setReject(bool reject) external {
    s_reject = reject;
  }

  function onInboundMessage(Client.Any2EVMMessage memory) external pure {}

  function onOutboundMessage(uint64 destChainSelector, Client.EVM2AnyMessage memory) external {
    if (s_reject) revert Rejected(destChainSelector);
    ++s_outboundCalls;
  }
}

contract MintableERC20 is ERC20 {
  constructor(string memory name) ERC20(name, name) {}

  function mint(address to, uint256 amount) external {
    _mint(to, amount);
  }
}

/// @notice Records the gas it was given and the message it got.
contract GasRecordingReceiver is IAny2EVMMessageReceiver {
  uint256 public s_gasAtEntry;
  bytes32 public s_lastMessageId;

  function ccipReceive(Client.Any2EVMMessage calldata message) external {
    s_gasAtEntry = gasleft();
    s_lastMessageId = message.messageId;
  }
}

/// @notice Burns all the gas it gets.
contract GasBurningReceiver is IAny2EVMMessageReceiver {
  function ccipReceive(Client.Any2EVMMessage calldata) external view {
    while (true) {
      assembly {
        pop(sload(0))
      }
    }
  }
}

contract RevertingReceiver is IAny2EVMMessageReceiver {
  error ReceiverError(bytes32 messageId);

  function ccipReceive(Client.Any2EVMMessage calldata message) external pure {
    revert ReceiverError(message.messageId);
  }
}

/// @notice Returns (or reverts with) `s_size` bytes: the Router must copy at most 132 of them.
contract ReturnBombReceiver {
  uint256 public s_size = 1_000_000;
  bool public s_revert;

  function setup(uint256 size, bool shouldRevert) external {
    s_size = size;
    s_revert = shouldRevert;
  }

  fallback() external {
    uint256 size = s_size;
    bool shouldRevert = s_revert;
    assembly {
      mstore(0, 0xdeadbeef)
      if shouldRevert { revert(0, size) }
      return(0, size)
    }
  }
}

/// @notice Reenters the OnRamp from inside a token pool (used as a malicious pool).
contract ReentrantPoolTestDouble {
  address public s_target;
  bytes public s_payload;

  function setReentry(address target, bytes calldata payload) external {
    s_target = target;
    s_payload = payload;
  }

  function supportsInterface(bytes4) external pure returns (bool) {
    return true;
  }

  function isSupportedChain(uint64) external pure returns (bool) {
    return true;
  }

  function lockOrBurn(Pool.LockOrBurnInV1 calldata) external returns (Pool.LockOrBurnOutV1 memory) {
    (bool ok, bytes memory ret) = s_target.call(s_payload);
    if (!ok) {
      assembly {
        revert(add(ret, 32), mload(ret))
      }
    }
    return Pool.LockOrBurnOutV1({destTokenAddress: abi.encode(address(0x1234)), destPoolData: ""});
  }
}
