// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {OffRampAdmin} from "../../src/core/OffRampAdmin.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";

/// @notice EIP-170 deployability of the OffRamp, and the OffRamp/OffRampAdmin split (delegatecalled setters).
contract OffRampSizeTest is OffRampSetup {
  /// @dev EIP-170 allows 24,576 bytes; we keep some margin.
  uint256 internal constant MAX_RUNTIME_SIZE = 24_000;

  /// @dev The admin is the first contract the OffRamp creates (contract nonces start at 1).
  function _admin() internal view returns (OffRampAdmin) {
    return OffRampAdmin(vm.computeCreateAddress(address(s_offRamp), 1));
  }

  function test_runtimeSize_withinEIP170Margin() public view {
    assertLe(address(s_offRamp).code.length, MAX_RUNTIME_SIZE);
    assertGt(address(_admin()).code.length, 0);
    assertLe(address(_admin()).code.length, MAX_RUNTIME_SIZE);
  }

  function test_admin_isOwnedByTheOffRamp_andInertWhenCalledDirectly() public {
    OffRampAdmin admin = _admin();
    assertEq(admin.owner(), address(s_offRamp));

    // The OffRamp's owner (this test) has no rights on the admin's own storage...
    OffRamp.SourceChainConfigArgs[] memory a = new OffRamp.SourceChainConfigArgs[](1);
    a[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: 4242,
      isEnabled: true,
      isRMNVerificationDisabled: true,
      onRamp: abi.encode(address(0x0c33))
    });
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    admin.applySourceChainConfigUpdates(a);
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    admin.setDynamicConfig(_dynamicConfig(address(0)));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    admin.removeRoots(new Internal.MerkleRoot[](0));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    admin.setOCR3Configs(new MultiOCR3Base.OCRConfigArgs[](0));

    // ...and whatever the admin holds is never the OffRamp's state.
    assertEq(s_offRamp.getSourceChainConfig(4242).minSeqNr, 0);
  }

  function test_delegatedSetter_runsOnOffRampStorage() public {
    // Through the OffRamp, the same call lands in the OffRamp's storage, not the admin's.
    OffRamp.SourceChainConfigArgs[] memory a = new OffRamp.SourceChainConfigArgs[](1);
    a[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: 4242,
      isEnabled: true,
      isRMNVerificationDisabled: true,
      onRamp: abi.encode(address(0x0c33))
    });
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SourceChainSelectorAdded(4242);
    s_offRamp.applySourceChainConfigUpdates(a);
    assertEq(s_offRamp.getSourceChainConfig(4242).minSeqNr, 1);
    (uint64[] memory selectors,) = s_offRamp.getAllSourceChainConfigs();
    assertEq(selectors[selectors.length - 1], 4242);

    // setUp configured OCR through the OffRamp: the OffRamp has it, the admin's own storage does not.
    assertEq(s_offRamp.latestConfigDetails(0).configInfo.F, F);
    assertEq(_admin().latestConfigDetails(0).configInfo.F, 0);
  }

  function test_delegatedSetter_revertDataBubblesUnchanged() public {
    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](1);
    cfgs[0].ocrPluginType = uint8(Internal.OCRPluginType.Commit);
    cfgs[0].F = 0;
    vm.expectRevert(
      abi.encodeWithSelector(
        MultiOCR3Base.InvalidConfig.selector, MultiOCR3Base.InvalidConfigErrorType.F_MUST_BE_POSITIVE
      )
    );
    s_offRamp.setOCR3Configs(cfgs);
  }

  function test_delegatedSetters_returnNothing() public {
    (bool ok, bytes memory ret) =
      address(s_offRamp).call(abi.encodeCall(OffRamp.setDynamicConfig, (_dynamicConfig(address(0)))));
    assertTrue(ok);
    assertEq(ret.length, 0);
  }
}
