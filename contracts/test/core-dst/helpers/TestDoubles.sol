// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAny2EVMMessageReceiver} from "../../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {IMessageInterceptor} from "../../../src/interfaces/IMessageInterceptor.sol";
import {INonceManager} from "../../../src/interfaces/INonceManager.sol";
import {IRouter} from "../../../src/interfaces/IRouter.sol";
import {Client} from "../../../src/libraries/Client.sol";
import {Internal} from "../../../src/libraries/Internal.sol";
import {Pool} from "../../../src/libraries/Pool.sol";

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

// Minimal stand-ins for contracts other helpers write. They do the real work the OffRamp depends on
// (exact-gas receiver calls, nonce ordering, token minting) so the OffRamp's behaviour
// and gas are measured against something realistic. They will be replaced by the real contracts in integration.

/// @notice Router double: only registered offRamps may route; calls the receiver with exactly gasLimit gas.
contract RouterTestDouble is IRouter {
  error NotEnoughGasForCall();

  mapping(address => bool) public s_offRamps;

  function setOffRamp(address offRamp, bool allowed) external {
    s_offRamps[offRamp] = allowed;
  }

  function routeMessage(
    Client.Any2EVMMessage calldata message,
    uint16 gasForCallExactCheck,
    uint256 gasLimit,
    address receiver
  ) external returns (bool success, bytes memory retData, uint256 gasUsed) {
    if (!s_offRamps[msg.sender]) revert OnlyOffRamp();
    bytes memory payload = abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message));
    retData = new bytes(Internal.MAX_RET_BYTES);
    uint16 maxRet = Internal.MAX_RET_BYTES;
    bytes4 notEnoughGas = NotEnoughGasForCall.selector;
    assembly {
      let g := gas()
      if lt(g, gasForCallExactCheck) {
        mstore(0x0, notEnoughGas)
        revert(0x0, 0x4)
      }
      g := sub(g, gasForCallExactCheck)
      if iszero(gt(sub(g, div(g, 64)), gasLimit)) {
        mstore(0x0, notEnoughGas)
        revert(0x0, 0x4)
      }
      gasUsed := gas()
      success := call(gasLimit, receiver, 0, add(payload, 0x20), mload(payload), 0x0, 0x0)
      gasUsed := sub(gasUsed, gas())
      let toCopy := returndatasize()
      if gt(toCopy, maxRet) { toCopy := maxRet }
      mstore(retData, toCopy)
      returndatacopy(add(retData, 0x20), 0x0, toCopy)
    }
  }

  function getOnRamp(uint64) external pure returns (address) {
    return address(0);
  }

  function isOffRamp(uint64, address offRamp) external view returns (bool) {
    return s_offRamps[offRamp];
  }
}

/// @notice NonceManager double: ordered inbound nonces per (source, sender).
contract NonceManagerTestDouble is INonceManager {
  event SkippedIncorrectNonce(uint64 sourceChainSelector, uint64 nonce, bytes sender);

  mapping(uint64 => mapping(bytes => uint64)) public s_inbound;

  function incrementInboundNonce(uint64 sourceChainSelector, uint64 expectedNonce, bytes calldata sender)
    external
    returns (bool)
  {
    uint64 next = s_inbound[sourceChainSelector][sender] + 1;
    if (next != expectedNonce) {
      emit SkippedIncorrectNonce(sourceChainSelector, expectedNonce, sender);
      return false;
    }
    s_inbound[sourceChainSelector][sender] = next;
    return true;
  }

  function getIncrementedOutboundNonce(uint64, address) external pure returns (uint64) {
    return 0;
  }

  function getInboundNonce(uint64 sourceChainSelector, bytes calldata sender) external view returns (uint64) {
    return s_inbound[sourceChainSelector][sender];
  }

  function getOutboundNonce(uint64, address) external pure returns (uint64) {
    return 0;
  }
}

/// @notice FeeQuoter double: records price updates.
contract FeeQuoterTestDouble {
  event PricesUpdated(uint256 numTokenPrices, uint256 numGasPrices);

  uint256 public s_updates;
  mapping(uint64 => uint224) public s_gasPrice;

  function updatePrices(Internal.PriceUpdates calldata priceUpdates) external {
    ++s_updates;
    for (uint256 i = 0; i < priceUpdates.gasPriceUpdates.length; ++i) {
      s_gasPrice[priceUpdates.gasPriceUpdates[i].destChainSelector] = priceUpdates.gasPriceUpdates[i].usdPerUnitGas;
    }
    emit PricesUpdated(priceUpdates.tokenPriceUpdates.length, priceUpdates.gasPriceUpdates.length);
  }
}

contract TokenAdminRegistryTestDouble {
  mapping(address => address) public s_pools;

  function setPool(address token, address pool) external {
    s_pools[token] = pool;
  }

  function getPool(address token) external view returns (address) {
    return s_pools[token];
  }
}

