// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {RMNRemote, GLOBAL_CURSE_SUBJECT} from "../../src/rmn/RMNRemote.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";

contract RMNRemoteTest is Test {
  uint64 internal constant LOCAL = 7759470850252068959;
  bytes32 internal constant DIGEST = keccak256("rmnHomeConfig");
  address internal constant OFFRAMP = address(0x0FF);

  RMNRemote internal s_rmn;
  uint256[] internal s_keys; // sorted by address
  address[] internal s_addrs;

  event ConfigSet(uint32 indexed version, RMNRemote.Config config);
  event Cursed(bytes16[] subjects);
  event Uncursed(bytes16[] subjects);

  function setUp() public {
    s_rmn = new RMNRemote(LOCAL);
    // Five keys sorted by address, so signatures can be produced in ascending order.
    for (uint256 i = 1; i <= 5; ++i) {
      uint256 key = uint256(keccak256(abi.encode("rmn", i)));
      s_keys.push(key);
      s_addrs.push(vm.addr(key));
    }
    for (uint256 i = 0; i < 5; ++i) {
      for (uint256 j = i + 1; j < 5; ++j) {
        if (s_addrs[j] < s_addrs[i]) {
          (s_addrs[i], s_addrs[j]) = (s_addrs[j], s_addrs[i]);
          (s_keys[i], s_keys[j]) = (s_keys[j], s_keys[i]);
        }
      }
    }
  }

  function _config(uint64 fSign, uint256 n) internal view returns (RMNRemote.Config memory config) {
    config.rmnHomeContractConfigDigest = DIGEST;
    config.fSign = fSign;
    config.signers = new RMNRemote.Signer[](n);
    for (uint256 i = 0; i < n; ++i) {
      config.signers[i] = RMNRemote.Signer({onchainPublicKey: s_addrs[i], nodeIndex: uint64(i)});
    }
  }

  function _roots() internal pure returns (Internal.MerkleRoot[] memory roots) {
    roots = new Internal.MerkleRoot[](2);
    roots[0] = Internal.MerkleRoot({
      sourceChainSelector: 1, onRampAddress: abi.encode(address(0xA1)), minSeqNr: 1, maxSeqNr: 10, merkleRoot: keccak256("r1")
    });
    roots[1] = Internal.MerkleRoot({
      sourceChainSelector: 2, onRampAddress: abi.encode(address(0xA2)), minSeqNr: 5, maxSeqNr: 5, merkleRoot: keccak256("r2")
    });
  }

  function _digest(address offRamp, Internal.MerkleRoot[] memory roots, bytes32 configDigest)
    internal
    view
    returns (bytes32)
  {
    return keccak256(
      abi.encode(
        keccak256("RMN_V1_6_ANY2EVM_REPORT"),
        RMNRemote.Report({
          destChainId: block.chainid,
          destChainSelector: LOCAL,
          rmnRemoteContractAddress: address(s_rmn),
          offrampAddress: offRamp,
          rmnHomeContractConfigDigest: configDigest,
          merkleRoots: roots
        })
      )
    );
  }

  /// @dev RMNRemote recovers with v = 27 only; a v = 28 signature is turned into its malleable twin (r, n - s),
  /// which recovers the same key with v = 27.
  function _sign(uint256 key, bytes32 digest) internal pure returns (IRMNRemote.Signature memory sig) {
    (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
    if (v == 28) {
      // (r, n - s) with v = 27 recovers the same key.
      s = bytes32(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141 - uint256(s));
    }
    sig = IRMNRemote.Signature({r: r, s: s});
  }

  function _sigs(uint256[] memory keyIdx, bytes32 digest) internal view returns (IRMNRemote.Signature[] memory sigs) {
    sigs = new IRMNRemote.Signature[](keyIdx.length);
    for (uint256 i = 0; i < keyIdx.length; ++i) {
      sigs[i] = _sign(s_keys[keyIdx[i]], digest);
    }
  }

  function _idx(uint256 a, uint256 b) internal pure returns (uint256[] memory r) {
    r = new uint256[](2);
    (r[0], r[1]) = (a, b);
  }

  // ================================================================
  // │                        Constructor                           │
  // ================================================================

  function test_constructor() public view {
    assertEq(s_rmn.getLocalChainSelector(), LOCAL);
    assertEq(s_rmn.typeAndVersion(), "RMNRemote 1.6.0");
    assertEq(s_rmn.getReportDigestHeader(), keccak256("RMN_V1_6_ANY2EVM_REPORT"));
    assertEq(s_rmn.owner(), address(this));
    (uint32 version,) = s_rmn.getVersionedConfig();
    assertEq(version, 0);
  }

  function test_constructor_zeroSelector_reverts() public {
    vm.expectRevert(RMNRemote.ZeroValueNotAllowed.selector);
    new RMNRemote(0);
  }

  // ================================================================
  // │                           Config                             │
  // ================================================================

  function test_setConfig() public {
    RMNRemote.Config memory config = _config(1, 3);
    vm.expectEmit();
    emit ConfigSet(1, config);
    s_rmn.setConfig(config);
    (uint32 version, RMNRemote.Config memory stored) = s_rmn.getVersionedConfig();
    assertEq(version, 1);
    assertEq(stored.rmnHomeContractConfigDigest, DIGEST);
    assertEq(stored.fSign, 1);
    assertEq(stored.signers.length, 3);
    assertEq(stored.signers[2].onchainPublicKey, s_addrs[2]);
    assertEq(stored.signers[2].nodeIndex, 2);

    // A second config replaces the signers entirely.
    s_rmn.setConfig(_config(0, 1));
    (version, stored) = s_rmn.getVersionedConfig();
    assertEq(version, 2);
    assertEq(stored.signers.length, 1);
  }

  function test_setConfig_onlyOwner_reverts() public {
    RMNRemote.Config memory config = _config(1, 3);
    vm.prank(address(0xBAD));
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_rmn.setConfig(config);
  }

  function test_setConfig_zeroDigest_reverts() public {
    RMNRemote.Config memory config = _config(1, 3);
    config.rmnHomeContractConfigDigest = bytes32(0);
    vm.expectRevert(RMNRemote.ZeroValueNotAllowed.selector);
    s_rmn.setConfig(config);
  }

  function test_setConfig_notEnoughSigners_reverts() public {
    RMNRemote.Config memory config = _config(2, 4); // needs 5
    vm.expectRevert(RMNRemote.NotEnoughSigners.selector);
    s_rmn.setConfig(config);
  }

  function test_setConfig_nodeIndexOrder_reverts() public {
    RMNRemote.Config memory config = _config(1, 3);
    config.signers[2].nodeIndex = 1; // equal to the previous one
    vm.expectRevert(RMNRemote.InvalidSignerOrder.selector);
    s_rmn.setConfig(config);
  }

  function test_setConfig_duplicateKey_reverts() public {
    RMNRemote.Config memory config = _config(1, 3);
    config.signers[2].onchainPublicKey = config.signers[0].onchainPublicKey;
    vm.expectRevert(RMNRemote.DuplicateOnchainPublicKey.selector);
    s_rmn.setConfig(config);
  }

  function test_setConfig_zeroKey_reverts() public {
    RMNRemote.Config memory config = _config(1, 3);
    config.signers[1].onchainPublicKey = address(0);
    vm.expectRevert(RMNRemote.ZeroValueNotAllowed.selector);
    s_rmn.setConfig(config);
  }

  // ================================================================
  // │                           Verify                             │
  // ================================================================

  function test_verify_notConfigured_reverts() public {
    vm.expectRevert(RMNRemote.ConfigNotSet.selector);
    s_rmn.verify(OFFRAMP, _roots(), new IRMNRemote.Signature[](0));
  }

  function test_verify_good() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    bytes32 digest = _digest(OFFRAMP, roots, DIGEST);
    s_rmn.verify(OFFRAMP, roots, _sigs(_idx(0, 2), digest));
    // More than fSign + 1 is fine too.
    uint256[] memory all = new uint256[](3);
    (all[0], all[1], all[2]) = (0, 1, 2);
    uint256 gasBefore = gasleft();
    s_rmn.verify(OFFRAMP, roots, _sigs(all, digest));
    emit log_named_uint("verify gas (3 sigs, 2 roots)", gasBefore - gasleft());
  }

  function test_verify_tooFew_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    uint256[] memory one = new uint256[](1);
    IRMNRemote.Signature[] memory sigs = _sigs(one, _digest(OFFRAMP, roots, DIGEST));
    vm.expectRevert(RMNRemote.ThresholdNotMet.selector);
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_unordered_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(2, 0), _digest(OFFRAMP, roots, DIGEST));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_duplicate_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(1, 1), _digest(OFFRAMP, roots, DIGEST));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_unknownSigner_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    // Key 4 is not in the 3-signer config and is the highest address, so ordering holds.
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 4), _digest(OFFRAMP, roots, DIGEST));
    vm.expectRevert(RMNRemote.UnexpectedSigner.selector);
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_signerOfOldConfig_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    RMNRemote.Config memory config = _config(0, 1); // only signer 0 now
    s_rmn.setConfig(config);
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 1), _digest(OFFRAMP, roots, DIGEST));
    vm.expectRevert(RMNRemote.UnexpectedSigner.selector);
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_wrongOffRamp_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 1), _digest(address(0xBEEF), roots, DIGEST));
    // A signature over another digest recovers to some unrelated address.
    vm.expectRevert();
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_wrongRoots_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 1), _digest(OFFRAMP, roots, DIGEST));
    roots[1].maxSeqNr = 6;
    vm.expectRevert();
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_wrongConfigDigest_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 1), _digest(OFFRAMP, roots, keccak256("other")));
    vm.expectRevert();
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  function test_verify_invalidSignature_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    IRMNRemote.Signature[] memory sigs = new IRMNRemote.Signature[](2); // r = s = 0 recovers nothing
    vm.expectRevert(RMNRemote.InvalidSignature.selector);
    s_rmn.verify(OFFRAMP, _roots(), sigs);
  }

  function testFuzz_verify_anyTamperedRootFails(uint8 which, bytes32 newRoot) public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = _roots();
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 1), _digest(OFFRAMP, roots, DIGEST));
    uint256 i = which % roots.length;
    vm.assume(newRoot != roots[i].merkleRoot);
    roots[i].merkleRoot = newRoot;
    // Recovered addresses are unrelated to the configured ones: never a pass.
    vm.expectRevert();
    s_rmn.verify(OFFRAMP, roots, sigs);
  }

  /// @dev The digest is computed from the raw calldata of the roots: it must equal the abi.encode digest for any
  /// shape of roots (count, onRamp lengths that need padding or not, empty onRamps).
  function testFuzz_verify_digestMatchesAbiEncode(uint8 numRoots, uint256 seed) public {
    s_rmn.setConfig(_config(1, 3));
    Internal.MerkleRoot[] memory roots = new Internal.MerkleRoot[](numRoots % 5);
    for (uint256 i = 0; i < roots.length; ++i) {
      uint256 r = uint256(keccak256(abi.encode(seed, i)));
      bytes memory onRamp = new bytes(r % 71);
      for (uint256 j = 0; j < onRamp.length; ++j) {
        onRamp[j] = bytes1(uint8(r >> (j % 32)));
      }
      roots[i] = Internal.MerkleRoot({
        sourceChainSelector: uint64(r),
        onRampAddress: onRamp,
        minSeqNr: uint64(r >> 64),
        maxSeqNr: uint64(r >> 128),
        merkleRoot: keccak256(abi.encode(r))
      });
    }
    s_rmn.verify(OFFRAMP, roots, _sigs(_idx(0, 1), _digest(OFFRAMP, roots, DIGEST)));
  }

  /// @dev verify() calldata for 2 roots, signed: [selector][offRamp][rootsOffset][sigsOffset][roots]...
  function _verifyCalldata() internal view returns (bytes memory data) {
    Internal.MerkleRoot[] memory roots = _roots();
    data = abi.encodeCall(RMNRemote.verify, (OFFRAMP, roots, _sigs(_idx(0, 1), _digest(OFFRAMP, roots, DIGEST))));
  }

  uint256 internal constant ROOTS_LEN_POS = 4 + 3 * 32; // the roots' length word
  uint256 internal constant ROOT0_POS = ROOTS_LEN_POS + 32 + 2 * 32; // first element (after 2 offsets)

  function _word(bytes memory data, uint256 pos) internal pure returns (uint256 w) {
    assembly {
      w := mload(add(add(data, 0x20), pos))
    }
  }

  function _setWord(bytes memory data, uint256 pos, uint256 w) internal pure {
    assembly {
      mstore(add(add(data, 0x20), pos), w)
    }
  }

  function _expectVerifyRevert(bytes memory data, bytes memory err) internal {
    (bool ok, bytes memory ret) = address(s_rmn).staticcall(data);
    assertFalse(ok);
    assertEq(ret, err);
  }

  function test_verify_rawCanonicalCalldata_passes() public {
    s_rmn.setConfig(_config(1, 3));
    (bool ok,) = address(s_rmn).staticcall(_verifyCalldata());
    assertTrue(ok);
  }

  function test_verify_nonCanonicalElementOffset_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    bytes memory data = _verifyCalldata();
    // Point element 1 at element 0: both decode as roots[0], which is not what abi.encode would produce.
    _setWord(data, ROOTS_LEN_POS + 64, _word(data, ROOTS_LEN_POS + 32));
    _expectVerifyRevert(data, abi.encodeWithSelector(RMNRemote.NonCanonicalEncoding.selector));
  }

  function test_verify_dirtyUint64_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    uint256[3] memory fields = [uint256(0), 2, 3]; // sourceChainSelector, minSeqNr, maxSeqNr
    for (uint256 i = 0; i < 3; ++i) {
      bytes memory data = _verifyCalldata();
      uint256 pos = ROOT0_POS + 32 * fields[i];
      _setWord(data, pos, _word(data, pos) | (1 << 64));
      _expectVerifyRevert(data, abi.encodeWithSelector(RMNRemote.NonCanonicalEncoding.selector));
    }
  }

  function test_verify_nonCanonicalBytesOffset_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    bytes memory data = _verifyCalldata();
    _setWord(data, ROOT0_POS + 32, 0xc0); // onRampAddress offset: must be right after the 5-word head
    _expectVerifyRevert(data, abi.encodeWithSelector(RMNRemote.NonCanonicalEncoding.selector));
  }

  function test_verify_bytesBeyondCalldata_reverts() public {
    s_rmn.setConfig(_config(1, 3));
    bytes memory data = _verifyCalldata();
    // Element 1's onRamp length claims more bytes than the calldata has.
    uint256 root1Pos = ROOTS_LEN_POS + 32 + _word(data, ROOTS_LEN_POS + 64);
    _setWord(data, root1Pos + 0xa0, 1 << 20);
    _expectVerifyRevert(data, abi.encodeWithSelector(RMNRemote.NonCanonicalEncoding.selector));
    // And a length that does not fit 32 bits is never canonical.
    _setWord(data, root1Pos + 0xa0, 1 << 32);
    _expectVerifyRevert(data, abi.encodeWithSelector(RMNRemote.NonCanonicalEncoding.selector));
  }

  // ================================================================
  // │                           Curses                             │
  // ================================================================

  function _subject(uint64 selector) internal pure returns (bytes16) {
    return bytes16(uint128(selector));
  }

  function test_curse_uncurse_single() public {
    bytes16 subject = _subject(42);
    assertFalse(s_rmn.isCursed(subject));
    bytes16[] memory expected = new bytes16[](1);
    expected[0] = subject;
    vm.expectEmit();
    emit Cursed(expected);
    s_rmn.curse(subject);
    assertTrue(s_rmn.isCursed(subject));
    assertFalse(s_rmn.isCursed(_subject(43)));
    assertFalse(s_rmn.isCursed());
    assertEq(s_rmn.getCursedSubjects().length, 1);

    vm.expectEmit();
    emit Uncursed(expected);
    s_rmn.uncurse(subject);
    assertFalse(s_rmn.isCursed(subject));
    assertEq(s_rmn.getCursedSubjects().length, 0);
  }

  function test_curse_global() public {
    s_rmn.curse(GLOBAL_CURSE_SUBJECT);
    assertTrue(s_rmn.isCursed());
    assertTrue(s_rmn.isCursed(_subject(1)));
    assertTrue(s_rmn.isCursed(_subject(type(uint64).max)));
    s_rmn.uncurse(GLOBAL_CURSE_SUBJECT);
    assertFalse(s_rmn.isCursed());
    assertFalse(s_rmn.isCursed(_subject(1)));
  }

  function test_curse_many_swapAndPop() public {
    bytes16[] memory subjects = new bytes16[](3);
    (subjects[0], subjects[1], subjects[2]) = (_subject(1), _subject(2), _subject(3));
    s_rmn.curse(subjects);
    s_rmn.uncurse(_subject(1)); // first element: the last moves into its place
    bytes16[] memory left = s_rmn.getCursedSubjects();
    assertEq(left.length, 2);
    assertEq(left[0], _subject(3));
    assertEq(left[1], _subject(2));
    assertTrue(s_rmn.isCursed(_subject(2)));
    assertTrue(s_rmn.isCursed(_subject(3)));
    assertFalse(s_rmn.isCursed(_subject(1)));
    s_rmn.uncurse(_subject(3));
    s_rmn.uncurse(_subject(2));
    assertEq(s_rmn.getCursedSubjects().length, 0);
    // Re-cursing after an uncurse works.
    s_rmn.curse(_subject(2));
    assertTrue(s_rmn.isCursed(_subject(2)));
  }

  function test_curse_already_reverts() public {
    s_rmn.curse(_subject(1));
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.AlreadyCursed.selector, _subject(1)));
    s_rmn.curse(_subject(1));
  }

  function test_curse_duplicateInBatch_reverts() public {
    bytes16[] memory subjects = new bytes16[](2);
    (subjects[0], subjects[1]) = (_subject(7), _subject(7));
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.AlreadyCursed.selector, _subject(7)));
    s_rmn.curse(subjects);
  }

  function test_uncurse_notCursed_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.NotCursed.selector, _subject(1)));
    s_rmn.uncurse(_subject(1));
  }

  function test_curse_onlyOwner_reverts() public {
    vm.startPrank(address(0xBAD));
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_rmn.curse(_subject(1));
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_rmn.uncurse(_subject(1));
    vm.stopPrank();
  }

  function test_isCursed_gas_nothingCursed() public view {
    uint256 gasBefore = gasleft();
    s_rmn.isCursed(_subject(1));
    uint256 used = gasBefore - gasleft();
    // Cold account access (2,600) + one cold SLOAD (2,100) + call overhead; a second SLOAD would exceed this.
    assertLt(used, 8_000);
  }

  function testFuzz_curse_isCursed(uint64 a, uint64 b) public {
    vm.assume(a != b);
    s_rmn.curse(_subject(a));
    assertTrue(s_rmn.isCursed(_subject(a)));
    assertFalse(s_rmn.isCursed(_subject(b)));
  }
}
