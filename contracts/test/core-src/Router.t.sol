// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {Router} from "../../src/core/Router.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {IRouterClient} from "../../src/interfaces/IRouterClient.sol";
import {IAny2EVMMessageReceiver} from "../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {CallWithExactGas} from "../../src/libraries/CallWithExactGas.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Vm} from "forge-std/Vm.sol";
import {
  GasBurningReceiver,
  GasRecordingReceiver,
  MintableERC20,
  ReturnBombReceiver,
  RevertingReceiver
} from "./helpers/TestDoubles.sol";

contract RouterConfigTest is CoreSrcSetup {
  bytes16 internal constant GLOBAL = 0x01000000000000000000000000000001;

  function test_typeAndVersion() public view {
    assertEq(s_router.typeAndVersion(), "Router 1.2.0");
    assertEq(s_router.getArmProxy(), address(s_rmn));
    assertEq(s_router.getWrappedNative(), address(s_weth));
    assertEq(s_router.owner(), OWNER);
  }

  function test_constructor_zeroRmn_reverts() public {
    vm.expectRevert(Router.ZeroAddressNotAllowed.selector);
    new Router(address(s_weth), address(0));
  }

  function test_setWrappedNative() public {
    vm.expectEmit(address(s_router));
    emit Router.WrappedNativeSet(address(0x1234));
    vm.prank(OWNER);
    s_router.setWrappedNative(address(0x1234));
    assertEq(s_router.getWrappedNative(), address(0x1234));
  }

  function test_setWrappedNative_notOwner_reverts() public {
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_router.setWrappedNative(address(0x1234));
  }

  function test_applyRampUpdates() public {
    Router.OnRamp[] memory onRamps = new Router.OnRamp[](1);
    onRamps[0] = Router.OnRamp({destChainSelector: OTHER_CHAIN, onRamp: address(0x0111)});
    Router.OffRamp[] memory adds = new Router.OffRamp[](3);
    adds[0] = Router.OffRamp({sourceChainSelector: DEST_CHAIN, offRamp: address(0x0222)});
    adds[1] = Router.OffRamp({sourceChainSelector: OTHER_CHAIN, offRamp: address(0x0222)});
    adds[2] = Router.OffRamp({sourceChainSelector: OTHER_CHAIN, offRamp: address(0x0333)});

    vm.expectEmit(address(s_router));
    emit Router.OnRampSet(OTHER_CHAIN, address(0x0111));
    vm.expectEmit(address(s_router));
    emit Router.OffRampAdded(DEST_CHAIN, address(0x0222));
    vm.prank(OWNER);
    s_router.applyRampUpdates(onRamps, new Router.OffRamp[](0), adds);

    assertEq(s_router.getOnRamp(OTHER_CHAIN), address(0x0111));
    assertTrue(s_router.isChainSupported(OTHER_CHAIN));
    assertTrue(s_router.isOffRamp(DEST_CHAIN, address(0x0222)));
    assertTrue(s_router.isOffRamp(OTHER_CHAIN, address(0x0333)));
    assertFalse(s_router.isOffRamp(DEST_CHAIN, address(0x0333)));
    Router.OffRamp[] memory offRamps = s_router.getOffRamps();
    assertEq(offRamps.length, 3);
    assertEq(offRamps[1].sourceChainSelector, OTHER_CHAIN);
    assertEq(offRamps[1].offRamp, address(0x0222));

    // Re-adding is a no-op; removing works; removing twice reverts.
    Router.OffRamp[] memory removes = new Router.OffRamp[](1);
    removes[0] = adds[0];
    vm.expectEmit(address(s_router));
    emit Router.OffRampRemoved(DEST_CHAIN, address(0x0222));
    vm.prank(OWNER);
    s_router.applyRampUpdates(new Router.OnRamp[](0), removes, adds);
    assertEq(s_router.getOffRamps().length, 3);
    vm.prank(OWNER);
    s_router.applyRampUpdates(new Router.OnRamp[](0), removes, new Router.OffRamp[](0));
    assertFalse(s_router.isOffRamp(DEST_CHAIN, address(0x0222)));

    vm.expectRevert(abi.encodeWithSelector(Router.OffRampMismatch.selector, DEST_CHAIN, address(0x0222)));
    vm.prank(OWNER);
    s_router.applyRampUpdates(new Router.OnRamp[](0), removes, new Router.OffRamp[](0));

    // OnRamp 0 disables the destination.
    onRamps[0].onRamp = address(0);
    vm.prank(OWNER);
    s_router.applyRampUpdates(onRamps, new Router.OffRamp[](0), new Router.OffRamp[](0));
    assertFalse(s_router.isChainSupported(OTHER_CHAIN));
  }

  function test_applyRampUpdates_notOwner_reverts() public {
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_router.applyRampUpdates(new Router.OnRamp[](0), new Router.OffRamp[](0), new Router.OffRamp[](0));
  }

  function test_recoverTokens() public {
    s_token.mint(address(s_router), 5e18);
    vm.deal(address(s_router), 3 ether);
    vm.startPrank(OWNER);
    s_router.recoverTokens(address(s_token), USER, 5e18);
    s_router.recoverTokens(address(0), address(0x9999), 3 ether);
    vm.stopPrank();
    assertEq(s_token.balanceOf(USER), 1_005e18);
    assertEq(s_token.balanceOf(address(s_router)), 0);
    assertEq(address(0x9999).balance, 3 ether);
  }

  function test_recoverTokens_reverts() public {
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_router.recoverTokens(address(0), USER, 1);

    vm.startPrank(OWNER);
    vm.expectRevert(abi.encodeWithSelector(Router.InvalidRecipientAddress.selector, address(0)));
    s_router.recoverTokens(address(0), address(0), 1);
    vm.deal(address(s_router), 1 ether);
    // s_weth-less contract without receive: the native send fails.
    vm.expectRevert(Router.FailedToSendValue.selector);
    s_router.recoverTokens(address(0), address(s_link), 1 ether);
    vm.stopPrank();
  }
}