contract BurnMintERC20TestDouble is ERC20 {
  constructor() ERC20("Test", "TST") {}

  function mint(address to, uint256 amount) external {
    _mint(to, amount);
  }
}

/// @notice Mint-on-release pool double with misbehaviour switches.
contract TokenPoolTestDouble is IERC165 {
  enum Mode {
    NORMAL,
    LIE, // reports one more than it minted
    REVERT,
    BAD_RETURN_LENGTH,
    BURN_GAS
  }

  error PoolFailure();

  BurnMintERC20TestDouble public immutable i_token;
  Mode public s_mode;
  uint256 public s_calls;
  bytes public s_lastOriginalSender;
  bytes public s_lastSourcePoolAddress;
  bytes public s_lastSourcePoolData;
  bytes public s_lastOffchainTokenData;
  uint64 public s_lastRemoteChainSelector;

  constructor(BurnMintERC20TestDouble token) {
    i_token = token;
  }

  function setMode(Mode mode) external {
    s_mode = mode;
  }

  function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
    return interfaceId == Pool.CCIP_POOL_V1 || interfaceId == type(IERC165).interfaceId;
  }

  function releaseOrMint(Pool.ReleaseOrMintInV1 calldata input) external returns (Pool.ReleaseOrMintOutV1 memory) {
    Mode mode = s_mode;
    if (mode == Mode.REVERT) revert PoolFailure();
    if (mode == Mode.BURN_GAS) {
      while (true) {}
    }
    ++s_calls;
    s_lastOriginalSender = input.originalSender;
    s_lastSourcePoolAddress = input.sourcePoolAddress;
    s_lastSourcePoolData = input.sourcePoolData;
    s_lastOffchainTokenData = input.offchainTokenData;
    s_lastRemoteChainSelector = input.remoteChainSelector;
    i_token.mint(input.receiver, input.sourceDenominatedAmount);
    if (mode == Mode.BAD_RETURN_LENGTH) {
      assembly {
        mstore(0, 1)
        return(0, 64)
      }
    }
    uint256 reported = mode == Mode.LIE ? input.sourceDenominatedAmount + 1 : input.sourceDenominatedAmount;
    return Pool.ReleaseOrMintOutV1({destinationAmount: reported});
  }
}

/// @notice A CCIP receiver (ERC-165) that records what it got and can be told to revert.
contract ReceiverTestDouble is IAny2EVMMessageReceiver, IERC165 {
  error ReceiverRevert(bytes32 messageId);

  address public immutable i_router;
  bool public s_revert;
  uint256 public s_calls;
  bytes32 public s_lastMessageId;
  bytes public s_lastData;
  bytes public s_lastSender;
  Client.EVMTokenAmount[] internal s_lastTokens;

  constructor(address router) {
    i_router = router;
  }

  function setRevert(bool r) external {
    s_revert = r;
  }

  function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
    return interfaceId == type(IAny2EVMMessageReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
  }

  function ccipReceive(Client.Any2EVMMessage calldata message) external virtual {
    require(msg.sender == i_router, "only router");
    if (s_revert) revert ReceiverRevert(message.messageId);
    ++s_calls;
    s_lastMessageId = message.messageId;
    s_lastData = message.data;
    s_lastSender = message.sender;
    delete s_lastTokens;
    for (uint256 i = 0; i < message.destTokenAmounts.length; ++i) {
      s_lastTokens.push(message.destTokenAmounts[i]);
    }
  }

  function lastTokens() external view returns (Client.EVMTokenAmount[] memory) {
    return s_lastTokens;
  }
}

/// @notice The cheapest realistic receiver: writes one storage slot.
contract GasReceiverTestDouble is IAny2EVMMessageReceiver, IERC165 {
  uint256 public s_value;

  function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
    return interfaceId == type(IAny2EVMMessageReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
  }

  function ccipReceive(Client.Any2EVMMessage calldata message) external {
    s_value = uint256(message.messageId);
  }
}

/// @notice Has ccipReceive but no ERC-165: must never be called.
contract NoERC165ReceiverTestDouble {
  uint256 public s_calls;

  function ccipReceive(Client.Any2EVMMessage calldata) external {
    ++s_calls;
  }
}

/// @notice Claims every interface (including 0xffffffff): not an ERC-165 contract, must not be called.
contract YesToEverythingReceiverTestDouble {
  uint256 public s_calls;

  function supportsInterface(bytes4) external pure returns (bool) {
    return true;
  }

  function ccipReceive(Client.Any2EVMMessage calldata) external {
    ++s_calls;
  }
}

contract MessageInterceptorTestDouble is IMessageInterceptor {
  error Rejected(bytes32 messageId);

  bool public s_reject;

  function setReject(bool r) external {
    s_reject = r;
  }

  function onInboundMessage(Client.Any2EVMMessage memory message) external view {
    if (s_reject) revert Rejected(message.messageId);
  }

  function onOutboundMessage(uint64, Client.EVM2AnyMessage memory) external pure {}
}
