// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Calls a contract with exactly `gasLimit` gas and a bounded copy of its return data.
/// @dev The caller's cost must not depend on the callee: a callee returning megabytes only costs the caller
/// `maxReturnBytes` of memory, and a callee that cannot get its full `gasLimit` (63/64 rule) makes the whole
/// call revert instead of silently running with less gas.
library CallWithExactGas {
  error NoContract();
  error NoGasForCallExactCheck();
  error NotEnoughGasForCall();

  bytes4 private constant NO_CONTRACT_SIG = 0x0c3b563c;
  bytes4 private constant NO_GAS_FOR_CALL_EXACT_CHECK_SIG = 0xafa32a2c;
  bytes4 private constant NOT_ENOUGH_GAS_FOR_CALL_SIG = 0x37c3be29;

  /// @param payload the calldata for `target`
  /// @param gasForCallExactCheck gas reserved for the checks and the CALL itself (covers a cold EXTCODESIZE)
  /// @param maxReturnBytes at most this many bytes of return data are copied
  /// @return success whether the call succeeded
  /// @return retData the first `maxReturnBytes` bytes the call returned
  /// @return gasUsed the gas consumed by the call, measured around the CALL opcode
  function _callWithExactGasSafeReturnData(
    bytes memory payload,
    address target,
    uint256 gasLimit,
    uint16 gasForCallExactCheck,
    uint16 maxReturnBytes
  ) internal returns (bool success, bytes memory retData, uint256 gasUsed) {
    // Allocate the return buffer up front so no memory expansion happens after the call.
    retData = new bytes(maxReturnBytes);

    assembly {
      let g := gas()
      // The reserve must be available before anything else is checked.
      if iszero(gt(g, gasForCallExactCheck)) {
        mstore(0x0, NO_GAS_FOR_CALL_EXACT_CHECK_SIG)
        revert(0x0, 0x4)
      }
      g := sub(g, gasForCallExactCheck)
      // CALL forwards at most all-but-one-64th of what is left: the callee must get the full gasLimit.
      if iszero(gt(sub(g, div(g, 64)), gasLimit)) {
        mstore(0x0, NOT_ENOUGH_GAS_FOR_CALL_SIG)
        revert(0x0, 0x4)
      }
      // A call to an account without code would "succeed" without running anything.
      if iszero(extcodesize(target)) {
        mstore(0x0, NO_CONTRACT_SIG)
        revert(0x0, 0x4)
      }

      gasUsed := gas()
      success := call(gasLimit, target, 0, add(payload, 0x20), mload(payload), 0x0, 0x0)
      gasUsed := sub(gasUsed, gas())

      let toCopy := returndatasize()
      if gt(toCopy, maxReturnBytes) { toCopy := maxReturnBytes }
      mstore(retData, toCopy)
      returndatacopy(add(retData, 0x20), 0x0, toCopy)
    }
    return (success, retData, gasUsed);
  }
}
