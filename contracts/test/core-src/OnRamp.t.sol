// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {FeeQuoter} from "../../src/core/FeeQuoter.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {WrappedNative} from "../../src/tokens/WrappedNative.sol";
import {Pool} from "../../src/libraries/Pool.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";
import {MessageInterceptorTestDouble, MintableERC20, ReentrantPoolTestDouble} from "./helpers/TestDoubles.sol";
import {Vm} from "forge-std/Vm.sol";

contract OnRampTest is CoreSrcSetup {
  bytes16 internal constant GLOBAL = 0x01000000000000000000000000000001;
  bytes32 internal constant CCIP_MESSAGE_SENT = keccak256(
    "CCIPMessageSent(uint64,uint64,((bytes32,uint64,uint64,uint64,uint64),address,bytes,bytes,bytes,address,uint256,uint256,(address,bytes,bytes,uint256,bytes)[]))"
  );

  function _forward(Client.EVM2AnyMessage memory message, uint256 feeTokenAmount, address sender)
    internal
    returns (bytes32 messageId, Internal.EVM2AnyRampMessage memory emitted)
  {
    vm.recordLogs();
    vm.prank(address(s_router));
    messageId = s_onRamp.forwardFromRouter(DEST_CHAIN, message, feeTokenAmount, sender);
    Vm.Log[] memory logs = vm.getRecordedLogs();
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == address(s_onRamp) && logs[i].topics[0] == CCIP_MESSAGE_SENT) {
        assertEq(logs[i].topics[1], bytes32(uint256(DEST_CHAIN)));
        emitted = abi.decode(logs[i].data, (Internal.EVM2AnyRampMessage));
        assertEq(logs[i].topics[2], bytes32(uint256(emitted.header.sequenceNumber)));
        return (messageId, emitted);
      }
    }
    revert("no CCIPMessageSent");
  }

  /// @dev The one-call send path our Router uses.
  function _forwardQuoted(Client.EVM2AnyMessage memory message, uint256 value, address sender)
    internal
    returns (bytes32 messageId, uint256 feeTokenAmount, Internal.EVM2AnyRampMessage memory emitted)
  {
    vm.deal(address(s_router), value);
    vm.recordLogs();
    vm.prank(address(s_router));
    (messageId, feeTokenAmount) =
      s_onRamp.forwardFromRouterQuoted{value: value}(DEST_CHAIN, message, address(s_weth), sender);
    Vm.Log[] memory logs = vm.getRecordedLogs();
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == address(s_onRamp) && logs[i].topics[0] == CCIP_MESSAGE_SENT) {
        emitted = abi.decode(logs[i].data, (Internal.EVM2AnyRampMessage));
        assertEq(emitted.header.messageId, messageId);
        return (messageId, feeTokenAmount, emitted);
      }
    }
    revert("no CCIPMessageSent");
  }

  function _countLogs(Vm.Log[] memory logs, bytes32 topic) internal pure returns (uint256 n) {
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].topics.length != 0 && logs[i].topics[0] == topic) ++n;
    }
  }

  function test_typeAndVersionAndConfig() public view {
    assertEq(s_onRamp.typeAndVersion(), "OnRamp 1.6.0");
    OnRamp.StaticConfig memory sc = s_onRamp.getStaticConfig();
    assertEq(sc.chainSelector, SOURCE_CHAIN);
    assertEq(address(sc.rmnRemote), address(s_rmn));
    assertEq(sc.nonceManager, address(s_nonceManager));
    assertEq(sc.tokenAdminRegistry, address(s_tokenAdminRegistry));
    OnRamp.DynamicConfig memory dc = s_onRamp.getDynamicConfig();
    assertEq(dc.feeQuoter, address(s_feeQuoter));
    assertEq(dc.feeAggregator, FEE_AGGREGATOR);
    assertFalse(dc.reentrancyGuardEntered);
    (uint64 seqNr, bool allowlistEnabled, address router) = s_onRamp.getDestChainConfig(DEST_CHAIN);
    assertEq(seqNr, 0);
    assertFalse(allowlistEnabled);
    assertEq(router, address(s_router));
    assertEq(s_onRamp.getExpectedNextSequenceNumber(DEST_CHAIN), 1);
  }

  function test_constructor_invalidStaticConfig_reverts() public {
    OnRamp.StaticConfig memory sc = _staticConfig();
    sc.chainSelector = 0;
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    new OnRamp(sc, _dynamicConfig(), new OnRamp.DestChainConfigArgs[](0));
    sc = _staticConfig();
    sc.rmnRemote = IRMNRemote(address(0));
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    new OnRamp(sc, _dynamicConfig(), new OnRamp.DestChainConfigArgs[](0));
    sc = _staticConfig();
    sc.nonceManager = address(0);
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    new OnRamp(sc, _dynamicConfig(), new OnRamp.DestChainConfigArgs[](0));
    sc = _staticConfig();
    sc.tokenAdminRegistry = address(0);
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    new OnRamp(sc, _dynamicConfig(), new OnRamp.DestChainConfigArgs[](0));
  }

  function test_setDynamicConfig() public {
    OnRamp.DynamicConfig memory dc = _dynamicConfig();
    dc.messageInterceptor = address(0x1111);
    dc.allowlistAdmin = address(0x2222);
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.ConfigSet(_staticConfig(), dc);
    vm.prank(OWNER);
    s_onRamp.setDynamicConfig(dc);
    OnRamp.DynamicConfig memory got = s_onRamp.getDynamicConfig();
    assertEq(got.messageInterceptor, address(0x1111));
    assertEq(got.allowlistAdmin, address(0x2222));
  }

  function test_setDynamicConfig_reverts() public {
    OnRamp.DynamicConfig memory dc = _dynamicConfig();
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_onRamp.setDynamicConfig(dc);

    vm.startPrank(OWNER);
    dc.feeQuoter = address(0);
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    s_onRamp.setDynamicConfig(dc);
    dc = _dynamicConfig();
    dc.feeAggregator = address(0);
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    s_onRamp.setDynamicConfig(dc);
    dc = _dynamicConfig();
    dc.reentrancyGuardEntered = true;
    vm.expectRevert(OnRamp.InvalidConfig.selector);
    s_onRamp.setDynamicConfig(dc);
    vm.stopPrank();
  }

  function test_applyDestChainConfigUpdates_keepsSequenceNumber() public {
    _forward(_message(address(s_link)), 1e17, USER);
    OnRamp.DestChainConfigArgs[] memory args = new OnRamp.DestChainConfigArgs[](1);
    args[0] = OnRamp.DestChainConfigArgs({
      destChainSelector: DEST_CHAIN, router: IRouter(address(0x7777)), allowlistEnabled: true
    });
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.DestChainConfigSet(DEST_CHAIN, 1, IRouter(address(0x7777)), true);
    vm.prank(OWNER);
    s_onRamp.applyDestChainConfigUpdates(args);
    (uint64 seqNr, bool allowlistEnabled, address router) = s_onRamp.getDestChainConfig(DEST_CHAIN);
    assertEq(seqNr, 1);
    assertTrue(allowlistEnabled);
    assertEq(router, address(0x7777));
  }

  function test_applyDestChainConfigUpdates_reverts() public {
    OnRamp.DestChainConfigArgs[] memory args = new OnRamp.DestChainConfigArgs[](1);
    args[0] = OnRamp.DestChainConfigArgs({destChainSelector: 0, router: IRouter(address(1)), allowlistEnabled: false});
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_onRamp.applyDestChainConfigUpdates(args);
    vm.startPrank(OWNER);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.InvalidDestChainConfig.selector, uint64(0)));
    s_onRamp.applyDestChainConfigUpdates(args);
    args[0].destChainSelector = SOURCE_CHAIN;
    vm.expectRevert(abi.encodeWithSelector(OnRamp.InvalidDestChainConfig.selector, SOURCE_CHAIN));
    s_onRamp.applyDestChainConfigUpdates(args);
    vm.stopPrank();
  }

  // ================================================================
  // │                      forwardFromRouter                       │
  // ================================================================

  function test_forward_messageFieldsAndId() public {
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.data = "payload";
    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: 123_456}));
    (bytes32 messageId, Internal.EVM2AnyRampMessage memory m) = _forward(message, 2e17, USER);

    assertEq(m.header.sourceChainSelector, SOURCE_CHAIN);
    assertEq(m.header.destChainSelector, DEST_CHAIN);
    assertEq(m.header.sequenceNumber, 1);
    assertEq(m.header.nonce, 1);
    assertEq(m.sender, USER);
    assertEq(m.data, bytes("payload"));
    assertEq(m.receiver, abi.encode(RECEIVER));
    // V1 args are re-encoded as GenericExtraArgsV2, ordered.
    assertEq(
      m.extraArgs, Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 123_456, allowOutOfOrderExecution: false}))
    );
    assertEq(m.feeToken, address(s_link));
    assertEq(m.feeTokenAmount, 2e17);
    assertEq(m.feeValueJuels, 2e17); // LINK is its own juel value
    assertEq(m.tokenAmounts.length, 0);

    // The id is the v1.6 hash of the emitted message, recomputed independently here.
    bytes32 metadataHash =
      keccak256(abi.encode(keccak256("EVM2AnyMessageHashV1"), SOURCE_CHAIN, DEST_CHAIN, address(s_onRamp)));
    bytes32 expected = keccak256(
      abi.encode(
        bytes32(0),
        metadataHash,
        keccak256(abi.encode(USER, uint64(1), uint64(1), address(s_link), uint256(2e17))),
        keccak256(abi.encode(RECEIVER)),
        keccak256(bytes("payload")),
        keccak256(abi.encode(new Internal.EVM2AnyTokenTransfer[](0))),
        keccak256(m.extraArgs)
      )
    );
    assertEq(messageId, expected);
    assertEq(m.header.messageId, expected);
    assertEq(Internal._hash(m, metadataHash), expected);
  }

  function test_forward_feeValueJuels_convertsNative() public {
    // 1e15 wei of WETH at $2000 = $2 = 0.1 LINK at $20.
    (, Internal.EVM2AnyRampMessage memory m) = _forward(_message(address(s_weth)), 1e15, USER);
    assertEq(m.feeValueJuels, 1e17);
  }

  function test_forward_sequenceNumbersAndNonces() public {
    address other = address(0x0701);
    (, Internal.EVM2AnyRampMessage memory m1) = _forward(_message(address(s_link)), 1, USER);
    (, Internal.EVM2AnyRampMessage memory m2) = _forward(_message(address(s_link)), 1, other);
    (, Internal.EVM2AnyRampMessage memory m3) = _forward(_message(address(s_link)), 1, USER);
    assertEq(m1.header.sequenceNumber, 1);
    assertEq(m2.header.sequenceNumber, 2);
    assertEq(m3.header.sequenceNumber, 3);
    assertEq(m1.header.nonce, 1);
    assertEq(m2.header.nonce, 1); // per sender
    assertEq(m3.header.nonce, 2);
    assertEq(s_nonceManager.getOutboundNonce(DEST_CHAIN, USER), 2);
    assertEq(s_onRamp.getExpectedNextSequenceNumber(DEST_CHAIN), 4);
  }

  function test_forward_outOfOrder_nonceZero() public {
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.extraArgs =
      Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 50_000, allowOutOfOrderExecution: true}));
    (, Internal.EVM2AnyRampMessage memory m) = _forward(message, 1, USER);
    assertEq(m.header.nonce, 0);
    assertEq(m.header.sequenceNumber, 1); // sequence numbers still advance
    assertEq(s_nonceManager.getOutboundNonce(DEST_CHAIN, USER), 0);
    assertEq(m.extraArgs, message.extraArgs);
  }

  function test_forward_withToken() public {
    s_pool.setReturnData(abi.encode(address(0xdead7)), abi.encode(uint256(42)));
    (, Internal.EVM2AnyRampMessage memory m) = _forward(_messageWithToken(address(s_link), 5e18), 1, USER);
    assertEq(m.tokenAmounts.length, 1);
    assertEq(m.tokenAmounts[0].sourcePoolAddress, address(s_pool));
    assertEq(m.tokenAmounts[0].destTokenAddress, abi.encode(address(0xdead7)));
    assertEq(m.tokenAmounts[0].extraData, abi.encode(uint256(42)));
    assertEq(m.tokenAmounts[0].amount, 5e18);
    // No transfer fee config: the lane's default destination gas.
    assertEq(m.tokenAmounts[0].destExecData, abi.encode(uint32(90_000)));

    Pool.LockOrBurnInV1 memory lockIn = s_pool.lastLockOrBurnIn();
    assertEq(lockIn.receiver, abi.encode(RECEIVER));
    assertEq(lockIn.remoteChainSelector, DEST_CHAIN);
    assertEq(lockIn.originalSender, USER);
    assertEq(lockIn.amount, 5e18);
    assertEq(lockIn.localToken, address(s_token));
  }

  function test_forward_notRouter_reverts() public {
    vm.expectRevert(OnRamp.MustBeCalledByRouter.selector);
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, USER);
    // Unknown lane: router is 0.
    vm.expectRevert(OnRamp.MustBeCalledByRouter.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(OTHER_CHAIN, _message(address(s_link)), 1, USER);
  }

  function test_forward_cursed_reverts() public {
    s_rmn.setCursed(bytes16(uint128(DEST_CHAIN)), true);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, DEST_CHAIN));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, USER);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, DEST_CHAIN));
    s_onRamp.getFee(DEST_CHAIN, _message(address(s_link)));

    s_rmn.setCursed(bytes16(uint128(DEST_CHAIN)), false);
    s_rmn.setCursed(GLOBAL, true);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, DEST_CHAIN));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, USER);

    // Another lane's curse does not matter.
    s_rmn.setCursed(GLOBAL, false);
    s_rmn.setCursed(bytes16(uint128(OTHER_CHAIN)), true);
    _forward(_message(address(s_link)), 1, USER);
  }

  function test_forward_zeroSender_reverts() public {
    vm.expectRevert(OnRamp.RouterMustSetOriginalSender.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, address(0));
  }

  function test_forward_feeTooHigh_reverts() public {
    uint256 tooMuch = uint256(MAX_FEE_JUELS) + 1;
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.MessageFeeTooHigh.selector, tooMuch, uint256(MAX_FEE_JUELS)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), tooMuch, USER);
  }

  function test_forward_allowlist() public {
    address[] memory senders = new address[](1);
    senders[0] = USER;
    OnRamp.AllowlistConfigArgs[] memory args = new OnRamp.AllowlistConfigArgs[](1);
    args[0] = OnRamp.AllowlistConfigArgs({
      destChainSelector: DEST_CHAIN,
      allowlistEnabled: true,
      addedAllowlistedSenders: senders,
      removedAllowlistedSenders: new address[](0)
    });
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.AllowListSendersAdded(DEST_CHAIN, senders);
    vm.prank(OWNER);
    s_onRamp.applyAllowlistUpdates(args);

    (bool enabled, address[] memory list) = s_onRamp.getAllowedSendersList(DEST_CHAIN);
    assertTrue(enabled);
    assertEq(list.length, 1);
    assertEq(list[0], USER);

    _forward(_message(address(s_link)), 1, USER);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.SenderNotAllowed.selector, address(0x0701)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, address(0x0701));

    // Removal by the allowlist admin.
    OnRamp.DynamicConfig memory dc = _dynamicConfig();
    dc.allowlistAdmin = address(0xad);
    vm.prank(OWNER);
    s_onRamp.setDynamicConfig(dc);
    args[0].addedAllowlistedSenders = new address[](0);
    args[0].removedAllowlistedSenders = senders;
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.AllowListSendersRemoved(DEST_CHAIN, senders);
    vm.prank(address(0xad));
    s_onRamp.applyAllowlistUpdates(args);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.SenderNotAllowed.selector, USER));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, USER);
  }

  function test_applyAllowlistUpdates_reverts() public {
    OnRamp.AllowlistConfigArgs[] memory args = new OnRamp.AllowlistConfigArgs[](1);
    address[] memory senders = new address[](1);
    senders[0] = USER;
    args[0] = OnRamp.AllowlistConfigArgs({
      destChainSelector: DEST_CHAIN,
      allowlistEnabled: false,
      addedAllowlistedSenders: senders,
      removedAllowlistedSenders: new address[](0)
    });
    vm.expectRevert(OnRamp.OnlyCallableByOwnerOrAllowlistAdmin.selector);
    s_onRamp.applyAllowlistUpdates(args);
    vm.startPrank(OWNER);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.InvalidAllowListRequest.selector, DEST_CHAIN));
    s_onRamp.applyAllowlistUpdates(args);
    args[0].allowlistEnabled = true;
    senders[0] = address(0);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.InvalidAllowListRequest.selector, DEST_CHAIN));
    s_onRamp.applyAllowlistUpdates(args);
    vm.stopPrank();
  }

  function test_forward_messageInterceptor() public {
    MessageInterceptorTestDouble interceptor = new MessageInterceptorTestDouble();
    OnRamp.DynamicConfig memory dc = _dynamicConfig();
    dc.messageInterceptor = address(interceptor);
    vm.prank(OWNER);
    s_onRamp.setDynamicConfig(dc);

    _forward(_message(address(s_link)), 1, USER);
    assertEq(interceptor.s_outboundCalls(), 1);

    interceptor.setReject(true);
    vm.expectRevert(abi.encodeWithSelector(MessageInterceptorTestDouble.Rejected.selector, DEST_CHAIN));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _message(address(s_link)), 1, USER);

    // Unsetting it stops the calls.
    vm.prank(OWNER);
    s_onRamp.setDynamicConfig(_dynamicConfig());
    _forward(_message(address(s_link)), 1, USER);
  }

  function test_forward_unsupportedToken_reverts() public {
    MintableERC20 other = new MintableERC20("OTHER");
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.tokenAmounts = new Client.EVMTokenAmount[](1);
    message.tokenAmounts[0] = Client.EVMTokenAmount({token: address(other), amount: 1});
    vm.expectRevert(abi.encodeWithSelector(OnRamp.UnsupportedToken.selector, address(other)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, message, 1, USER);

    // Pool exists but does not serve this lane.
    s_pool.setSupportedChain(DEST_CHAIN, false);
    assertEq(address(s_onRamp.getPoolBySourceToken(DEST_CHAIN, s_token)), address(0));
    vm.expectRevert(abi.encodeWithSelector(OnRamp.UnsupportedToken.selector, address(s_token)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 1), 1, USER);

    // Pool does not speak IPoolV1.
    s_pool.setSupportedChain(DEST_CHAIN, true);
    s_pool.setSupportsV1(false);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.UnsupportedToken.selector, address(s_token)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 1), 1, USER);
  }

  function test_forward_zeroTokenAmount_reverts() public {
    vm.expectRevert(OnRamp.CannotSendZeroTokens.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 0), 1, USER);
  }

  function test_forward_poolDataTooLarge_reverts() public {
    s_pool.setReturnData(abi.encode(address(0xdead7)), new bytes(33));
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.SourceTokenDataTooLarge.selector, address(s_token)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 1), 1, USER);
  }

  function test_forward_invalidDestToken_reverts() public {
    s_pool.setReturnData(hex"1234", "");
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, hex"1234"));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 1), 1, USER);
  }

  function test_forward_reentrancy_reverts() public {
    ReentrantPoolTestDouble evil = new ReentrantPoolTestDouble();
    evil.setReentry(
      address(s_onRamp), abi.encodeCall(OnRamp.forwardFromRouter, (DEST_CHAIN, _message(address(s_link)), 1, USER))
    );
    s_tokenAdminRegistry.setPool(address(s_token), address(evil));
    vm.expectRevert(OnRamp.ReentrancyGuardReentrantCall.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouter(DEST_CHAIN, _messageWithToken(address(s_link), 1), 1, USER);
  }

  function test_getSupportedTokens_reverts() public {
    vm.expectRevert(OnRamp.GetSupportedTokensFunctionalityRemovedCheckAdminRegistry.selector);
    s_onRamp.getSupportedTokens(DEST_CHAIN);
  }

  function test_getPoolBySourceToken() public view {
    assertEq(address(s_onRamp.getPoolBySourceToken(DEST_CHAIN, s_token)), address(s_pool));
    assertEq(address(s_onRamp.getPoolBySourceToken(OTHER_CHAIN, s_token)), address(0));
    assertEq(address(s_onRamp.getPoolBySourceToken(DEST_CHAIN, s_link)), address(0));
  }

  function test_withdrawFeeTokens() public {
    vm.prank(OWNER);
    s_link.mint(address(s_onRamp), 3e18);
    vm.deal(address(this), 1 ether);
    s_weth.deposit{value: 1 ether}();
    s_weth.transfer(address(s_onRamp), 1 ether);

    address[] memory tokens = new address[](3);
    tokens[0] = address(s_link);
    tokens[1] = address(s_weth);
    tokens[2] = address(s_token); // zero balance: no transfer, no event
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.FeeTokenWithdrawn(FEE_AGGREGATOR, address(s_link), 3e18);
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.FeeTokenWithdrawn(FEE_AGGREGATOR, address(s_weth), 1 ether);
    s_onRamp.withdrawFeeTokens(tokens);
    assertEq(s_link.balanceOf(FEE_AGGREGATOR), 3e18);
    assertEq(s_weth.balanceOf(FEE_AGGREGATOR), 1 ether);
    assertEq(s_link.balanceOf(address(s_onRamp)), 0);
  }

  // ================================================================
  // │                   forwardFromRouterQuoted                    │
  // ================================================================

  function test_forwardQuoted_native_keepsValueAsWrappedNative() public {
    uint256 fee = s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
    (bytes32 messageId, uint256 feeTokenAmount, Internal.EVM2AnyRampMessage memory m) =
      _forwardQuoted(_message(address(0)), fee + 5, USER);
    assertEq(feeTokenAmount, fee + 5);
    assertEq(m.feeToken, address(s_weth));
    assertEq(m.feeTokenAmount, fee + 5);
    assertEq(m.feeValueJuels, s_feeQuoter.convertTokenAmount(address(s_weth), fee + 5, address(s_link)));
    assertEq(m.header.nonce, 1);
    assertEq(m.header.sequenceNumber, 1);
    assertEq(
      m.extraArgs, Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 200_000, allowOutOfOrderExecution: false}))
    );
    assertEq(Internal._hash(m, Internal._evm2AnyMetadataHash(SOURCE_CHAIN, DEST_CHAIN, address(s_onRamp))), messageId);
    _assertNativeFeesHeldThenWithdrawn(fee + 5);
  }

  function test_forwardQuoted_feeToken_returnsTheFee() public {
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.data = "hello";
    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: 333_333}));
    uint256 fee = s_onRamp.getFee(DEST_CHAIN, message);
    (, uint256 feeTokenAmount, Internal.EVM2AnyRampMessage memory m) = _forwardQuoted(message, 0, USER);
    assertEq(feeTokenAmount, fee);
    assertEq(m.feeToken, address(s_link));
    assertEq(m.feeTokenAmount, fee);
    assertEq(m.feeValueJuels, fee);
    assertEq(m.data, bytes("hello"));
    // V1 args are re-encoded as GenericExtraArgsV2.
    assertEq(
      m.extraArgs, Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 333_333, allowOutOfOrderExecution: false}))
    );
    // The OnRamp does not collect it itself (the Router pulls it) and holds no native.
    assertEq(address(s_onRamp).balance, 0);
  }

  function test_forwardQuoted_withToken() public {
    s_pool.setReturnData(abi.encode(address(0xdead7)), abi.encode(uint256(42)));
    (,, Internal.EVM2AnyRampMessage memory m) = _forwardQuoted(_messageWithToken(address(s_link), 5e18), 0, USER);
    assertEq(m.tokenAmounts.length, 1);
    assertEq(m.tokenAmounts[0].sourcePoolAddress, address(s_pool));
    assertEq(m.tokenAmounts[0].extraData, abi.encode(uint256(42)));
    assertEq(m.tokenAmounts[0].destExecData, abi.encode(uint32(90_000)));
    assertEq(s_pool.lastLockOrBurnIn().receiver, abi.encode(RECEIVER));
    assertEq(s_pool.lastLockOrBurnIn().originalSender, USER);
  }

  function test_forwardQuoted_reverts() public {
    vm.deal(address(s_router), 1 ether);
    // Only the lane's router.
    vm.expectRevert(OnRamp.MustBeCalledByRouter.selector);
    s_onRamp.forwardFromRouterQuoted(DEST_CHAIN, _message(address(s_link)), address(s_weth), USER);
    vm.expectRevert(OnRamp.MustBeCalledByRouter.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted(OTHER_CHAIN, _message(address(s_link)), address(s_weth), USER);
    // Value only with native fees.
    vm.expectRevert(OnRamp.InvalidMsgValue.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: 1}(DEST_CHAIN, _message(address(s_link)), address(s_weth), USER);
    // Native value must cover the fee.
    uint256 fee = s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
    vm.expectRevert(FeeQuoter.InsufficientFeeTokenAmount.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee - 1}(DEST_CHAIN, _message(address(0)), address(s_weth), USER);
    vm.expectRevert(OnRamp.RouterMustSetOriginalSender.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee}(DEST_CHAIN, _message(address(0)), address(s_weth), address(0));
    // A wrapped native the fee quoter does not accept.
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(0)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee}(DEST_CHAIN, _message(address(0)), address(0), USER);
    // Nothing was kept.
    assertEq(address(s_onRamp).balance, 0);
    assertEq(s_onRamp.getExpectedNextSequenceNumber(DEST_CHAIN), 1);
  }

  function test_forwardQuoted_curses() public {
    vm.deal(address(s_router), 1 ether);
    s_rmn.setCursed(bytes16(uint128(DEST_CHAIN)), true);
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, DEST_CHAIN));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: 1 ether}(DEST_CHAIN, _message(address(0)), address(s_weth), USER);

    // A global curse fails the send with the Router's own error (the Router no longer asks the RMN itself).
    s_rmn.setCursed(GLOBAL, true);
    vm.expectRevert(OnRamp.BadARMSignal.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: 1 ether}(DEST_CHAIN, _message(address(0)), address(s_weth), USER);
    s_rmn.setCursed(bytes16(uint128(DEST_CHAIN)), false);
    vm.expectRevert(OnRamp.BadARMSignal.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted(DEST_CHAIN, _message(address(s_link)), address(0), USER);

    s_rmn.setCursed(GLOBAL, false);
    s_rmn.setCursed(bytes16(uint128(OTHER_CHAIN)), true);
    _forwardQuoted(_message(address(s_link)), 0, USER);
  }

  function test_forwardQuoted_reentrancy_reverts() public {
    ReentrantPoolTestDouble evil = new ReentrantPoolTestDouble();
    evil.setReentry(
      address(s_onRamp),
      abi.encodeCall(OnRamp.forwardFromRouterQuoted, (DEST_CHAIN, _message(address(s_link)), address(s_weth), USER))
    );
    s_tokenAdminRegistry.setPool(address(s_token), address(evil));
    vm.expectRevert(OnRamp.ReentrancyGuardReentrantCall.selector);
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted(DEST_CHAIN, _messageWithToken(address(s_link), 1), address(s_weth), USER);
  }

  /// @dev The sequence number is written into the lane's packed slot: router and allowlist flag must survive it.
  function test_forwardQuoted_keepsLaneConfig() public {
    address[] memory senders = new address[](1);
    senders[0] = USER;
    OnRamp.AllowlistConfigArgs[] memory args = new OnRamp.AllowlistConfigArgs[](1);
    args[0] = OnRamp.AllowlistConfigArgs({
      destChainSelector: DEST_CHAIN,
      allowlistEnabled: true,
      addedAllowlistedSenders: senders,
      removedAllowlistedSenders: new address[](0)
    });
    vm.prank(OWNER);
    s_onRamp.applyAllowlistUpdates(args);
    for (uint256 i = 1; i <= 3; ++i) {
      (,, Internal.EVM2AnyRampMessage memory m) = _forwardQuoted(_message(address(s_link)), 0, USER);
      assertEq(m.header.sequenceNumber, i);
      (uint64 seqNr, bool allowlistEnabled, address router) = s_onRamp.getDestChainConfig(DEST_CHAIN);
      assertEq(seqNr, i);
      assertTrue(allowlistEnabled);
      assertEq(router, address(s_router));
    }
    vm.expectRevert(abi.encodeWithSelector(OnRamp.SenderNotAllowed.selector, address(0x0701)));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted(DEST_CHAIN, _message(address(s_link)), address(s_weth), address(0x0701));
  }

  // ================================================================
  // │                    Native fee custody                        │
  // ================================================================

  function test_nativeFeeToken_recordedOnFirstNativeFeeOnly() public {
    uint256 fee = s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
    vm.deal(address(s_router), 2 * fee);
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.NativeFeeTokenSet(address(s_weth));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee}(DEST_CHAIN, _message(address(0)), address(s_weth), USER);

    bytes32 nativeFeeTokenSet = keccak256("NativeFeeTokenSet(address)");
    vm.recordLogs();
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee}(DEST_CHAIN, _message(address(0)), address(s_weth), USER);
    // A LINK fee does not touch it either.
    vm.prank(address(s_router));
    (, uint256 linkFee) = s_onRamp.forwardFromRouterQuoted(DEST_CHAIN, _message(address(s_link)), address(s_weth), USER);
    assertGt(linkFee, 0);
    assertEq(_countLogs(vm.getRecordedLogs(), nativeFeeTokenSet), 0);
    _assertNativeFeesHeldThenWithdrawn(2 * fee);
  }

  /// @dev If the Router's wrapped native changes, what was held is wrapped into the previous token right away, so
  /// every fee leaves as the token its event named.
  function test_nativeFeeToken_change_wrapsHeldIntoPrevious() public {
    WrappedNative weth2 = new WrappedNative("Wrapped Ether 2", "WETH2");
    address[] memory add = new address[](1);
    add[0] = address(weth2);
    vm.startPrank(OWNER);
    s_feeQuoter.applyFeeTokensUpdates(new address[](0), add);
    Internal.TokenPriceUpdate[] memory tokenPrices = new Internal.TokenPriceUpdate[](1);
    tokenPrices[0] = Internal.TokenPriceUpdate({sourceToken: address(weth2), usdPerToken: WETH_USD});
    s_feeQuoter.updatePrices(
      Internal.PriceUpdates({tokenPriceUpdates: tokenPrices, gasPriceUpdates: new Internal.GasPriceUpdate[](0)})
    );
    vm.stopPrank();

    uint256 fee = s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
    _forwardQuoted(_message(address(0)), fee, USER);
    _forwardQuoted(_message(address(0)), fee + 1, USER);

    vm.deal(address(s_router), fee + 2);
    vm.expectEmit(address(s_onRamp));
    emit OnRamp.NativeFeeTokenSet(address(weth2));
    vm.prank(address(s_router));
    s_onRamp.forwardFromRouterQuoted{value: fee + 2}(DEST_CHAIN, _message(address(0)), address(weth2), USER);

    assertEq(s_weth.balanceOf(address(s_onRamp)), 2 * fee + 1);
    assertEq(address(s_onRamp).balance, fee + 2);
    address[] memory tokens = new address[](2);
    tokens[0] = address(s_weth);
    tokens[1] = address(weth2);
    s_onRamp.withdrawFeeTokens(tokens);
    assertEq(s_weth.balanceOf(FEE_AGGREGATOR), 2 * fee + 1);
    assertEq(weth2.balanceOf(FEE_AGGREGATOR), fee + 2);
    assertEq(address(s_onRamp).balance, 0);
  }

  /// @dev Native forced in (e.g. selfdestruct) is simply wrapped with the fees once a native fee token is known.
  function test_withdrawFeeTokens_forcedNative() public {
    vm.deal(address(s_onRamp), 7);
    address[] memory tokens = new address[](1);
    tokens[0] = address(s_weth);
    s_onRamp.withdrawFeeTokens(tokens); // no native fee token known yet: nothing to wrap
    assertEq(address(s_onRamp).balance, 7);
    assertEq(s_weth.balanceOf(FEE_AGGREGATOR), 0);

    uint256 fee = s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
    _forwardQuoted(_message(address(0)), fee, USER);
    // Withdrawing another token leaves the native alone.
    tokens[0] = address(s_link);
    s_onRamp.withdrawFeeTokens(tokens);
    assertEq(address(s_onRamp).balance, fee + 7);
    _assertNativeFeesHeldThenWithdrawn(fee + 7);
  }

  /// @dev Through the Router: the event carries the wrapped native as fee token and the whole msg.value.
  function testFuzz_ccipSend_eventMatchesReturn(uint8 dataLength, bool outOfOrder, uint32 gasLimit) public {
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.data = new bytes(dataLength);
    message.extraArgs = Client._argsToBytes(
      Client.GenericExtraArgsV2({gasLimit: bound(gasLimit, 0, 3_000_000), allowOutOfOrderExecution: outOfOrder})
    );
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.recordLogs();
    vm.prank(USER);
    bytes32 messageId = s_router.ccipSend{value: fee}(DEST_CHAIN, message);
    Vm.Log[] memory logs = vm.getRecordedLogs();
    Internal.EVM2AnyRampMessage memory m = abi.decode(logs[logs.length - 1].data, (Internal.EVM2AnyRampMessage));
    assertEq(m.header.messageId, messageId);
    assertEq(m.feeToken, address(s_weth));
    assertEq(m.feeTokenAmount, fee);
    assertEq(m.header.nonce, outOfOrder ? 0 : 1);
    assertEq(Internal._hash(m, Internal._evm2AnyMetadataHash(SOURCE_CHAIN, DEST_CHAIN, address(s_onRamp))), messageId);
  }
}
