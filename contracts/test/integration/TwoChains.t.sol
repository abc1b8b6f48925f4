// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ConfigurableReceiver} from "../../src/applications/ConfigurableReceiver.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {RMNRemote} from "../../src/rmn/RMNRemote.sol";
import {MessageReceiver} from "../../src/applications/MessageReceiver.sol";
import {NonceManager} from "../../src/core/NonceManager.sol";
import {OffRamp} from "../../src/core/OffRamp.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {Router} from "../../src/core/Router.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {IRouterClient} from "../../src/interfaces/IRouterClient.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {BurnMintERC20} from "../../src/tokens/BurnMintERC20.sol";
import {RevertBombReceiver} from "./helpers/RevertBombReceiver.sol";
import {TwoChainSetup} from "./helpers/TwoChainSetup.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice End-to-end flows between two complete chains in one EVM: real Router, OnRamp, FeeQuoter, NonceManager,
/// OffRamp (OCR3 commit + execute), RMNRemote, TokenAdminRegistry, pools, tokens and receivers. No test doubles.
contract TwoChainsTest is TwoChainSetup {
  address internal s_user;
  address internal s_user2;
  address internal s_eoa;
  address internal s_stranger;

  CCIPChain internal a;
  CCIPChain internal b;

  function setUp() public {
    _deployTwoChains();
    a = s_chains[CHAIN_A];
    b = s_chains[CHAIN_B];
    s_user = makeAddr("user");
    s_user2 = makeAddr("user2");
    s_eoa = makeAddr("eoa");
    s_stranger = makeAddr("stranger");
    for (uint256 i = 0; i < 2; ++i) {
      CCIPChain storage c = i == 0 ? a : b;
      _fund(c.bmToken, s_user, 10_000e18);
      _fund(c.lrToken, s_user, 10_000e18);
      _fund(c.dToken, s_user, 10_000 * 10 ** c.dToken.decimals());
    }
  }

  /// @dev ConfigurableReceiver records the whole message in storage (~12 cold slots with two tokens).
  uint256 internal constant CFG_RECEIVER_GAS = 500_000;

  function _subject(uint64 sel) internal pure returns (bytes16) {
    return bytes16(uint128(sel));
  }

  // ================================================================
  // │                          Messages                            │
  // ================================================================

  function test_Message_AtoB_NativeFee() public {
    bytes memory data = "hello B";
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_B, address(b.receiver), data, _noTokens(), address(0), "");

    assertEq(m.header.sourceChainSelector, CHAIN_A);
    assertEq(m.header.destChainSelector, CHAIN_B);
    assertEq(m.header.sequenceNumber, 1);
    assertEq(m.header.nonce, 1, "empty extraArgs = ordered");
    assertEq(m.sender, s_user);
    // Native fees are reported as the wrapped native token; the OnRamp keeps all of msg.value and wraps it when
    // the fees are withdrawn to the fee aggregator.
    assertEq(m.feeToken, address(a.weth));
    assertGt(m.feeTokenAmount, 0);
    assertEq(address(a.onRamp).balance, m.feeTokenAmount);
    address[] memory feeTokens = new address[](1);
    feeTokens[0] = address(a.weth);
    a.onRamp.withdrawFeeTokens(feeTokens);
    assertEq(a.weth.balanceOf(s_feeAggregator), m.feeTokenAmount);
    assertEq(address(a.onRamp).balance, 0);
    assertEq(m.feeValueJuels, m.feeTokenAmount * WETH_USD / LINK_USD);
    assertEq(_gasLimitOf(m.extraArgs), DEFAULT_GAS_LIMIT);

    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(
      b.receiver.getLastMessageDigest(),
      b.receiver.messageDigest(m.header.messageId, CHAIN_A, abi.encode(s_user), data),
      "receiver got id, source, sender, data"
    );
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 1);
    assertEq(uint8(_state(CHAIN_B, m)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  function test_Message_BtoA_LinkFee() public {
    bytes memory data = abi.encode("hello A", uint256(42));
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_A, address(a.receiver), data, _noTokens(), address(b.link), _extraArgs(150_000, false));
    assertEq(m.feeToken, address(b.link));
    assertEq(m.feeValueJuels, m.feeTokenAmount, "LINK fee is its own juels value");
    assertEq(b.link.balanceOf(address(b.onRamp)), m.feeTokenAmount);
    assertEq(b.link.balanceOf(s_user), 0, "exactly the fee was pulled");

    // The receiver sees exactly what the MessageReceived event says.
    _commit(CHAIN_A, _single(m));
    vm.expectEmit(address(a.receiver));
    emit MessageReceiver.MessageReceived(m.header.messageId, CHAIN_B, abi.encode(s_user), data, new Client.EVMTokenAmount[](0));
    _execute(CHAIN_A, _single(m), _one(0));
    assertEq(uint8(_state(CHAIN_A, m)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(
      a.receiver.getLastMessageDigest(), a.receiver.messageDigest(m.header.messageId, CHAIN_B, abi.encode(s_user), data)
    );
  }

  function test_Messages_BothWays_SequenceAndNonces() public {
    for (uint256 i = 1; i <= 3; ++i) {
      Internal.EVM2AnyRampMessage memory ab =
        _send(s_user, CHAIN_B, address(b.receiver), abi.encode(i), _noTokens(), address(a.link), "");
      Internal.EVM2AnyRampMessage memory ba =
        _send(s_user, CHAIN_A, address(a.receiver), abi.encode(i), _noTokens(), address(0), "");
      assertEq(ab.header.sequenceNumber, i);
      assertEq(ba.header.sequenceNumber, i);
      assertEq(ab.header.nonce, i);
      assertEq(ba.header.nonce, i);
      assertEq(uint8(_deliver(CHAIN_B, ab).state), uint8(Internal.MessageExecutionState.SUCCESS));
      assertEq(uint8(_deliver(CHAIN_A, ba).state), uint8(Internal.MessageExecutionState.SUCCESS));
    }
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 3);
    assertEq(a.nonceManager.getInboundNonce(CHAIN_B, abi.encode(s_user)), 3);
    assertEq(b.offRamp.getSourceChainConfig(CHAIN_A).minSeqNr, 4);
    assertEq(a.offRamp.getSourceChainConfig(CHAIN_B).minSeqNr, 4);
  }

  /// @dev A commit report's price updates reach the destination FeeQuoter (and change fees there).
  function test_CommitCarriesPriceUpdates() public {
    Client.EVM2AnyMessage memory probe = Client.EVM2AnyMessage({
      receiver: abi.encode(address(a.receiver)),
      data: "",
      tokenAmounts: _noTokens(),
      feeToken: address(b.link),
      extraArgs: ""
    });
    uint256 feeBefore = b.router.getFee(CHAIN_A, probe);

    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_B, address(b.receiver), "x", _noTokens(), address(a.link), "");
    Internal.PriceUpdates memory prices = _noPrices();
    prices.gasPriceUpdates = new Internal.GasPriceUpdate[](1);
    prices.gasPriceUpdates[0] = Internal.GasPriceUpdate({destChainSelector: CHAIN_A, usdPerUnitGas: GAS_USD * 2});
    _submitCommit(CHAIN_B, _commitReport(CHAIN_B, _merkleRootOf(CHAIN_B, _single(m)), prices));

    assertEq(b.feeQuoter.getDestinationChainGasPrice(CHAIN_A).value, GAS_USD * 2);
    assertEq(b.offRamp.getLatestPriceSequenceNumber(), s_chains[CHAIN_B].ocrSeqNr);
    assertGt(b.router.getFee(CHAIN_A, probe), feeBefore);
  }

  // ================================================================
  // │                        Token transfers                       │
  // ================================================================

  function test_TokenOnlyToEOA_BurnMint() public {
    uint256 amount = 123e18;
    uint256 supplyA = a.bmToken.totalSupply();
    uint256 supplyB = b.bmToken.totalSupply();

    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, s_eoa, "", _tokens(address(a.bmToken), amount), address(a.link), _extraArgs(0, false)
    );
    assertEq(a.bmToken.totalSupply(), supplyA - amount, "burned on source");
    assertEq(m.tokenAmounts.length, 1);
    assertEq(m.tokenAmounts[0].sourcePoolAddress, address(a.bmPool));
    assertEq(m.tokenAmounts[0].destTokenAddress, abi.encode(address(b.bmToken)));
    assertEq(m.tokenAmounts[0].extraData, abi.encode(uint256(18)));
    assertEq(m.tokenAmounts[0].destExecData, abi.encode(uint32(90_000)));
    assertEq(m.tokenAmounts[0].amount, amount);

    _commit(CHAIN_B, _single(m));
    vm.recordLogs();
    _execute(CHAIN_B, _single(m), _one(0));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    ExecEvent[] memory evs = _execEvents(logs, address(b.offRamp));
    assertEq(uint8(evs[0].state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(_countLogs(logs, address(b.router), Router.MessageExecuted.selector), 0, "receiver not called");

    assertEq(b.bmToken.balanceOf(s_eoa), amount);
    assertEq(b.bmToken.totalSupply(), supplyB + amount, "minted on destination");
  }

  function test_TokenOnlyToEOA_LockRelease() public {
    uint256 amount = 77e18;
    uint256 poolB = b.lrToken.balanceOf(address(b.lrPool));
    uint256 poolA = a.lrToken.balanceOf(address(a.lrPool));

    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_A, s_eoa, "", _tokens(address(b.lrToken), amount), address(0), _extraArgs(0, true));
    assertEq(b.lrToken.balanceOf(address(b.lrPool)), poolB + amount, "locked on source");
    assertEq(m.header.nonce, 0, "out of order");

    _commit(CHAIN_A, _single(m));
    vm.recordLogs();
    _execute(CHAIN_A, _single(m), _one(0));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(uint8(_execEvents(logs, address(a.offRamp))[0].state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(_countLogs(logs, address(a.router), Router.MessageExecuted.selector), 0, "receiver not called");
    assertEq(a.lrToken.balanceOf(s_eoa), amount);
    assertEq(a.lrToken.balanceOf(address(a.lrPool)), poolA - amount, "released from destination liquidity");
  }

  /// @dev A CCIP receiver contract with empty data and gasLimit 0 gets the tokens but no call.
  function test_TokenOnlyToReceiverContract_NoCall() public {
    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(b.cfgReceiver), "", _tokens(address(a.bmToken), 5e18), address(a.link), _extraArgs(0, false)
    );
    assertEq(uint8(_deliver(CHAIN_B, m).state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.cfgReceiver.getReceivedCount(), 0);
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 5e18);
  }

  function _twoTokens(CCIPChain storage c, uint256 bm, uint256 lr) internal view returns (Client.EVMTokenAmount[] memory t) {
    t = new Client.EVMTokenAmount[](2);
    t[0] = Client.EVMTokenAmount({token: address(c.bmToken), amount: bm});
    t[1] = Client.EVMTokenAmount({token: address(c.lrToken), amount: lr});
  }

  function test_ProgrammableTransfer_TokensAndDataArriveTogether() public {
    bytes memory data = "buy something";
    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(b.cfgReceiver), data, _twoTokens(a, 10e18, 20e18), address(0), _extraArgs(CFG_RECEIVER_GAS, false)
    );
    assertEq(uint8(_deliver(CHAIN_B, m).state), uint8(Internal.MessageExecutionState.SUCCESS));

    assertEq(b.cfgReceiver.getReceivedCount(), 1);
    ConfigurableReceiver.ReceivedMessage memory r = b.cfgReceiver.getReceivedMessage(0);
    assertEq(r.messageId, m.header.messageId);
    assertEq(r.sourceChainSelector, CHAIN_A);
    assertEq(r.sender, abi.encode(s_user));
    assertEq(r.data, data);
    assertEq(r.destTokenAmounts.length, 2);
    assertEq(r.destTokenAmounts[0].token, address(b.bmToken));
    assertEq(r.destTokenAmounts[0].amount, 10e18);
    assertEq(r.destTokenAmounts[1].token, address(b.lrToken));
    assertEq(r.destTokenAmounts[1].amount, 20e18);
    // The tokens were in the receiver's balance when it was called (ConfigurableReceiver counts them too).
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 10e18);
    assertEq(b.lrToken.balanceOf(address(b.cfgReceiver)), 20e18);
    assertEq(b.cfgReceiver.getTokensReceived(address(b.bmToken)), 10e18);
  }

  /// @dev Receiver revert: FAILURE, no token released, source still locked/burned; fix, manual exec, once only.
  function test_ReceiverRevert_Failure_ThenManualExecution() public {
    b.cfgReceiver.setRevert(true);
    uint256 supplyA = a.bmToken.totalSupply();
    uint256 supplyB = b.bmToken.totalSupply();
    uint256 poolA = a.lrToken.balanceOf(address(a.lrPool));
    uint256 poolB = b.lrToken.balanceOf(address(b.lrPool));

    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(b.cfgReceiver), "pay", _twoTokens(a, 10e18, 20e18), address(a.link), _extraArgs(CFG_RECEIVER_GAS, false)
    );
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(
      ev.returnData,
      abi.encodeWithSelector(
        OffRamp.ReceiverError.selector,
        abi.encodeWithSelector(ConfigurableReceiver.ReceiverRejected.selector, m.header.messageId)
      )
    );

    // Atomic: nothing was released on B; A still holds the burn and the lock.
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 0);
    assertEq(b.lrToken.balanceOf(address(b.cfgReceiver)), 0);
    assertEq(b.bmToken.totalSupply(), supplyB);
    assertEq(b.lrToken.balanceOf(address(b.lrPool)), poolB);
    assertEq(a.bmToken.totalSupply(), supplyA - 10e18);
    assertEq(a.lrToken.balanceOf(address(a.lrPool)), poolA + 20e18);
    // A FAILURE consumed the nonce: later messages of the sender are not blocked.
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 1);

    // The DON does not retry.
    vm.recordLogs();
    _execute(CHAIN_B, _single(m), _one(0));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(_countLogs(logs, address(b.offRamp), OffRamp.AlreadyAttempted.selector), 1);
    assertEq(uint8(_state(CHAIN_B, m)), uint8(Internal.MessageExecutionState.FAILURE));

    // Manual execution while the receiver still reverts fails loudly and changes nothing.
    vm.expectRevert(abi.encodeWithSelector(OffRamp.ExecutionError.selector, m.header.messageId, ev.returnData));
    _manuallyExecute(s_stranger, CHAIN_B, _single(m), _one(0));

    b.cfgReceiver.setRevert(false);
    vm.recordLogs();
    _manuallyExecute(s_stranger, CHAIN_B, _single(m), _one(0));
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(b.offRamp));
    assertEq(evs.length, 1);
    assertEq(uint8(evs[0].state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 10e18);
    assertEq(b.lrToken.balanceOf(address(b.cfgReceiver)), 20e18);
    assertEq(b.cfgReceiver.getReceivedCount(), 1);
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 1, "no second nonce increment");

    vm.expectRevert(abi.encodeWithSelector(OffRamp.AlreadyExecuted.selector, CHAIN_A, m.header.sequenceNumber));
    _manuallyExecute(s_stranger, CHAIN_B, _single(m), _one(0));
    // Even after the permissionless threshold.
    vm.warp(block.timestamp + PERMISSIONLESS_THRESHOLD + 1);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.AlreadyExecuted.selector, CHAIN_A, m.header.sequenceNumber));
    _manuallyExecute(s_stranger, CHAIN_B, _single(m), _one(0));
    assertEq(b.cfgReceiver.getReceivedCount(), 1);
  }

  function test_ReceiverOutOfGas_Failure_ThenManualWithHigherGasLimit() public {
    b.cfgReceiver.setGasBurn(400_000);
    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(b.cfgReceiver), "heavy", _tokens(address(a.bmToken), 1e18), address(a.link), _extraArgs(100_000, false)
    );
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    // Out of gas leaves no revert data.
    assertEq(ev.returnData, abi.encodeWithSelector(OffRamp.ReceiverError.selector, bytes("")));
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 0);

    // A manual executor may raise (never lower) the gas limit.
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(CHAIN_B, _single(m), _one(0));
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(reports[0]);
    o[0][0].receiverExecutionGasLimit = 99_999;
    vm.expectRevert(
      abi.encodeWithSelector(OffRamp.InvalidManualExecutionGasLimit.selector, CHAIN_A, m.header.messageId, 99_999)
    );
    b.offRamp.manuallyExecute(reports, o);

    o[0][0].receiverExecutionGasLimit = 400_000 + CFG_RECEIVER_GAS;
    vm.prank(s_stranger);
    b.offRamp.manuallyExecute(reports, o);
    assertEq(uint8(_state(CHAIN_B, m)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.cfgReceiver.getReceivedCount(), 1);
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 1e18);
  }

  /// @dev A receiver returning 50 kB on success is still a SUCCESS (the copy is capped).
  function test_HugeReturnData_OnSuccess_IsSuccess() public {
    b.cfgReceiver.setReturnDataSize(50_000);
    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(b.cfgReceiver), "x", _noTokens(), address(a.link), _extraArgs(500_000, false)
    );
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(ev.returnData.length, 0);
    assertEq(b.cfgReceiver.getReceivedCount(), 1);
  }

  /// @dev A receiver reverting with 100 kB: FAILURE with the revert data cut to 132 bytes.
  function test_HugeRevertData_FailureWithBoundedReturnData() public {
    RevertBombReceiver bomb = new RevertBombReceiver(address(b.router), 100_000);
    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, address(bomb), "x", _tokens(address(a.lrToken), 3e18), address(a.link), _extraArgs(1_000_000, false)
    );
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(bytes4(ev.returnData), OffRamp.ReceiverError.selector);
    bytes memory inner = new bytes(ev.returnData.length - 4);
    for (uint256 i = 0; i < inner.length; ++i) {
      inner[i] = ev.returnData[i + 4];
    }
    bytes memory receiverData = abi.decode(inner, (bytes));
    assertEq(receiverData.length, Internal.MAX_RET_BYTES, "capped to 132 bytes");
    assertLe(ev.returnData.length, 4 + 32 + 32 + 160);
    assertEq(b.lrToken.balanceOf(address(bomb)), 0, "tokens not released");
  }

  function test_LockReleaseWithoutLiquidity_Failure_ThenProvideLiquidityAndManualExec() public {
    uint256 amount = 50e18;
    vm.startPrank(s_tokenOwner);
    b.lrPool.withdrawLiquidity(b.lrToken.balanceOf(address(b.lrPool)));
    vm.stopPrank();

    Internal.EVM2AnyRampMessage memory m = _send(
      s_user, CHAIN_B, s_eoa, "", _tokens(address(a.lrToken), amount), address(a.link), _extraArgs(0, false)
    );
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(bytes4(ev.returnData), OffRamp.TokenHandlingError.selector);
    assertEq(b.lrToken.balanceOf(s_eoa), 0);
    assertEq(a.lrToken.balanceOf(address(a.lrPool)), LIQUIDITY + amount, "still locked on A");

    vm.startPrank(s_tokenOwner);
    b.lrToken.approve(address(b.lrPool), amount);
    b.lrPool.provideLiquidity(amount);
    vm.stopPrank();

    _manuallyExecute(s_stranger, CHAIN_B, _single(m), _one(0));
    assertEq(uint8(_state(CHAIN_B, m)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.lrToken.balanceOf(s_eoa), amount);
    assertEq(b.lrToken.balanceOf(address(b.lrPool)), 0);
  }

  function test_InboundRateLimit_Failure_ThenManualExecAfterRefill() public {
    vm.prank(s_tokenOwner);
    b.bmPool.setChainRateLimiterConfig(
      CHAIN_A,
      RateLimiter.Config({isEnabled: true, capacity: RL_CAPACITY, rate: RL_RATE}),
      RateLimiter.Config({isEnabled: true, capacity: 500e18, rate: 1e18})
    );
    Internal.EVM2AnyRampMessage[] memory msgs = new Internal.EVM2AnyRampMessage[](2);
    msgs[0] = _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.bmToken), 400e18), address(a.link), _extraArgs(0, true));
    msgs[1] = _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.bmToken), 300e18), address(a.link), _extraArgs(0, true));
    _commit(CHAIN_B, msgs);
    vm.recordLogs();
    _execute(CHAIN_B, msgs, _all(2));
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(b.offRamp));
    assertEq(uint8(evs[0].state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(uint8(evs[1].state), uint8(Internal.MessageExecutionState.FAILURE));
    bytes memory limitErr =
      abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, 200, 100e18, address(b.bmToken));
    assertEq(evs[1].returnData, abi.encodeWithSelector(OffRamp.TokenHandlingError.selector, address(b.bmToken), limitErr));
    assertEq(b.bmToken.balanceOf(s_eoa), 400e18);

    // Not refilled yet: the retry fails (and reverts, so nothing changes).
    vm.warp(block.timestamp + 199);
    bytes memory stillLimited = abi.encodeWithSelector(
      OffRamp.TokenHandlingError.selector,
      address(b.bmToken),
      abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, 1, 299e18, address(b.bmToken))
    );
    vm.expectRevert(abi.encodeWithSelector(OffRamp.ExecutionError.selector, msgs[1].header.messageId, stillLimited));
    _manuallyExecute(s_stranger, CHAIN_B, msgs, _one(1));

    vm.warp(block.timestamp + 1);
    _manuallyExecute(s_stranger, CHAIN_B, msgs, _one(1));
    assertEq(uint8(_state(CHAIN_B, msgs[1])), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.bmToken.balanceOf(s_eoa), 700e18);
  }

  function test_Decimals18To6_RoundDown_BothWays() public {
    uint256 amountA = 1_234_567_891_234_567_891; // 1.234567891... with 18 decimals
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.dToken), amountA), address(a.link), _extraArgs(0, true));
    assertEq(m.tokenAmounts[0].extraData, abi.encode(uint256(18)), "source decimals travel with the transfer");
    assertEq(uint8(_deliver(CHAIN_B, m).state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.dToken.balanceOf(s_eoa), 1_234_567, "rounded down to 6 decimals");

    // Less than one unit of the 6-decimal token becomes 0 on B (never rounded up).
    m = _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.dToken), 999_999_999_999), address(a.link), _extraArgs(0, true));
    assertEq(uint8(_deliver(CHAIN_B, m).state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.dToken.balanceOf(s_eoa), 1_234_567);

    // 6 -> 18 scales up exactly.
    address eoaA = makeAddr("eoaA");
    m = _send(s_user, CHAIN_A, eoaA, "", _tokens(address(b.dToken), 1_234_567), address(b.link), _extraArgs(0, true));
    assertEq(m.tokenAmounts[0].extraData, abi.encode(uint256(6)));
    assertEq(uint8(_deliver(CHAIN_A, m).state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(a.dToken.balanceOf(eoaA), 1_234_567e12);
  }

  // ================================================================
  // │                     Batches and ordering                     │
  // ================================================================

  function _batch(uint256 n, uint64 dest) internal {
    CCIPChain storage src = s_chains[_other(dest)];
    CCIPChain storage dst = s_chains[dest];
    Internal.EVM2AnyRampMessage[] memory msgs = new Internal.EVM2AnyRampMessage[](n);
    for (uint256 i = 0; i < n; ++i) {
      // Alternate senders and ordered/unordered messages; a token on every fourth.
      address sender = i % 2 == 0 ? s_user : s_user2;
      Client.EVMTokenAmount[] memory t = _noTokens();
      if (i % 4 == 0) t = _tokens(address(src.bmToken), 1e18);
      msgs[i] = _send(
        sender, dest, address(dst.cfgReceiver), abi.encode(i), t, address(src.link), _extraArgs(CFG_RECEIVER_GAS, i % 3 == 0)
      );
    }
    _commit(dest, msgs);
    vm.recordLogs();
    uint256 gasBefore = gasleft();
    _execute(dest, msgs, _all(n));
    emit log_named_uint("execute gas per message", (gasBefore - gasleft()) / n);
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(dst.offRamp));
    assertEq(evs.length, n);
    for (uint256 i = 0; i < n; ++i) {
      assertEq(uint8(evs[i].state), uint8(Internal.MessageExecutionState.SUCCESS));
      assertEq(evs[i].messageId, msgs[i].header.messageId);
      assertEq(dst.cfgReceiver.getReceivedMessage(i).data, abi.encode(i));
    }
    assertEq(dst.cfgReceiver.getReceivedCount(), n);
    assertEq(dst.bmToken.balanceOf(address(dst.cfgReceiver)), ((n + 3) / 4) * 1e18);
  }

  function test_Batch16_OneReport() public {
    _fund(b.bmToken, s_user2, 100e18);
    _batch(16, CHAIN_A);
  }

  function test_Batch64_OneReport() public {
    _fund(a.bmToken, s_user2, 100e18);
    _batch(64, CHAIN_B);
  }

  function test_OrderedVsOutOfOrder() public {
    Internal.EVM2AnyRampMessage[] memory msgs = new Internal.EVM2AnyRampMessage[](3);
    msgs[0] = _send(s_user, CHAIN_B, address(b.cfgReceiver), "n1", _noTokens(), address(a.link), "");
    msgs[1] = _send(s_user, CHAIN_B, address(b.cfgReceiver), "n2", _noTokens(), address(a.link), "");
    msgs[2] = _send(s_user, CHAIN_B, address(b.cfgReceiver), "ooo", _noTokens(), address(a.link), _extraArgs(200_000, true));
    assertEq(msgs[0].header.nonce, 1);
    assertEq(msgs[1].header.nonce, 2);
    assertEq(msgs[2].header.nonce, 0);
    _commit(CHAIN_B, msgs);

    // Nonce 2 before nonce 1: skipped (stays UNTOUCHED); the out-of-order message runs.
    uint256[] memory idx = new uint256[](2);
    (idx[0], idx[1]) = (1, 2);
    vm.expectEmit(address(b.nonceManager));
    emit NonceManager.SkippedIncorrectNonce(CHAIN_A, 2, abi.encode(s_user));
    _execute(CHAIN_B, msgs, idx);
    assertEq(uint8(_state(CHAIN_B, msgs[1])), uint8(Internal.MessageExecutionState.UNTOUCHED));
    assertEq(uint8(_state(CHAIN_B, msgs[2])), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 0);

    _execute(CHAIN_B, msgs, _one(0));
    _execute(CHAIN_B, msgs, _one(1));
    assertEq(uint8(_state(CHAIN_B, msgs[0])), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(uint8(_state(CHAIN_B, msgs[1])), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.nonceManager.getInboundNonce(CHAIN_A, abi.encode(s_user)), 2);
    assertEq(b.cfgReceiver.getReceivedMessage(0).data, "ooo");
    assertEq(b.cfgReceiver.getReceivedMessage(1).data, "n1");
    assertEq(b.cfgReceiver.getReceivedMessage(2).data, "n2");
  }

  function test_Replay_IsSkipped() public {
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_A, address(a.cfgReceiver), "once", _tokens(address(b.bmToken), 1e18), address(0), _extraArgs(CFG_RECEIVER_GAS, false));
    assertEq(uint8(_deliver(CHAIN_A, m).state), uint8(Internal.MessageExecutionState.SUCCESS));

    // The same report again (and twice in one batch): skipped with an event, nothing delivered twice.
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](2);
    reports[0] = _execReport(CHAIN_A, _single(m), _one(0));
    reports[1] = reports[0];
    vm.recordLogs();
    _executeReports(CHAIN_A, reports);
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(_countLogs(logs, address(a.offRamp), OffRamp.SkippedAlreadyExecutedMessage.selector), 2);
    assertEq(_execEvents(logs, address(a.offRamp)).length, 0);
    assertEq(a.cfgReceiver.getReceivedCount(), 1);
    assertEq(a.bmToken.balanceOf(address(a.cfgReceiver)), 1e18);

    // Re-committing the same root is refused (its interval is in the past).
    Internal.CommitReport memory cr = _commitReport(CHAIN_A, _merkleRootOf(CHAIN_A, _single(m)), _noPrices());
    vm.expectRevert(abi.encodeWithSelector(OffRamp.InvalidInterval.selector, CHAIN_B, 1, 1));
    _submitCommit(CHAIN_A, cr);
  }

  /// @dev Two first-time executions of one message in one batch: the second is a skip.
  function test_DuplicateInOneBatch_ExecutesOnce() public {
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_B, address(b.cfgReceiver), "dup", _tokens(address(a.lrToken), 2e18), address(0), _extraArgs(CFG_RECEIVER_GAS, false));
    _commit(CHAIN_B, _single(m));
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](2);
    reports[0] = _execReport(CHAIN_B, _single(m), _one(0));
    reports[1] = reports[0];
    vm.recordLogs();
    _executeReports(CHAIN_B, reports);
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(_execEvents(logs, address(b.offRamp)).length, 1);
    assertEq(_countLogs(logs, address(b.offRamp), OffRamp.SkippedAlreadyExecutedMessage.selector), 1);
    assertEq(b.cfgReceiver.getReceivedCount(), 1);
    assertEq(b.lrToken.balanceOf(address(b.cfgReceiver)), 2e18);
  }

  function test_ForgedProof_Rejected() public {
    Internal.EVM2AnyRampMessage[] memory msgs = new Internal.EVM2AnyRampMessage[](4);
    for (uint256 i = 0; i < 4; ++i) {
      msgs[i] = _send(s_user, CHAIN_B, address(b.cfgReceiver), abi.encode(i), _tokens(address(a.bmToken), 1e18), address(a.link), _extraArgs(CFG_RECEIVER_GAS, false));
    }
    _commit(CHAIN_B, msgs);
    Internal.EVM2AnyRampMessage memory uncommitted =
      _send(s_user, CHAIN_B, address(b.cfgReceiver), "late", _noTokens(), address(a.link), "");

    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);

    // Forged data.
    reports[0] = _execReport(CHAIN_B, msgs, _one(1));
    reports[0].messages[0].data = "forged";
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    _executeReports(CHAIN_B, reports);

    // Inflated token amount.
    reports[0] = _execReport(CHAIN_B, msgs, _one(1));
    reports[0].messages[0].tokenAmounts[0].amount = 1_000e18;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    _executeReports(CHAIN_B, reports);

    // Redirected receiver.
    reports[0] = _execReport(CHAIN_B, msgs, _one(1));
    reports[0].messages[0].receiver = s_stranger;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    _executeReports(CHAIN_B, reports);

    // Tampered proof element.
    reports[0] = _execReport(CHAIN_B, msgs, _one(1));
    reports[0].proofs[0] = keccak256("garbage");
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    _executeReports(CHAIN_B, reports);

    // Tampered flags.
    reports[0] = _execReport(CHAIN_B, msgs, _one(1));
    reports[0].proofFlagBits ^= 1;
    vm.expectRevert();
    _executeReports(CHAIN_B, reports);

    // A message whose root was never committed (also through manual execution).
    reports[0] = _execReport(CHAIN_B, _single(uncommitted), _one(0));
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    _executeReports(CHAIN_B, reports);
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(reports[0]);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, CHAIN_A));
    b.offRamp.manuallyExecute(reports, o);

    for (uint256 i = 0; i < 4; ++i) {
      assertEq(uint8(_state(CHAIN_B, msgs[i])), uint8(Internal.MessageExecutionState.UNTOUCHED));
    }
    assertEq(b.cfgReceiver.getReceivedCount(), 0);
    assertEq(b.bmToken.balanceOf(address(b.cfgReceiver)), 0);

    // The genuine report still works.
    _execute(CHAIN_B, msgs, _all(4));
    assertEq(b.cfgReceiver.getReceivedCount(), 4);
  }

  /// @dev A root without the RMN blessing is refused on the blessed lane; an under-signed OCR report too.
  function test_UnblessedRootOnBlessedLane_AndBadOcrSignatures_Rejected() public {
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_B, address(b.receiver), "x", _noTokens(), address(a.link), "");
    Internal.MerkleRoot memory root = _merkleRootOf(CHAIN_B, _single(m));
    Internal.CommitReport memory cr = _commitReport(CHAIN_B, root, _noPrices());
    (cr.blessedMerkleRoots, cr.unblessedMerkleRoots) = (cr.unblessedMerkleRoots, cr.blessedMerkleRoots);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootBlessingMismatch.selector, CHAIN_A, root.merkleRoot, false));
    _submitCommit(CHAIN_B, cr);

    // Blessed, but with only fSign RMN signatures.
    cr = _commitReport(CHAIN_B, root, _noPrices());
    cr.rmnSignatures = _truncate(cr.rmnSignatures, RMN_F_SIGN);
    vm.expectRevert(RMNRemote.ThresholdNotMet.selector);
    _submitCommit(CHAIN_B, cr);

    // F signatures only (OCR needs exactly F + 1).
    cr = _commitReport(CHAIN_B, root, _noPrices());
    bytes memory report = abi.encode(cr);
    bytes32[2] memory ctx = [b.commitDigest, bytes32(uint256(99))];
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _ocrSign(CHAIN_B, report, ctx);
    assembly {
      mstore(rs, 1)
      mstore(ss, 1)
    }
    vm.prank(b.transmitter);
    vm.expectRevert(MultiOCR3Base.WrongNumberOfSignatures.selector);
    b.offRamp.commit(ctx, report, rs, ss, rawVs);

    // Correct report commits.
    _submitCommit(CHAIN_B, cr);
    assertGt(b.offRamp.getMerkleRoot(CHAIN_A, root.merkleRoot), 0);
  }

  function _truncate(IRMNRemote.Signature[] memory sigs, uint256 n)
    internal
    pure
    returns (IRMNRemote.Signature[] memory out)
  {
    out = new IRMNRemote.Signature[](n);
    for (uint256 i = 0; i < n; ++i) {
      out[i] = sigs[i];
    }
  }

  // ================================================================
  // │                     Curses and failed sends                  │
  // ================================================================

  function _nativeSendRaw(CCIPChain storage src, uint64 to, address receiver, Client.EVMTokenAmount[] memory t, uint256 value)
    internal
  {
    Client.EVM2AnyMessage memory message = Client.EVM2AnyMessage({
      receiver: abi.encode(receiver),
      data: "",
      tokenAmounts: t,
      feeToken: address(0),
      extraArgs: _extraArgs(0, false)
    });
    vm.prank(s_user);
    src.router.ccipSend{value: value}(to, message);
  }

  function test_Curse_StopsSendsCommitsExecutions_UncurseResumes() public {
    Internal.EVM2AnyRampMessage memory m1 =
      _send(s_user, CHAIN_B, address(b.receiver), "m1", _noTokens(), address(a.link), "");
    _commit(CHAIN_B, _single(m1));
    Internal.EVM2AnyRampMessage memory m2 = _send(
      s_user, CHAIN_B, s_eoa, "", _tokens(address(a.bmToken), 1e18), address(a.link), _extraArgs(0, false)
    );
    Internal.CommitReport memory cr2 = _commitReport(CHAIN_B, _merkleRootOf(CHAIN_B, _single(m2)), _noPrices());

    // B's RMN curses source A: no commits, no executions from A.
    b.rmn.curse(_subject(CHAIN_A));
    vm.expectRevert(abi.encodeWithSelector(OffRamp.CursedByRMN.selector, CHAIN_A));
    _submitCommit(CHAIN_B, cr2);

    vm.recordLogs();
    _execute(CHAIN_B, _single(m1), _one(0));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(_countLogs(logs, address(b.offRamp), OffRamp.SkippedReportExecution.selector), 1);
    assertEq(_execEvents(logs, address(b.offRamp)).length, 0);
    assertEq(uint8(_state(CHAIN_B, m1)), uint8(Internal.MessageExecutionState.UNTOUCHED));

    vm.warp(block.timestamp + PERMISSIONLESS_THRESHOLD + 1);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.CursedByRMN.selector, CHAIN_A));
    _manuallyExecute(s_stranger, CHAIN_B, _single(m1), _one(0));

    // A's RMN curses destination B: no sends from A to B (tokens and ETH stay with the user).
    a.rmn.curse(_subject(CHAIN_B));
    vm.deal(s_user, 1 ether);
    uint256 bmBefore = a.bmToken.balanceOf(s_user);
    vm.prank(s_user);
    a.bmToken.approve(address(a.router), 1e18);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, CHAIN_B));
    _nativeSendRaw(a, CHAIN_B, s_eoa, _tokens(address(a.bmToken), 1e18), 1 ether);
    assertEq(s_user.balance, 1 ether);
    assertEq(a.bmToken.balanceOf(s_user), bmBefore);
    // B's curse of A also stops B's sends to A (a cursed subject is cut off both ways on that chain).
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, CHAIN_A));
    _nativeSendRaw(b, CHAIN_A, s_eoa, _noTokens(), 1 ether);
    assertEq(s_user.balance, 1 ether);

    // Uncurse: everything resumes where it stopped.
    b.rmn.uncurse(_subject(CHAIN_A));
    a.rmn.uncurse(_subject(CHAIN_B));
    _execute(CHAIN_B, _single(m1), _one(0));
    assertEq(uint8(_state(CHAIN_B, m1)), uint8(Internal.MessageExecutionState.SUCCESS));
    _submitCommit(CHAIN_B, cr2);
    _execute(CHAIN_B, _single(m2), _one(0));
    assertEq(b.bmToken.balanceOf(s_eoa), 1e18);
    Internal.EVM2AnyRampMessage memory m3 =
      _send(s_user, CHAIN_B, address(b.receiver), "m3", _noTokens(), address(0), "");
    assertEq(m3.header.sequenceNumber, 3);
    assertEq(uint8(_deliver(CHAIN_B, m3).state), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  function test_GlobalCurse_StopsEverything() public {
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_A, address(a.receiver), "m", _noTokens(), address(0), "");
    Internal.CommitReport memory cr = _commitReport(CHAIN_A, _merkleRootOf(CHAIN_A, _single(m)), _noPrices());
    a.rmn.curse(GLOBAL_CURSE);
    b.rmn.curse(GLOBAL_CURSE);

    vm.deal(s_user, 1 ether);
    vm.expectRevert(Router.BadARMSignal.selector);
    _nativeSendRaw(b, CHAIN_A, s_eoa, _noTokens(), 1 ether);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.CursedByRMN.selector, CHAIN_B));
    _submitCommit(CHAIN_A, cr);

    a.rmn.uncurse(GLOBAL_CURSE);
    b.rmn.uncurse(GLOBAL_CURSE);
    _submitCommit(CHAIN_A, cr);
    _execute(CHAIN_A, _single(m), _one(0));
    assertEq(uint8(_state(CHAIN_A, m)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  /// @dev Every way a send can fail leaves the user's tokens and ETH, the pools and the lane untouched.
  function test_RevertedSend_KeepsUserTokensAndEth() public {
    _fund(a.bmToken, s_user, RL_CAPACITY);
    vm.deal(s_user, 10 ether);
    vm.startPrank(s_user);
    a.bmToken.approve(address(a.router), type(uint256).max);
    a.lrToken.approve(address(a.router), type(uint256).max);
    vm.stopPrank();

    uint256 eth = s_user.balance;
    uint256 bm = a.bmToken.balanceOf(s_user);
    uint256 lr = a.lrToken.balanceOf(s_user);
    uint256 supply = a.bmToken.totalSupply();
    uint256 poolLr = a.lrToken.balanceOf(address(a.lrPool));
    uint256 onRampWeth = a.weth.balanceOf(address(a.onRamp));

    Client.EVM2AnyMessage memory message = Client.EVM2AnyMessage({
      receiver: abi.encode(s_eoa),
      data: "",
      tokenAmounts: _twoTokens(a, 5e18, 5e18),
      feeToken: address(0),
      extraArgs: _extraArgs(0, false)
    });
    uint256 fee = a.router.getFee(CHAIN_B, message);

    // Fee too low.
    vm.prank(s_user);
    vm.expectRevert(IRouterClient.InsufficientFeeTokenAmount.selector);
    a.router.ccipSend{value: fee - 1}(CHAIN_B, message);

    // Over the outbound rate limit (the second token is fine, the whole send reverts).
    message.tokenAmounts[0].amount = uint256(RL_CAPACITY) + 1;
    vm.prank(s_user);
    vm.expectRevert(
      abi.encodeWithSelector(
        RateLimiter.TokenMaxCapacityExceeded.selector, RL_CAPACITY, uint256(RL_CAPACITY) + 1, address(a.bmToken)
      )
    );
    a.router.ccipSend{value: fee}(CHAIN_B, message);

    // A token without a pool.
    BurnMintERC20 stray = new BurnMintERC20("Stray", "STR", 18, 0, 1e18);
    message.tokenAmounts[0] = Client.EVMTokenAmount({token: address(stray), amount: 1});
    vm.prank(s_user);
    vm.expectRevert(abi.encodeWithSelector(Router.UnsupportedToken.selector, address(stray)));
    a.router.ccipSend{value: fee}(CHAIN_B, message);

    // Unknown destination.
    message.tokenAmounts = _tokens(address(a.lrToken), 5e18);
    vm.prank(s_user);
    vm.expectRevert(abi.encodeWithSelector(IRouterClient.UnsupportedDestinationChain.selector, uint64(999)));
    a.router.ccipSend{value: fee}(999, message);

    assertEq(s_user.balance, eth, "ETH kept");
    assertEq(a.bmToken.balanceOf(s_user), bm, "BM kept");
    assertEq(a.lrToken.balanceOf(s_user), lr, "LR kept");
    assertEq(a.bmToken.totalSupply(), supply, "nothing burned");
    assertEq(a.lrToken.balanceOf(address(a.lrPool)), poolLr, "nothing locked");
    assertEq(a.weth.balanceOf(address(a.onRamp)), onRampWeth, "no fee taken");
    assertEq(a.onRamp.getExpectedNextSequenceNumber(CHAIN_B), 1, "no sequence number used");
    assertEq(a.nonceManager.getOutboundNonce(CHAIN_B, s_user), 0, "no nonce used");
  }
}