contract RouterSendTest is CoreSrcSetup {
  bytes16 internal constant GLOBAL = 0x01000000000000000000000000000001;

  function test_getFee_nativeIsPricedInWrappedNative() public view {
    uint256 nativeFee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    uint256 wethFee = s_router.getFee(DEST_CHAIN, _message(address(s_weth)));
    assertEq(nativeFee, wethFee);
    // $0.50 network fee at 1x + 500k gas at 1 gwei = 5e-4 ETH = $1, x0.5 = $0.50 => $1 / $2000 = 5e14 wei.
    assertEq(nativeFee, 5e14);
  }

  function test_getFee_unsupportedChain_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(IRouterClient.UnsupportedDestinationChain.selector, OTHER_CHAIN));
    s_router.getFee(OTHER_CHAIN, _message(address(0)));
  }

  function test_ccipSend_native() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    uint256 paid = fee + 123; // overpayment is kept, not refunded
    vm.prank(USER);
    bytes32 messageId = s_router.ccipSend{value: paid}(DEST_CHAIN, _message(address(0)));
    assertTrue(messageId != bytes32(0));
    assertEq(USER.balance, 100 ether - paid);
    assertEq(s_onRamp.getExpectedNextSequenceNumber(DEST_CHAIN), 2);
    _assertNativeFeesHeldThenWithdrawn(paid);
  }

  function test_ccipSend_native_exactFee() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    _assertNativeFeesHeldThenWithdrawn(fee);
  }

  function test_ccipSend_native_insufficient_reverts() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.expectRevert(IRouterClient.InsufficientFeeTokenAmount.selector);
    vm.prank(USER);
    s_router.ccipSend{value: fee - 1}(DEST_CHAIN, _message(address(0)));
  }

  function test_ccipSend_feeToken() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(s_link)));
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    vm.stopPrank();
    // Exactly the fee is pulled, straight into the OnRamp.
    assertEq(s_link.balanceOf(USER), 1_000e18 - fee);
    assertEq(s_link.balanceOf(address(s_onRamp)), fee);
    assertEq(s_link.balanceOf(address(s_router)), 0);
  }

  function test_ccipSend_native_noValue_reverts() public {
    vm.expectRevert(IRouterClient.InsufficientFeeTokenAmount.selector);
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _message(address(0)));
  }

  /// @dev The fee is pulled after the OnRamp priced the message: too small an allowance reverts the whole send.
  function test_ccipSend_feeToken_allowanceTooSmall_reverts() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(s_link)));
    vm.startPrank(USER);
    s_link.approve(address(s_router), fee - 1);
    vm.expectRevert(
      abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(s_router), fee - 1, fee)
    );
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    vm.stopPrank();
    assertEq(s_onRamp.getExpectedNextSequenceNumber(DEST_CHAIN), 1);
    assertEq(s_link.balanceOf(address(s_onRamp)), 0);
  }

  function testFuzz_ccipSend_feeToken_pullsExactlyTheQuotedFee(uint16 dataLength, uint32 gasLimit, bool outOfOrder)
    public
  {
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.data = new bytes(bound(dataLength, 0, 30_000));
    message.extraArgs = Client._argsToBytes(
      Client.GenericExtraArgsV2({gasLimit: bound(gasLimit, 0, 3_000_000), allowOutOfOrderExecution: outOfOrder})
    );
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    vm.recordLogs();
    bytes32 messageId = s_router.ccipSend(DEST_CHAIN, message);
    vm.stopPrank();
    Vm.Log[] memory logs = vm.getRecordedLogs();
    Internal.EVM2AnyRampMessage memory m;
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == address(s_onRamp)) m = abi.decode(logs[i].data, (Internal.EVM2AnyRampMessage));
    }
    assertEq(m.header.messageId, messageId);
    assertEq(m.feeTokenAmount, fee);
    assertEq(s_link.balanceOf(address(s_onRamp)), fee);
    assertEq(s_link.balanceOf(USER), 1_000e18 - fee);
  }

  function test_ccipSend_globallyCursed_feeToken_reverts() public {
    vm.prank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_rmn.setCursed(GLOBAL, true);
    vm.expectRevert(Router.BadARMSignal.selector);
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
  }

  function test_ccipSend_feeToken_withValue_reverts() public {
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    vm.expectRevert(IRouterClient.InvalidMsgValue.selector);
    s_router.ccipSend{value: 1}(DEST_CHAIN, _message(address(s_link)));
    vm.stopPrank();
  }

  function test_ccipSend_tokens_goStraightToPool() public {
    Client.EVM2AnyMessage memory message = _messageWithToken(address(s_link), 7e18);
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_token.approve(address(s_router), 7e18);
    s_router.ccipSend(DEST_CHAIN, message);
    vm.stopPrank();
    assertEq(s_token.balanceOf(address(s_pool)), 7e18);
    assertEq(s_token.balanceOf(USER), 993e18);
    assertEq(s_token.balanceOf(address(s_router)), 0);
    assertEq(s_pool.s_lockOrBurnCalls(), 1);
  }

  function test_ccipSend_tokens_native() public {
    Client.EVM2AnyMessage memory message = _messageWithToken(address(0), 7e18);
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.startPrank(USER);
    s_token.approve(address(s_router), 7e18);
    s_router.ccipSend{value: fee}(DEST_CHAIN, message);
    vm.stopPrank();
    assertEq(s_token.balanceOf(address(s_pool)), 7e18);
    _assertNativeFeesHeldThenWithdrawn(fee);
  }

  function test_ccipSend_tokenWithoutPool_reverts() public {
    MintableERC20 other = new MintableERC20("OTHER");
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.tokenAmounts = new Client.EVMTokenAmount[](1);
    message.tokenAmounts[0] = Client.EVMTokenAmount({token: address(other), amount: 1});
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.expectRevert(abi.encodeWithSelector(Router.UnsupportedToken.selector, address(other)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, message);
  }

  function test_ccipSend_unsupportedChain_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(IRouterClient.UnsupportedDestinationChain.selector, OTHER_CHAIN));
    vm.prank(USER);
    s_router.ccipSend{value: 1 ether}(OTHER_CHAIN, _message(address(0)));
  }

  function test_ccipSend_globallyCursed_reverts() public {
    s_rmn.setCursed(GLOBAL, true);
    vm.expectRevert(Router.BadARMSignal.selector);
    vm.prank(USER);
    s_router.ccipSend{value: 1 ether}(DEST_CHAIN, _message(address(0)));
  }

  /// @dev A send that reverts half-way (the OnRamp rejects it) leaves the user's ETH and tokens where they were.
  function test_ccipSend_revertKeepsFunds() public {
    Client.EVM2AnyMessage memory message = _messageWithToken(address(s_link), 7e18);
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_token.approve(address(s_router), type(uint256).max);
    vm.stopPrank();
    // The pool no longer serves the lane: it is found at fee time by nobody, so revert at the Router.
    s_pool.setSupportedChain(DEST_CHAIN, false);
    vm.expectRevert(abi.encodeWithSelector(Router.UnsupportedToken.selector, address(s_token)));
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, message);

    // The OnRamp rejects after the Router moved fee and tokens: everything is rolled back.
    s_pool.setSupportedChain(DEST_CHAIN, true);
    s_pool.setOnRamp(address(0xbad));
    vm.expectRevert();
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, message);

    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    s_rmn.setCursed(bytes16(uint128(DEST_CHAIN)), true);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, DEST_CHAIN));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));

    assertEq(USER.balance, 100 ether);
    assertEq(s_link.balanceOf(USER), 1_000e18);
    assertEq(s_token.balanceOf(USER), 1_000e18);
    assertEq(s_weth.balanceOf(address(s_onRamp)), 0);
    assertEq(address(s_onRamp).balance, 0);
    assertEq(s_token.balanceOf(address(s_pool)), 0);
  }

  function testFuzz_ccipSend_native_keepsAllValue(uint96 extra, uint16 dataLength) public {
    // Overpaying is kept, up to the lane's maxFeeJuelsPerMsg (1,000 LINK here, ~10 ETH at the test prices).
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.data = new bytes(bound(dataLength, 0, 30_000));
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    uint256 value = fee + bound(extra, 0, 1 ether);
    vm.prank(USER);
    s_router.ccipSend{value: value}(DEST_CHAIN, message);
    assertEq(USER.balance, 100 ether - value);
    _assertNativeFeesHeldThenWithdrawn(value);
  }
}

