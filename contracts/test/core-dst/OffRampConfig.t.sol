// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";

contract OffRampConfigTest is OffRampSetup {
  function test_typeAndVersion() public view {
    assertEq(s_offRamp.typeAndVersion(), "OffRamp 1.6.0");
  }

  function test_views() public view {
    OffRamp.StaticConfig memory sc = s_offRamp.getStaticConfig();
    assertEq(sc.chainSelector, DEST);
    assertEq(sc.gasForCallExactCheck, 5_000);
    assertEq(address(sc.rmnRemote), address(s_rmn));
    assertEq(sc.tokenAdminRegistry, address(s_tar));
    assertEq(sc.nonceManager, address(s_nonceManager));

    OffRamp.DynamicConfig memory dc = s_offRamp.getDynamicConfig();
    assertEq(dc.feeQuoter, address(s_feeQuoter));
    assertEq(dc.permissionLessExecutionThresholdSeconds, THRESHOLD);
    assertEq(dc.messageInterceptor, address(0));

    OffRamp.SourceChainConfig memory c = s_offRamp.getSourceChainConfig(SOURCE);
    assertEq(address(c.router), address(s_router));
    assertTrue(c.isEnabled);
    assertEq(c.minSeqNr, 1);
    assertTrue(c.isRMNVerificationDisabled);
    assertEq(c.onRamp, s_onRamp);

    (uint64[] memory sels, OffRamp.SourceChainConfig[] memory cfgs) = s_offRamp.getAllSourceChainConfigs();
    assertEq(sels.length, 3);
    assertEq(sels[1], SOURCE_BLESSED);
    assertFalse(cfgs[1].isRMNVerificationDisabled);
    assertEq(cfgs[1].onRamp, s_onRampBlessed);
    assertFalse(cfgs[2].isEnabled);
  }

  function test_constructor_validation() public {
    OffRamp.StaticConfig memory sc = _staticConfig();
    sc.chainSelector = 0;
    vm.expectRevert(OffRamp.ZeroChainSelectorNotAllowed.selector);
    new OffRamp(sc, _dynamicConfig(address(0)), _sourceConfigs());

    sc = _staticConfig();
    sc.rmnRemote = IRMNRemote(address(0));
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    new OffRamp(sc, _dynamicConfig(address(0)), _sourceConfigs());

    sc = _staticConfig();
    sc.tokenAdminRegistry = address(0);
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    new OffRamp(sc, _dynamicConfig(address(0)), _sourceConfigs());

    sc = _staticConfig();
    sc.nonceManager = address(0);
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    new OffRamp(sc, _dynamicConfig(address(0)), _sourceConfigs());

    OffRamp.DynamicConfig memory dc = _dynamicConfig(address(0));
    dc.feeQuoter = address(0);
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    new OffRamp(_staticConfig(), dc, _sourceConfigs());
  }

  function test_constructor_emitsConfigEvents() public {
    vm.expectEmit();
    emit OffRamp.StaticConfigSet(_staticConfig());
    vm.expectEmit();
    emit OffRamp.DynamicConfigSet(_dynamicConfig(address(0)));
    vm.expectEmit();
    emit OffRamp.SourceChainSelectorAdded(SOURCE);
    new OffRamp(_staticConfig(), _dynamicConfig(address(0)), _sourceConfigs());
  }

  function test_setDynamicConfig() public {
    OffRamp.DynamicConfig memory dc = _dynamicConfig(address(s_interceptor));
    dc.permissionLessExecutionThresholdSeconds = 7;
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.DynamicConfigSet(dc);
    s_offRamp.setDynamicConfig(dc);
    assertEq(s_offRamp.getDynamicConfig().messageInterceptor, address(s_interceptor));
    assertEq(s_offRamp.getDynamicConfig().permissionLessExecutionThresholdSeconds, 7);

    dc.feeQuoter = address(0);
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    s_offRamp.setDynamicConfig(dc);

    vm.prank(address(0xdead));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    s_offRamp.setDynamicConfig(_dynamicConfig(address(0)));
  }

  function _args(uint64 sel, bytes memory onRamp) internal view returns (OffRamp.SourceChainConfigArgs[] memory a) {
    a = new OffRamp.SourceChainConfigArgs[](1);
    a[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: sel,
      isEnabled: true,
      isRMNVerificationDisabled: true,
      onRamp: onRamp
    });
  }

  function test_applySourceChainConfigUpdates() public {
    uint64 sel = 99;
    OffRamp.SourceChainConfigArgs[] memory a = _args(sel, abi.encode(address(0x0c33)));
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SourceChainSelectorAdded(sel);
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SourceChainConfigSet(
      sel,
      OffRamp.SourceChainConfig({
        router: IRouter(address(s_router)),
        isEnabled: true,
        minSeqNr: 1,
        isRMNVerificationDisabled: true,
        onRamp: abi.encode(address(0x0c33))
      })
    );
    s_offRamp.applySourceChainConfigUpdates(a);
    (uint64[] memory sels,) = s_offRamp.getAllSourceChainConfigs();
    assertEq(sels.length, 4);

    // The onRamp may change while nothing was committed.
    a[0].onRamp = abi.encode(address(0x0c44));
    s_offRamp.applySourceChainConfigUpdates(a);
    assertEq(s_offRamp.getSourceChainConfig(sel).onRamp, abi.encode(address(0x0c44)));

    // Disabling keeps minSeqNr.
    a[0].isEnabled = false;
    s_offRamp.applySourceChainConfigUpdates(a);
    assertFalse(s_offRamp.getSourceChainConfig(sel).isEnabled);
    assertEq(s_offRamp.getSourceChainConfig(sel).minSeqNr, 1);
  }

  function test_applySourceChainConfigUpdates_onRampFrozenAfterCommit() public {
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 1, 5, keccak256("r"))));
    OffRamp.SourceChainConfigArgs[] memory a = _args(SOURCE, abi.encode(address(0x0c44)));
    vm.expectRevert(abi.encodeWithSelector(OffRamp.InvalidOnRampUpdate.selector, SOURCE));
    s_offRamp.applySourceChainConfigUpdates(a);

    a[0].onRamp = s_onRamp; // same onRamp: fine, minSeqNr kept
    a[0].isRMNVerificationDisabled = false;
    s_offRamp.applySourceChainConfigUpdates(a);
    assertEq(s_offRamp.getSourceChainConfig(SOURCE).minSeqNr, 6);
    assertFalse(s_offRamp.getSourceChainConfig(SOURCE).isRMNVerificationDisabled);
  }

  function test_applySourceChainConfigUpdates_validation() public {
    OffRamp.SourceChainConfigArgs[] memory a = _args(0, abi.encode(address(1)));
    vm.expectRevert(OffRamp.ZeroChainSelectorNotAllowed.selector);
    s_offRamp.applySourceChainConfigUpdates(a);

    a = _args(7, abi.encode(address(1)));
    a[0].router = IRouter(address(0));
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    s_offRamp.applySourceChainConfigUpdates(a);

    a = _args(7, "");
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    s_offRamp.applySourceChainConfigUpdates(a);

    a = _args(7, abi.encode(address(0)));
    vm.expectRevert(OffRamp.ZeroAddressNotAllowed.selector);
    s_offRamp.applySourceChainConfigUpdates(a);

    a = _args(7, abi.encode(address(1)));
    vm.prank(address(0xdead));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    s_offRamp.applySourceChainConfigUpdates(a);
  }

  // ─────────────────────────────── OCR3 config ───────────────────────────────

  function _ocrArgs(uint8 pluginType, uint8 f, bool verify, address[] memory signers, address[] memory transmitters)
    internal
    pure
    returns (MultiOCR3Base.OCRConfigArgs[] memory a)
  {
    a = new MultiOCR3Base.OCRConfigArgs[](1);
    a[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: keccak256(abi.encode(pluginType, f, signers, transmitters)),
      ocrPluginType: pluginType,
      F: f,
      isSignatureVerificationEnabled: verify,
      signers: signers,
      transmitters: transmitters
    });
  }

  function _addrs(uint256 n, uint256 base) internal pure returns (address[] memory a) {
    a = new address[](n);
    for (uint256 i = 0; i < n; ++i) {
      a[i] = address(uint160(base + i));
    }
  }

  function test_latestConfigDetails() public view {
    MultiOCR3Base.OCRConfig memory c = s_offRamp.latestConfigDetails(0);
    assertEq(c.configInfo.configDigest, COMMIT_DIGEST);
    assertEq(c.configInfo.F, F);
    assertEq(c.configInfo.n, 4);
    assertTrue(c.configInfo.isSignatureVerificationEnabled);
    assertEq(c.signers, s_signers);
    assertEq(c.transmitters, s_transmitters);

    c = s_offRamp.latestConfigDetails(1);
    assertEq(c.configInfo.configDigest, EXEC_DIGEST);
    assertFalse(c.configInfo.isSignatureVerificationEnabled);
    assertEq(c.signers.length, 0); // not stored without verification
    assertEq(c.transmitters, s_transmitters);
  }

  function test_setOCR3Configs_emitsAndReplacesRoles() public {
    address[] memory signers = _addrs(4, 0x1000);
    address[] memory transmitters = _addrs(2, 0x2000);
    MultiOCR3Base.OCRConfigArgs[] memory a = _ocrArgs(0, 1, true, signers, transmitters);
    vm.expectEmit(address(s_offRamp));
    emit MultiOCR3Base.ConfigSet(0, a[0].configDigest, signers, transmitters, 1);
    s_offRamp.setOCR3Configs(a);

    // Old transmitters lost their role; old signers too.
    bytes memory report = abi.encode(_unblessedReport(_root(SOURCE, s_onRamp, 1, 1, keccak256("r"))));
    bytes32[2] memory ctx = _context(a[0].configDigest, 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(2));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedTransmitter.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
    vm.prank(transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedSigner.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_setOCR3Configs_sameAddressSignerAndTransmitter() public {
    // Allowed: an oracle may sign and transmit with one key.
    address[] memory signers = new address[](4);
    for (uint256 i = 0; i < 4; ++i) {
      signers[i] = s_signers[i];
    }
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, signers, signers));
    bytes32 digest = keccak256(abi.encode(uint8(0), uint8(1), signers, signers));
    bytes memory report = abi.encode(_unblessedReport(_root(SOURCE, s_onRamp, 1, 1, keccak256("r"))));
    bytes32[2] memory ctx = _context(digest, 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(2));
    vm.prank(signers[3]);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, keccak256("r")), block.timestamp);
  }

  function test_setOCR3Configs_validation() public {
    address[] memory four = _addrs(4, 0x1000);
    address[] memory t = _addrs(2, 0x2000);

    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.F_MUST_BE_POSITIVE)
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 0, true, four, t));

    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.F_TOO_HIGH)
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, _addrs(3, 0x1000), t)); // n must be > 3F

    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.F_TOO_HIGH)
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 32, true, _addrs(200, 0x1000), t)); // F+1 must fit rawVs

    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.NO_TRANSMITTERS)
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, four, new address[](0)));

    vm.expectRevert(
      abi.encodeWithSelector(
        MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.TOO_MANY_TRANSMITTERS
      )
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, four, _addrs(5, 0x2000))); // transmitters <= n

    vm.expectRevert(
      abi.encodeWithSelector(
        MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.TOO_MANY_TRANSMITTERS
      )
    );
    s_offRamp.setOCR3Configs(_ocrArgs(1, 1, false, new address[](0), _addrs(257, 0x2000)));

    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.TOO_MANY_SIGNERS)
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, _addrs(256, 0x1000), t));

    address[] memory dup = _addrs(4, 0x1000);
    dup[3] = dup[0];
    vm.expectRevert(
      abi.encodeWithSelector(
        MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.REPEATED_ORACLE_ADDRESS
      )
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, dup, t));

    address[] memory dupT = _addrs(2, 0x2000);
    dupT[1] = dupT[0];
    vm.expectRevert(
      abi.encodeWithSelector(
        MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.REPEATED_ORACLE_ADDRESS
      )
    );
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, four, dupT));

    address[] memory zero = _addrs(4, 0x1000);
    zero[2] = address(0);
    vm.expectRevert(MultiOCR3Base.OracleCannotBeZeroAddress.selector);
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, zero, t));
    address[] memory zeroT = _addrs(2, 0x2000);
    zeroT[1] = address(0);
    vm.expectRevert(MultiOCR3Base.OracleCannotBeZeroAddress.selector);
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, four, zeroT));

    // Verification mode is fixed per plugin, and the OffRamp requires commit = on, execution = off.
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.StaticConfigCannotBeChanged.selector, 0));
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, false, four, t));
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.StaticConfigCannotBeChanged.selector, 1));
    s_offRamp.setOCR3Configs(_ocrArgs(1, 1, true, four, t));

    vm.prank(address(0xdead));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    s_offRamp.setOCR3Configs(_ocrArgs(0, 1, true, four, t));

    // Maximums are accepted: 255 signers, 256 transmitters without verification.
    s_offRamp.setOCR3Configs(_ocrArgs(0, 31, true, _addrs(255, 0x1000), _addrs(255, 0x9000)));
    assertEq(s_offRamp.latestConfigDetails(0).configInfo.n, 255);
    s_offRamp.setOCR3Configs(_ocrArgs(1, 1, false, new address[](0), _addrs(256, 0x9000)));
  }

  function test_firstConfig_verificationModeEnforced() public {
    OffRamp fresh = new OffRamp(_staticConfig(), _dynamicConfig(address(0)), _sourceConfigs());
    address[] memory four = _addrs(4, 0x1000);
    vm.expectRevert(OffRamp.SignatureVerificationRequiredInCommitPlugin.selector);
    fresh.setOCR3Configs(_ocrArgs(0, 1, false, four, four));
    vm.expectRevert(OffRamp.SignatureVerificationNotAllowedInExecutionPlugin.selector);
    fresh.setOCR3Configs(_ocrArgs(1, 1, true, four, four));
  }

  function test_unconfiguredPlugin_rejectsTransmissions() public {
    OffRamp fresh = new OffRamp(_staticConfig(), _dynamicConfig(address(0)), _sourceConfigs());
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedTransmitter.selector);
    fresh.execute(_context(bytes32(0), 1), abi.encode(new Internal.ExecutionReport[](0)));
  }
}
