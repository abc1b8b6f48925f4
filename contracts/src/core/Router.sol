// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IAny2EVMMessageReceiver} from "../interfaces/IAny2EVMMessageReceiver.sol";
import {IEVM2AnyOnRampClient} from "../interfaces/IEVM2AnyOnRampClient.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {IRouter} from "../interfaces/IRouter.sol";
import {IRouterClient} from "../interfaces/IRouterClient.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {IWrappedNative} from "../interfaces/IWrappedNative.sol";
import {CallWithExactGas} from "../libraries/CallWithExactGas.sol";
import {Client} from "../libraries/Client.sol";
import {Internal} from "../libraries/Internal.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice The single entry point of applications: sends through the lane's OnRamp and delivers from
/// registered OffRamps to receivers. Holds no funds between transactions.
contract Router is IRouter, IRouterClient, ITypeAndVersion, Ownable2Step {
  using SafeERC20 for IERC20;
  using EnumerableSet for EnumerableSet.UintSet;

  error FailedToSendValue();
  error InvalidRecipientAddress(address to);
  error OffRampMismatch(uint64 chainSelector, address offRamp);
  error BadARMSignal();
  error UnsupportedToken(address token);
  error ZeroAddressNotAllowed();

  event OnRampSet(uint64 indexed destChainSelector, address onRamp);
  event OffRampAdded(uint64 indexed sourceChainSelector, address offRamp);
  event OffRampRemoved(uint64 indexed sourceChainSelector, address offRamp);
  event MessageExecuted(bytes32 messageId, uint64 sourceChainSelector, address offRamp, bytes32 calldataHash);
  event WrappedNativeSet(address wrappedNative);

  struct OnRamp {
    uint64 destChainSelector;
    address onRamp;
  }

  struct OffRamp {
    uint64 sourceChainSelector;
    address offRamp;
  }

  string public constant override typeAndVersion = "Router 1.2.0";

  /// @dev The RMN (named "arm proxy" in the v1.2 ABI) is fixed for the Router's lifetime.
  address private immutable i_armProxy;
  address private s_wrappedNative;
  mapping(uint64 destChainSelector => address onRamp) private s_onRamps;
  /// @dev (sourceChainSelector << 160 | offRamp): one set membership check per routed message.
  EnumerableSet.UintSet private s_chainSelectorAndOffRamps;

  constructor(address wrappedNative, address armProxy) Ownable2Step(msg.sender) {
    if (armProxy == address(0)) revert ZeroAddressNotAllowed();
    i_armProxy = armProxy;
    s_wrappedNative = wrappedNative;
    emit WrappedNativeSet(wrappedNative);
  }

  // ================================================================
  // │                         Sending                              │
  // ================================================================

  /// @inheritdoc IRouterClient
  function isChainSupported(uint64 destChainSelector) external view returns (bool) {
    return s_onRamps[destChainSelector] != address(0);
  }

  /// @inheritdoc IRouterClient
  /// @dev feeToken 0 is priced in the wrapped native token, which is what the OnRamp receives.
  function getFee(uint64 destinationChainSelector, Client.EVM2AnyMessage memory message)
    external
    view
    returns (uint256 fee)
  {
    if (message.feeToken == address(0)) message.feeToken = s_wrappedNative;
    address onRamp = s_onRamps[destinationChainSelector];
    if (onRamp == address(0)) revert UnsupportedDestinationChain(destinationChainSelector);
    return IEVM2AnyOnRampClient(onRamp).getFee(destinationChainSelector, message);
  }

  /// @inheritdoc IRouterClient
  /// @dev One OnRamp call validates, prices and emits the message (no separate getFee). Native fees go to the OnRamp
  /// with the call and are held there as native until withdrawn (wrapped) to the fee aggregator; other fee tokens
  /// are pulled, exactly the fee, straight into the OnRamp once it has priced the message. The OnRamp's curse check
  /// includes the global curse, which it reports as BadARMSignal for this path.
  function ccipSend(uint64 destinationChainSelector, Client.EVM2AnyMessage calldata message)
    external
    payable
    returns (bytes32 messageId)
  {
    address onRamp = s_onRamps[destinationChainSelector];
    if (onRamp == address(0)) revert UnsupportedDestinationChain(destinationChainSelector);
    address feeToken = message.feeToken;
    if (feeToken != address(0) && msg.value != 0) revert InvalidMsgValue();

    if (message.tokenAmounts.length != 0) {
      _pullTokens(IEVM2AnyOnRampClient(onRamp), destinationChainSelector, message.tokenAmounts);
    }

    if (feeToken == address(0)) {
      // All of msg.value is kept (no refund of overpayment, as CCIP v1.6); the OnRamp checks it covers the fee.
      (messageId,) = IEVM2AnyOnRampClient(onRamp).forwardFromRouterQuoted{value: msg.value}(
        destinationChainSelector, message, s_wrappedNative, msg.sender
      );
      return messageId;
    }

    uint256 feeTokenAmount;
    (messageId, feeTokenAmount) =
      IEVM2AnyOnRampClient(onRamp).forwardFromRouterQuoted(destinationChainSelector, message, address(0), msg.sender);
    // Pulled straight into the OnRamp: the Router never holds fees. A failed pull reverts the whole send.
    IERC20(feeToken).safeTransferFrom(msg.sender, onRamp, feeTokenAmount);
    return messageId;
  }

  /// @dev Moves each token from the sender straight into its pool; the OnRamp then asks the pool to lock or burn.
  function _pullTokens(
    IEVM2AnyOnRampClient onRamp,
    uint64 destChainSelector,
    Client.EVMTokenAmount[] calldata tokenAmounts
  ) internal {
    for (uint256 i = 0; i < tokenAmounts.length; ++i) {
      address token = tokenAmounts[i].token;
      address pool = address(onRamp.getPoolBySourceToken(destChainSelector, IERC20(token)));
      if (pool == address(0)) revert UnsupportedToken(token);
      IERC20(token).safeTransferFrom(msg.sender, pool, tokenAmounts[i].amount);
    }
  }

  // ================================================================
  // │                        Receiving                             │
  // ================================================================

  /// @inheritdoc IRouter
  /// @dev The receiver gets exactly `gasLimit` gas or the whole call reverts (NotEnoughGasForCall), so an
  /// executor cannot make a message fail by under-funding the call.
  function routeMessage(
    Client.Any2EVMMessage calldata message,
    uint16 gasForCallExactCheck,
    uint256 gasLimit,
    address receiver
  ) external returns (bool success, bytes memory retData, uint256 gasUsed) {
    if (IRMNRemote(i_armProxy).isCursed()) revert BadARMSignal();
    if (!s_chainSelectorAndOffRamps.contains(_mergeChainSelectorAndOffRamp(message.sourceChainSelector, msg.sender))) {
      revert OnlyOffRamp();
    }

    // ccipReceive(message). When the message is the last argument's tail as the ABI encoder places it (our and
    // upstream OffRamps), those bytes are copied as they are: with an encoder's input they are exactly what
    // abi.encodeCall gives, and the receiver decodes from them the values checked above in any case.
    bytes memory data;
    assembly {
      if eq(calldataload(0x04), 0x80) {
        data := mload(0x40)
        let size := sub(calldatasize(), 0x60) // selector + 0x20 + the tuple at 0x84..calldatasize
        mstore(data, size)
        mstore(add(data, 0x20), shl(224, 0x85572ffb)) // IAny2EVMMessageReceiver.ccipReceive.selector
        mstore(add(data, 0x24), 0x20)
        calldatacopy(add(data, 0x44), 0x84, sub(calldatasize(), 0x84))
        mstore(0x40, and(add(add(data, 0x3f), size), not(31)))
      }
    }
    if (data.length == 0) data = abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message));
    (success, retData, gasUsed) = CallWithExactGas._callWithExactGasSafeReturnData(
      data, receiver, gasLimit, gasForCallExactCheck, Internal.MAX_RET_BYTES
    );

    // Only a delivered message is reported: an OffRamp marks a failed delivery FAILURE, and (as with an OffRamp
    // that reverts its whole execution attempt) no MessageExecuted event may outlive it.
    if (success) emit MessageExecuted(message.messageId, message.sourceChainSelector, msg.sender, keccak256(data));
    return (success, retData, gasUsed);
  }

  // ================================================================
  // │                         Config                               │
  // ================================================================

  /// @inheritdoc IRouter
  function getOnRamp(uint64 destChainSelector) external view returns (address) {
    return s_onRamps[destChainSelector];
  }

  /// @inheritdoc IRouter
  function isOffRamp(uint64 sourceChainSelector, address offRamp) external view returns (bool) {
    return s_chainSelectorAndOffRamps.contains(_mergeChainSelectorAndOffRamp(sourceChainSelector, offRamp));
  }

  function getOffRamps() external view returns (OffRamp[] memory offRamps) {
    uint256[] memory encoded = s_chainSelectorAndOffRamps.values();
    offRamps = new OffRamp[](encoded.length);
    for (uint256 i = 0; i < encoded.length; ++i) {
      offRamps[i] = OffRamp({sourceChainSelector: uint64(encoded[i] >> 160), offRamp: address(uint160(encoded[i]))});
    }
    return offRamps;
  }

  function getWrappedNative() external view returns (address) {
    return s_wrappedNative;
  }

  function setWrappedNative(address wrappedNative) external onlyOwner {
    s_wrappedNative = wrappedNative;
    emit WrappedNativeSet(wrappedNative);
  }

  /// @notice The RMN contract (the v1.2 ABI name is kept for tools).
  function getArmProxy() external view returns (address) {
    return i_armProxy;
  }

  /// @notice Sets OnRamps (address 0 disables a destination), then removes and adds OffRamps.
  function applyRampUpdates(
    OnRamp[] calldata onRampUpdates,
    OffRamp[] calldata offRampRemoves,
    OffRamp[] calldata offRampAdds
  ) external onlyOwner {
    for (uint256 i = 0; i < onRampUpdates.length; ++i) {
      OnRamp calldata update = onRampUpdates[i];
      s_onRamps[update.destChainSelector] = update.onRamp;
      emit OnRampSet(update.destChainSelector, update.onRamp);
    }

    for (uint256 i = 0; i < offRampRemoves.length; ++i) {
      uint64 sourceChainSelector = offRampRemoves[i].sourceChainSelector;
      address offRampAddress = offRampRemoves[i].offRamp;
      if (!s_chainSelectorAndOffRamps.remove(_mergeChainSelectorAndOffRamp(sourceChainSelector, offRampAddress))) {
        revert OffRampMismatch(sourceChainSelector, offRampAddress);
      }
      emit OffRampRemoved(sourceChainSelector, offRampAddress);
    }

    for (uint256 i = 0; i < offRampAdds.length; ++i) {
      uint64 sourceChainSelector = offRampAdds[i].sourceChainSelector;
      address offRampAddress = offRampAdds[i].offRamp;
      if (s_chainSelectorAndOffRamps.add(_mergeChainSelectorAndOffRamp(sourceChainSelector, offRampAddress))) {
        emit OffRampAdded(sourceChainSelector, offRampAddress);
      }
    }
  }

  /// @notice Recovers tokens or native (token == 0) sent here by mistake; the Router holds nothing otherwise.
  function recoverTokens(address tokenAddress, address to, uint256 amount) external onlyOwner {
    if (to == address(0)) revert InvalidRecipientAddress(to);
    if (tokenAddress == address(0)) {
      (bool success,) = to.call{value: amount}("");
      if (!success) revert FailedToSendValue();
      return;
    }
    IERC20(tokenAddress).safeTransfer(to, amount);
  }

  function _mergeChainSelectorAndOffRamp(uint64 sourceChainSelector, address offRampAddress)
    internal
    pure
    returns (uint256)
  {
    return (uint256(sourceChainSelector) << 160) | uint160(offRampAddress);
  }
}