contract RouterRouteMessageTest is CoreSrcSetup {
  bytes16 internal constant GLOBAL = 0x01000000000000000000000000000001;
  address internal constant OFF_RAMP = address(0x0ff);

  GasRecordingReceiver internal s_receiver;

  function setUp() public override {
    super.setUp();
    Router.OffRamp[] memory adds = new Router.OffRamp[](1);
    adds[0] = Router.OffRamp({sourceChainSelector: DEST_CHAIN, offRamp: OFF_RAMP});
    vm.prank(OWNER);
    s_router.applyRampUpdates(new Router.OnRamp[](0), new Router.OffRamp[](0), adds);
    s_receiver = new GasRecordingReceiver();
  }

  function _any2Evm() internal pure returns (Client.Any2EVMMessage memory) {
    return Client.Any2EVMMessage({
      messageId: keccak256("id"),
      sourceChainSelector: DEST_CHAIN,
      sender: abi.encode(address(0x5e)),
      data: "hello",
      destTokenAmounts: new Client.EVMTokenAmount[](0)
    });
  }

  function test_libraryErrorSelectors() public pure {
    assertEq(CallWithExactGas.NoContract.selector, bytes4(0x0c3b563c));
    assertEq(CallWithExactGas.NoGasForCallExactCheck.selector, bytes4(0xafa32a2c));
    assertEq(CallWithExactGas.NotEnoughGasForCall.selector, bytes4(0x37c3be29));
  }

  function test_routeMessage_success() public {
    Client.Any2EVMMessage memory message = _any2Evm();
    bytes32 calldataHash = keccak256(abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message)));
    vm.expectEmit(address(s_router));
    emit Router.MessageExecuted(message.messageId, DEST_CHAIN, OFF_RAMP, calldataHash);
    vm.prank(OFF_RAMP);
    (bool success, bytes memory retData, uint256 gasUsed) =
      s_router.routeMessage(message, Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver));
    assertTrue(success);
    assertEq(retData.length, 0);
    assertGt(gasUsed, 20_000); // one cold SSTORE at least
    assertLt(gasUsed, 100_000);
    assertEq(s_receiver.s_lastMessageId(), message.messageId);
  }

  /// @dev The receiver starts with gasLimit minus only the CALL's own dispatch overhead: never more, never much less.
  function testFuzz_routeMessage_exactGas(uint32 gasLimit) public {
    // Enough for the receiver's two cold SSTOREs.
    gasLimit = uint32(bound(gasLimit, 60_000, 5_000_000));
    vm.prank(OFF_RAMP);
    s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, gasLimit, address(s_receiver));
    uint256 atEntry = s_receiver.s_gasAtEntry();
    assertLe(atEntry, gasLimit);
    assertGe(atEntry, gasLimit - 1_000);
  }

  function test_routeMessage_outOfGasReceiver() public {
    GasBurningReceiver burner = new GasBurningReceiver();
    vm.prank(OFF_RAMP);
    (bool success, bytes memory retData, uint256 gasUsed) =
      s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 60_000, address(burner));
    assertFalse(success);
    assertEq(retData.length, 0);
    // All the gas it got, plus the CALL's own cost.
    assertGe(gasUsed, 60_000);
    assertLt(gasUsed, 60_000 + 3_000);
  }

  function test_routeMessage_revertingReceiver() public {
    RevertingReceiver reverter = new RevertingReceiver();
    Client.Any2EVMMessage memory message = _any2Evm();
    vm.prank(OFF_RAMP);
    (bool success, bytes memory retData,) =
      s_router.routeMessage(message, Internal.GAS_FOR_CALL_EXACT_CHECK, 60_000, address(reverter));
    assertFalse(success);
    assertEq(retData, abi.encodeWithSelector(RevertingReceiver.ReceiverError.selector, message.messageId));
  }

  function test_routeMessage_returnBomb_capped() public {
    ReturnBombReceiver bomb = new ReturnBombReceiver();
    bomb.setup(10, false);
    vm.prank(OFF_RAMP);
    uint256 g0 = gasleft();
    s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 2_000_000, address(bomb));
    uint256 smallCost = g0 - gasleft();

    for (uint256 i = 0; i < 2; ++i) {
      bool shouldRevert = i == 1;
      bomb.setup(200_000, shouldRevert);
      vm.prank(OFF_RAMP);
      g0 = gasleft();
      (bool success, bytes memory retData, uint256 gasUsed) =
        s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 2_000_000, address(bomb));
      uint256 bigCost = g0 - gasleft();
      assertEq(success, !shouldRevert);
      assertEq(retData.length, Internal.MAX_RET_BYTES);
      assertEq(uint256(bytes32(retData)), 0xdeadbeef);
      // The caller only pays for what the receiver itself spent building the bomb, not for copying it.
      assertLt(bigCost - gasUsed, smallCost + 5_000);
    }
  }

  function test_routeMessage_notOffRamp_reverts() public {
    vm.expectRevert(IRouter.OnlyOffRamp.selector);
    s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver));

    // Registered, but for another source chain.
    Client.Any2EVMMessage memory message = _any2Evm();
    message.sourceChainSelector = OTHER_CHAIN;
    vm.expectRevert(IRouter.OnlyOffRamp.selector);
    vm.prank(OFF_RAMP);
    s_router.routeMessage(message, Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver));
  }

  function test_routeMessage_cursed_reverts() public {
    s_rmn.setCursed(GLOBAL, true);
    vm.expectRevert(Router.BadARMSignal.selector);
    vm.prank(OFF_RAMP);
    s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver));
  }

  function test_routeMessage_noContract_reverts() public {
    vm.expectRevert(CallWithExactGas.NoContract.selector);
    vm.prank(OFF_RAMP);
    s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(0x4444));
  }

  function test_routeMessage_notEnoughGas_reverts() public {
    vm.expectRevert(CallWithExactGas.NotEnoughGasForCall.selector);
    vm.prank(OFF_RAMP);
    s_router.routeMessage{gas: 150_000}(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 200_000, address(s_receiver));
  }

  function test_routeMessage_noGasForCheck_reverts() public {
    vm.expectRevert(CallWithExactGas.NoGasForCallExactCheck.selector);
    vm.prank(OFF_RAMP);
    s_router.routeMessage{gas: 40_000}(_any2Evm(), 60_000, 1, address(s_receiver));
  }

  function _messageExecutedLogs(Vm.Log[] memory logs) internal view returns (uint256 n, bytes32 calldataHash) {
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter != address(s_router) || logs[i].topics[0] != Router.MessageExecuted.selector) continue;
      ++n;
      (,,, calldataHash) = abi.decode(logs[i].data, (bytes32, uint64, address, bytes32));
    }
  }

  /// @dev A failed delivery leaves no MessageExecuted behind (the OffRamp marks it FAILURE without reverting us).
  function test_routeMessage_failedDelivery_noMessageExecuted() public {
    RevertingReceiver reverter = new RevertingReceiver();
    vm.recordLogs();
    vm.prank(OFF_RAMP);
    (bool success,,) = s_router.routeMessage(_any2Evm(), Internal.GAS_FOR_CALL_EXACT_CHECK, 60_000, address(reverter));
    assertFalse(success);
    (uint256 n,) = _messageExecutedLogs(vm.getRecordedLogs());
    assertEq(n, 0);
  }

  /// @dev The receiver's calldata (copied from ours) is exactly abi.encodeCall(ccipReceive, (message)).
  function testFuzz_routeMessage_calldataIsTheCanonicalEncoding(bytes memory sender, bytes memory data, uint8 numTokens)
    public
  {
    Client.Any2EVMMessage memory message = _any2Evm();
    message.sender = sender;
    message.data = data;
    message.destTokenAmounts = new Client.EVMTokenAmount[](numTokens % 4);
    for (uint256 i = 0; i < message.destTokenAmounts.length; ++i) {
      message.destTokenAmounts[i] = Client.EVMTokenAmount({token: address(uint160(0x1000 + i)), amount: i * 1e18 + 1});
    }
    vm.recordLogs();
    vm.prank(OFF_RAMP);
    (bool success,,) = s_router.routeMessage(message, Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver));
    assertTrue(success);
    (uint256 n, bytes32 calldataHash) = _messageExecutedLogs(vm.getRecordedLogs());
    assertEq(n, 1);
    assertEq(calldataHash, keccak256(abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message))));
    assertEq(s_receiver.s_lastMessageId(), message.messageId);
  }

  /// @dev A caller that places the message elsewhere than the encoder does still gets it re-encoded canonically.
  function test_routeMessage_nonCanonicalHead_reencoded() public {
    Client.Any2EVMMessage memory message = _any2Evm();
    bytes memory canonical = abi.encodeCall(
      IRouter.routeMessage, (message, Internal.GAS_FOR_CALL_EXACT_CHECK, 100_000, address(s_receiver))
    );
    // Same arguments with one spare word before the message tuple: offset 0xa0 instead of 0x80.
    bytes memory head = new bytes(4 + 0x80);
    for (uint256 i = 0; i < head.length; ++i) {
      head[i] = canonical[i];
    }
    assembly {
      mstore(add(head, 0x24), 0xa0)
    }
    bytes memory tuple = new bytes(canonical.length - head.length);
    for (uint256 i = 0; i < tuple.length; ++i) {
      tuple[i] = canonical[head.length + i];
    }
    vm.recordLogs();
    vm.prank(OFF_RAMP);
    (bool ok, bytes memory ret) = address(s_router).call(abi.encodePacked(head, bytes32(0), tuple));
    assertTrue(ok);
    (bool success,,) = abi.decode(ret, (bool, bytes, uint256));
    assertTrue(success);
    (uint256 n, bytes32 calldataHash) = _messageExecutedLogs(vm.getRecordedLogs());
    assertEq(n, 1);
    assertEq(calldataHash, keccak256(abi.encodeCall(IAny2EVMMessageReceiver.ccipReceive, (message))));
    assertEq(s_receiver.s_lastMessageId(), message.messageId);
  }
}
