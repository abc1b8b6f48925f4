// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {RMNRemote, GLOBAL_CURSE_SUBJECT} from "../../src/rmn/RMNRemote.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";

/// @dev Signers, config and signing shared by the signed-curse, heartbeat and invariant tests.
abstract contract RMNRemoteSignedSetup is Test {
  uint64 internal constant LOCAL = 7759470850252068959;
  bytes32 internal constant DIGEST = keccak256("rmnHomeConfig");
  uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

  RMNRemote internal s_rmn;
  uint256[] internal s_keys; // sorted by address
  address[] internal s_addrs;

  function setUp() public virtual {
    vm.warp(1_700_000_000);
    s_rmn = new RMNRemote(LOCAL);
    for (uint256 i = 1; i <= 5; ++i) {
      uint256 key = uint256(keccak256(abi.encode("rmn-signed", i)));
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

  function _config(bytes32 configDigest, uint64 fSign, uint256 n) internal view returns (RMNRemote.Config memory config) {
    config.rmnHomeContractConfigDigest = configDigest;
    config.fSign = fSign;
    config.signers = new RMNRemote.Signer[](n);
    for (uint256 i = 0; i < n; ++i) {
      config.signers[i] = RMNRemote.Signer({onchainPublicKey: s_addrs[i], nodeIndex: uint64(i)});
    }
  }

  function _subject(uint64 selector) internal pure returns (bytes16) {
    return bytes16(uint128(selector));
  }

  function _subjects(bytes16 a) internal pure returns (bytes16[] memory s) {
    s = new bytes16[](1);
    s[0] = a;
  }

  function _subjects(bytes16 a, bytes16 b) internal pure returns (bytes16[] memory s) {
    s = new bytes16[](2);
    (s[0], s[1]) = (a, b);
  }

  // The digests as the SDK's src/rmn.ts computes them, written out independently of the contract.
  function _voteDigest(string memory header, bytes32 configDigest, uint64 generation, bytes16[] memory subjects)
    internal
    view
    returns (bytes32)
  {
    return keccak256(
      abi.encode(keccak256(bytes(header)), block.chainid, LOCAL, address(s_rmn), configDigest, generation, subjects)
    );
  }

  function _curseDigest(bytes16[] memory subjects) internal view returns (bytes32) {
    return _voteDigest("RMN_V1_6_CURSE", DIGEST, s_rmn.getCurseGeneration(), subjects);
  }

  function _uncurseDigest(bytes16[] memory subjects) internal view returns (bytes32) {
    return _voteDigest("RMN_V1_6_UNCURSE", DIGEST, s_rmn.getCurseGeneration(), subjects);
  }

  function _heartbeatDigest(uint64 timestamp) internal view returns (bytes32) {
    return keccak256(
      abi.encode(keccak256("RMN_V1_6_HEARTBEAT"), block.chainid, LOCAL, address(s_rmn), DIGEST, timestamp)
    );
  }

  function _sign(uint256 key, bytes32 digest) internal pure returns (IRMNRemote.Signature memory) {
    (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
    // Only v = 27 is accepted: (r, s, 28) is the same signature as (r, n - s, 27).
    if (v == 28) s = bytes32(SECP256K1_N - uint256(s));
    return IRMNRemote.Signature({r: r, s: s});
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

  /// @dev fSign + 1 = 2 good signatures (signers 0 and 1).
  function _quorum(bytes32 digest) internal view returns (IRMNRemote.Signature[] memory) {
    return _sigs(_idx(0, 1), digest);
  }
}

contract RMNRemoteSignedTest is RMNRemoteSignedSetup {
  event Cursed(bytes16[] subjects);
  event Uncursed(bytes16[] subjects);
  event HeartbeatReceived(uint64 timestamp);
  event HeartbeatTimeoutSet(uint32 timeoutSeconds);

  bytes16 internal constant S1 = bytes16(uint128(11));
  bytes16 internal constant S2 = bytes16(uint128(22));

  function setUp() public override {
    super.setUp();
    s_rmn.setConfig(_config(DIGEST, 1, 3));
  }

  function _curseSigned(bytes16[] memory subjects) internal {
    s_rmn.curseWithSignatures(subjects, _quorum(_curseDigest(subjects)));
  }

  function _uncurseSigned(bytes16[] memory subjects) internal {
    s_rmn.uncurseWithSignatures(subjects, _quorum(_uncurseDigest(subjects)));
  }

  // ================================================================
  // │                        Signed curses                         │
  // ================================================================

  function test_curseWithSignatures() public {
    bytes16[] memory subjects = _subjects(S1, S2);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    vm.expectEmit(address(s_rmn));
    emit Cursed(subjects);
    vm.prank(address(0xA11CE)); // permissionless
    s_rmn.curseWithSignatures(subjects, sigs);
    assertTrue(s_rmn.isCursed(S1));
    assertTrue(s_rmn.isCursed(S2));
    assertFalse(s_rmn.isCursed());
    assertEq(s_rmn.getCursedSubjects().length, 2);
    assertEq(s_rmn.getCurseGeneration(), 0); // curses do not move the generation
  }

  function test_curseWithSignatures_allSigners() public {
    bytes16[] memory subjects = _subjects(GLOBAL_CURSE_SUBJECT);
    uint256[] memory all = new uint256[](3);
    (all[0], all[1], all[2]) = (0, 1, 2);
    s_rmn.curseWithSignatures(subjects, _sigs(all, _curseDigest(subjects)));
    assertTrue(s_rmn.isCursed());
  }

  /// @dev Two RMN nodes submit the same vote: the second changes nothing, emits nothing and does not revert.
  function test_curseWithSignatures_race_secondIsNoop() public {
    bytes16[] memory subjects = _subjects(S1, S2);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    s_rmn.curseWithSignatures(subjects, sigs);
    vm.recordLogs();
    s_rmn.curseWithSignatures(subjects, sigs);
    assertEq(vm.getRecordedLogs().length, 0);
    assertEq(s_rmn.getCursedSubjects().length, 2);
  }

  function test_curseWithSignatures_skipsCursed_emitsNewOnly() public {
    s_rmn.curse(S1); // the owner was faster
    bytes16[] memory subjects = _subjects(S1, S2);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    vm.expectEmit(address(s_rmn));
    emit Cursed(_subjects(S2));
    s_rmn.curseWithSignatures(subjects, sigs);
    assertEq(s_rmn.getCursedSubjects().length, 2);
  }

  function test_curseWithSignatures_duplicateInBatch_cursedOnce() public {
    bytes16[] memory subjects = _subjects(S1, S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    vm.expectEmit(address(s_rmn));
    emit Cursed(_subjects(S1));
    s_rmn.curseWithSignatures(subjects, sigs);
    assertEq(s_rmn.getCursedSubjects().length, 1);
  }

  function test_curseWithSignatures_empty_reverts() public {
    bytes16[] memory subjects = new bytes16[](0);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    vm.expectRevert(RMNRemote.NoSubjects.selector);
    s_rmn.curseWithSignatures(subjects, sigs);
    vm.expectRevert(RMNRemote.NoSubjects.selector);
    s_rmn.uncurseWithSignatures(subjects, sigs);
  }

  function test_curseWithSignatures_notConfigured_reverts() public {
    RMNRemote fresh = new RMNRemote(LOCAL);
    vm.expectRevert(RMNRemote.ConfigNotSet.selector);
    fresh.curseWithSignatures(_subjects(S1), new IRMNRemote.Signature[](2));
    vm.expectRevert(RMNRemote.ConfigNotSet.selector);
    fresh.uncurseWithSignatures(_subjects(S1), new IRMNRemote.Signature[](2));
    vm.expectRevert(RMNRemote.ConfigNotSet.selector);
    fresh.heartbeat(uint64(block.timestamp), new IRMNRemote.Signature[](2));
  }

  function test_curseWithSignatures_tooFew_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    uint256[] memory one = new uint256[](1);
    IRMNRemote.Signature[] memory sigs = _sigs(one, _curseDigest(subjects));
    vm.expectRevert(RMNRemote.ThresholdNotMet.selector);
    s_rmn.curseWithSignatures(subjects, sigs);
  }

  function test_curseWithSignatures_unordered_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(1, 0), _curseDigest(subjects));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.curseWithSignatures(subjects, sigs);
    sigs = _sigs(_idx(1, 1), _curseDigest(subjects));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.curseWithSignatures(subjects, sigs);
  }

  function test_curseWithSignatures_unknownSigner_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(0, 4), _curseDigest(subjects)); // key 4 is not configured
    vm.expectRevert(RMNRemote.UnexpectedSigner.selector);
    s_rmn.curseWithSignatures(subjects, sigs);
  }

  function test_curseWithSignatures_invalidSignature_reverts() public {
    vm.expectRevert(RMNRemote.InvalidSignature.selector);
    s_rmn.curseWithSignatures(_subjects(S1), new IRMNRemote.Signature[](2));
    vm.expectRevert(RMNRemote.InvalidSignature.selector);
    s_rmn.uncurseWithSignatures(_subjects(S1), new IRMNRemote.Signature[](2));
    vm.expectRevert(RMNRemote.InvalidSignature.selector);
    s_rmn.heartbeat(uint64(block.timestamp), new IRMNRemote.Signature[](2));
  }

  /// @dev An uncurse vote presented as a curse vote (and the reverse) signs another digest: never valid.
  function test_curseWithSignatures_wrongHeader_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_uncurseDigest(subjects));
    vm.expectRevert();
    s_rmn.curseWithSignatures(subjects, sigs);
    s_rmn.curse(S1);
    sigs = _quorum(_curseDigest(subjects));
    vm.expectRevert();
    s_rmn.uncurseWithSignatures(subjects, sigs);
  }

  /// @dev The vote covers exactly its subjects: another list (even a subset) fails.
  function test_curseWithSignatures_otherSubjects_reverts() public {
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(_subjects(S1, S2)));
    vm.expectRevert();
    s_rmn.curseWithSignatures(_subjects(S1), sigs);
  }

  /// @dev Votes are for one signer set: a new RMNHome config digest invalidates them.
  function test_curseWithSignatures_oldConfigDigest_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    s_rmn.setConfig(_config(keccak256("next"), 1, 3));
    vm.expectRevert();
    s_rmn.curseWithSignatures(subjects, sigs);
  }

  function test_curseVote_replayAfterOwnerUncurse_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    s_rmn.curseWithSignatures(subjects, sigs);
    s_rmn.uncurse(S1);
    assertEq(s_rmn.getCurseGeneration(), 1);
    vm.expectRevert();
    s_rmn.curseWithSignatures(subjects, sigs);
    assertFalse(s_rmn.isCursed(S1));
    // A fresh vote at the new generation works.
    _curseSigned(subjects);
    assertTrue(s_rmn.isCursed(S1));
  }

  function test_curseVote_replayAfterSignedUncurse_reverts() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_curseDigest(subjects));
    s_rmn.curseWithSignatures(subjects, sigs);
    _uncurseSigned(subjects);
    vm.expectRevert();
    s_rmn.curseWithSignatures(subjects, sigs);
    assertFalse(s_rmn.isCursed(S1));
  }

  // ================================================================
  // │                       Signed uncurses                        │
  // ================================================================

  function test_uncurseWithSignatures() public {
    s_rmn.curse(_subjects(S1, S2));
    bytes16[] memory subjects = _subjects(S2, S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_uncurseDigest(subjects));
    vm.expectEmit(address(s_rmn));
    emit Uncursed(subjects);
    vm.prank(address(0xA11CE)); // permissionless
    s_rmn.uncurseWithSignatures(subjects, sigs);
    assertFalse(s_rmn.isCursed(S1));
    assertFalse(s_rmn.isCursed(S2));
    assertEq(s_rmn.getCursedSubjects().length, 0);
    assertEq(s_rmn.getCurseGeneration(), 1);
  }

  function test_uncurseWithSignatures_skipsNotCursed() public {
    s_rmn.curse(S2);
    bytes16[] memory subjects = _subjects(S1, S2);
    IRMNRemote.Signature[] memory sigs = _quorum(_uncurseDigest(subjects));
    vm.expectEmit(address(s_rmn));
    emit Uncursed(_subjects(S2));
    s_rmn.uncurseWithSignatures(subjects, sigs);
    assertEq(s_rmn.getCursedSubjects().length, 0);
  }

  /// @dev Even an uncurse that finds nothing cursed uses up its vote: otherwise it could lift a later curse.
  function test_uncurseWithSignatures_nothingCursed_stillMovesGeneration() public {
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_uncurseDigest(subjects));
    vm.recordLogs();
    s_rmn.uncurseWithSignatures(subjects, sigs);
    assertEq(vm.getRecordedLogs().length, 0);
    assertEq(s_rmn.getCurseGeneration(), 1);
    s_rmn.curse(S1);
    vm.expectRevert();
    s_rmn.uncurseWithSignatures(subjects, sigs);
    assertTrue(s_rmn.isCursed(S1));
  }

  function test_uncurseVote_replay_reverts() public {
    _curseSigned(_subjects(S1));
    bytes16[] memory subjects = _subjects(S1);
    IRMNRemote.Signature[] memory sigs = _quorum(_uncurseDigest(subjects));
    s_rmn.uncurseWithSignatures(subjects, sigs);
    _curseSigned(subjects);
    vm.expectRevert();
    s_rmn.uncurseWithSignatures(subjects, sigs);
    assertTrue(s_rmn.isCursed(S1));
  }

  function test_uncurseWithSignatures_tooFew_reverts() public {
    s_rmn.curse(S1);
    uint256[] memory one = new uint256[](1);
    IRMNRemote.Signature[] memory sigs = _sigs(one, _uncurseDigest(_subjects(S1)));
    vm.expectRevert(RMNRemote.ThresholdNotMet.selector);
    s_rmn.uncurseWithSignatures(_subjects(S1), sigs);
  }

  function test_uncurseWithSignatures_unordered_reverts() public {
    s_rmn.curse(S1);
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(2, 0), _uncurseDigest(_subjects(S1)));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.uncurseWithSignatures(_subjects(S1), sigs);
  }

  function test_uncurseWithSignatures_unknownSigner_reverts() public {
    s_rmn.curse(S1);
    IRMNRemote.Signature[] memory sigs = _sigs(_idx(1, 3), _uncurseDigest(_subjects(S1)));
    vm.expectRevert(RMNRemote.UnexpectedSigner.selector);
    s_rmn.uncurseWithSignatures(_subjects(S1), sigs);
  }

  function test_ownerUncurse_movesGeneration_ownerCurseDoesNot() public {
    s_rmn.curse(S1);
    assertEq(s_rmn.getCurseGeneration(), 0);
    s_rmn.uncurse(S1);
    assertEq(s_rmn.getCurseGeneration(), 1);
    s_rmn.curse(_subjects(S1, S2));
    s_rmn.uncurse(_subjects(S1, S2));
    assertEq(s_rmn.getCurseGeneration(), 2);
  }

  // ================================================================
  // │                          Heartbeat                           │
  // ================================================================

  function _beat(uint64 timestamp) internal {
    s_rmn.heartbeat(timestamp, _quorum(_heartbeatDigest(timestamp)));
  }

  function test_heartbeat() public {
    uint64 ts = uint64(block.timestamp);
    IRMNRemote.Signature[] memory sigs = _quorum(_heartbeatDigest(ts));
    vm.expectEmit(address(s_rmn));
    emit HeartbeatReceived(ts);
    vm.prank(address(0xA11CE)); // permissionless
    s_rmn.heartbeat(ts, sigs);
    (uint64 last, uint32 timeout, bool expired) = s_rmn.getHeartbeat();
    assertEq(last, ts);
    assertEq(timeout, 0);
    assertFalse(expired);
  }

  function test_heartbeat_stale_reverts() public {
    uint64 ts = uint64(block.timestamp);
    IRMNRemote.Signature[] memory sigs = _quorum(_heartbeatDigest(ts));
    s_rmn.heartbeat(ts, sigs);
    // The same heartbeat again (a replay or a racing node).
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.StaleHeartbeat.selector, ts, ts));
    s_rmn.heartbeat(ts, sigs);
    IRMNRemote.Signature[] memory older = _quorum(_heartbeatDigest(ts - 1));
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.StaleHeartbeat.selector, ts - 1, ts));
    s_rmn.heartbeat(ts - 1, older);
    // Zero is never newer than anything (the initial last heartbeat is 0).
    RMNRemote fresh = new RMNRemote(LOCAL);
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.StaleHeartbeat.selector, 0, 0));
    fresh.heartbeat(0, sigs);
  }

  function test_heartbeat_fromFuture_reverts() public {
    uint64 ok = uint64(block.timestamp) + 60;
    _beat(ok); // up to 60 s ahead is accepted
    uint64 ts = uint64(block.timestamp) + 61;
    IRMNRemote.Signature[] memory sigs = _quorum(_heartbeatDigest(ts));
    vm.expectRevert(abi.encodeWithSelector(RMNRemote.HeartbeatFromFuture.selector, ts, uint64(block.timestamp)));
    s_rmn.heartbeat(ts, sigs);
  }

  function test_heartbeat_badSignatures_revert() public {
    uint64 ts = uint64(block.timestamp);
    uint256[] memory one = new uint256[](1);
    IRMNRemote.Signature[] memory sigs = _sigs(one, _heartbeatDigest(ts));
    vm.expectRevert(RMNRemote.ThresholdNotMet.selector);
    s_rmn.heartbeat(ts, sigs);
    sigs = _sigs(_idx(1, 0), _heartbeatDigest(ts));
    vm.expectRevert(RMNRemote.OutOfOrderSignatures.selector);
    s_rmn.heartbeat(ts, sigs);
    sigs = _sigs(_idx(0, 4), _heartbeatDigest(ts));
    vm.expectRevert(RMNRemote.UnexpectedSigner.selector);
    s_rmn.heartbeat(ts, sigs);
    // Signed for another timestamp.
    sigs = _quorum(_heartbeatDigest(ts - 1));
    vm.expectRevert();
    s_rmn.heartbeat(ts, sigs);
  }

  function test_setHeartbeatTimeout() public {
    vm.expectEmit(address(s_rmn));
    emit HeartbeatTimeoutSet(100);
    s_rmn.setHeartbeatTimeout(100);
    (uint64 last, uint32 timeout, bool expired) = s_rmn.getHeartbeat();
    assertEq(last, block.timestamp); // grace period from now
    assertEq(timeout, 100);
    assertFalse(expired);
    assertFalse(s_rmn.isCursed());

    // Disabling keeps the last heartbeat and never curses.
    vm.warp(block.timestamp + 1000);
    vm.expectEmit(address(s_rmn));
    emit HeartbeatTimeoutSet(0);
    s_rmn.setHeartbeatTimeout(0);
    (uint64 last2, uint32 timeout2, bool expired2) = s_rmn.getHeartbeat();
    assertEq(last2, last);
    assertEq(timeout2, 0);
    assertFalse(expired2);
    assertFalse(s_rmn.isCursed());
  }

  function test_setHeartbeatTimeout_onlyOwner_reverts() public {
    vm.prank(address(0xBAD));
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_rmn.setHeartbeatTimeout(100);
  }

  function test_heartbeatExpiry_cursesGlobally_heartbeatResumes() public {
    s_rmn.curse(S1);
    s_rmn.setHeartbeatTimeout(100);
    vm.warp(block.timestamp + 101);
    (,, bool expired) = s_rmn.getHeartbeat();
    assertTrue(expired);
    assertTrue(s_rmn.isCursed());
    assertTrue(s_rmn.isCursed(S2));
    assertTrue(s_rmn.isCursed(_subject(type(uint64).max)));
    bytes16[] memory listed = s_rmn.getCursedSubjects();
    assertEq(listed.length, 2);
    assertEq(listed[0], S1);
    assertEq(listed[1], GLOBAL_CURSE_SUBJECT);

    _beat(uint64(block.timestamp));
    (,, expired) = s_rmn.getHeartbeat();
    assertFalse(expired);
    assertFalse(s_rmn.isCursed());
    assertFalse(s_rmn.isCursed(S2));
    assertTrue(s_rmn.isCursed(S1));
    assertEq(s_rmn.getCursedSubjects().length, 1);
  }

  function test_heartbeatExpiry_globalAlreadyCursed_listedOnce() public {
    s_rmn.curse(GLOBAL_CURSE_SUBJECT);
    s_rmn.setHeartbeatTimeout(1);
    vm.warp(block.timestamp + 2);
    bytes16[] memory listed = s_rmn.getCursedSubjects();
    assertEq(listed.length, 1);
    assertEq(listed[0], GLOBAL_CURSE_SUBJECT);
  }

  function test_heartbeatExpiry_nothingCursed_listsGlobalOnly() public {
    s_rmn.setHeartbeatTimeout(1);
    vm.warp(block.timestamp + 2);
    bytes16[] memory listed = s_rmn.getCursedSubjects();
    assertEq(listed.length, 1);
    assertEq(listed[0], GLOBAL_CURSE_SUBJECT);
    // Signed and owner curses still work while the heartbeat is lapsed.
    _curseSigned(_subjects(S1));
    assertEq(s_rmn.getCursedSubjects().length, 2);
  }

  /// @dev Expired iff block.timestamp > last + timeout, for any last heartbeat and timeout.
  function testFuzz_heartbeatExpiry_boundary(uint32 timeout, uint32 sinceEnable, uint32 beatAfter, uint32 elapsed)
    public
  {
    vm.assume(timeout != 0);
    s_rmn.setHeartbeatTimeout(timeout);
    uint64 last = uint64(block.timestamp);
    // Optionally a heartbeat some time later (before the deadline or after it, it revives the chain either way).
    if (beatAfter != 0) {
      vm.warp(block.timestamp + sinceEnable);
      last = uint64(block.timestamp) + (beatAfter % 60) + 1;
      _beat(last);
    }
    vm.warp(uint256(last) + elapsed);
    bool expected = elapsed > timeout;
    (uint64 gotLast, uint32 gotTimeout, bool expired) = s_rmn.getHeartbeat();
    assertEq(gotLast, last);
    assertEq(gotTimeout, timeout);
    assertEq(expired, expected);
    assertEq(s_rmn.isCursed(), expected);
    assertEq(s_rmn.isCursed(S1), expected);
    assertEq(s_rmn.getCursedSubjects().length, expected ? 1 : 0);
    // Exactly at the boundary and one second past it.
    vm.warp(uint256(last) + timeout);
    assertFalse(s_rmn.isCursed());
    vm.warp(uint256(last) + timeout + 1);
    assertTrue(s_rmn.isCursed());
  }

  /// @dev The packed hot slot: every field reads back what was written, none clobbers another.
  function testFuzz_hotSlot_fieldsIndependent(uint32 timeout, uint8 numCursed, uint64 beatDelta) public {
    s_rmn.setConfig(_config(DIGEST, 2, 5)); // version 2, fSign 2
    for (uint256 i = 0; i < numCursed % 8; ++i) {
      s_rmn.curse(_subject(uint64(i + 100)));
    }
    s_rmn.setHeartbeatTimeout(timeout);
    uint64 ts = uint64(block.timestamp) + uint64(beatDelta % 60) + 1;
    uint256[] memory three = new uint256[](3);
    (three[0], three[1], three[2]) = (0, 1, 2);
    s_rmn.heartbeat(ts, _sigs(three, _heartbeatDigest(ts)));

    (uint32 version, RMNRemote.Config memory config) = s_rmn.getVersionedConfig();
    assertEq(version, 2);
    assertEq(config.fSign, 2);
    (uint64 last, uint32 gotTimeout,) = s_rmn.getHeartbeat();
    assertEq(last, ts);
    assertEq(gotTimeout, timeout);
    assertEq(s_rmn.getCursedSubjects().length, numCursed % 8);
    assertEq(s_rmn.isCursed(_subject(100)), numCursed % 8 != 0);
  }

  function test_isCursed_gas_heartbeatOnAndFresh() public {
    s_rmn.setHeartbeatTimeout(100);
    uint256 gasBefore = gasleft();
    s_rmn.isCursed(S1);
    uint256 used = gasBefore - gasleft();
    emit log_named_uint("isCursed gas, heartbeat on, nothing cursed", used);
    // Cold account access (2,600) + one cold SLOAD (2,100) + call overhead; a second SLOAD would exceed this.
    assertLt(used, 8_000);
  }

  function test_isCursed_gas_nothingConfigured() public view {
    uint256 gasBefore = gasleft();
    s_rmn.isCursed(S1);
    s_rmn.isCursed();
    uint256 used = gasBefore - gasleft();
    assertLt(used, 9_000); // second call finds account and slot warm
  }
}

/// @dev Drives owner curses/uncurses, signed votes, heartbeats, timeouts and time, and keeps its own record (the
/// ghost) of what should be cursed and when the heartbeat lapses.
contract RMNRemoteHandler is Test {
  RMNRemote internal immutable i_rmn;
  RMNRemoteSigner internal immutable i_signer;
  bytes16[4] internal s_pool;

  mapping(bytes16 subject => bool) public ghostCursed;
  uint64 public ghostLast;
  uint32 public ghostTimeout;

  constructor(RMNRemote rmn, RMNRemoteSigner signer) {
    i_rmn = rmn;
    i_signer = signer;
    s_pool = [bytes16(uint128(1)), bytes16(uint128(2)), bytes16(uint128(3)), GLOBAL_CURSE_SUBJECT];
  }

  function subjectAt(uint256 i) external view returns (bytes16) {
    return s_pool[i % 4];
  }

  function ownerCurse(uint256 i) external {
    bytes16 s = s_pool[i % 4];
    if (ghostCursed[s]) return;
    i_rmn.curse(s);
    ghostCursed[s] = true;
  }

  function ownerUncurse(uint256 i) external {
    bytes16 s = s_pool[i % 4];
    if (!ghostCursed[s]) return;
    i_rmn.uncurse(s);
    ghostCursed[s] = false;
  }

  function signedCurse(uint256 i, uint256 j) external {
    bytes16[] memory subjects = new bytes16[](2);
    (subjects[0], subjects[1]) = (s_pool[i % 4], s_pool[j % 4]);
    i_rmn.curseWithSignatures(subjects, i_signer.signVote("RMN_V1_6_CURSE", subjects));
    ghostCursed[subjects[0]] = true;
    ghostCursed[subjects[1]] = true;
  }

  function signedUncurse(uint256 i) external {
    bytes16[] memory subjects = new bytes16[](1);
    subjects[0] = s_pool[i % 4];
    i_rmn.uncurseWithSignatures(subjects, i_signer.signVote("RMN_V1_6_UNCURSE", subjects));
    ghostCursed[subjects[0]] = false;
  }

  function heartbeat(uint8 ahead) external {
    uint64 ts = uint64(block.timestamp) + (ahead % 61);
    if (ts <= ghostLast) return;
    i_rmn.heartbeat(ts, i_signer.signHeartbeat(ts));
    ghostLast = ts;
  }

  function setTimeout(uint16 timeout) external {
    i_rmn.setHeartbeatTimeout(timeout);
    ghostTimeout = timeout;
    if (timeout != 0) ghostLast = uint64(block.timestamp);
  }

  function warp(uint16 secs) external {
    vm.warp(block.timestamp + secs);
  }
}

/// @dev Signs votes and heartbeats for the handler.
contract RMNRemoteSigner is RMNRemoteSignedSetup {
  constructor(RMNRemote rmn, uint256[] memory keys) {
    s_rmn = rmn;
    s_keys = keys;
  }

  function setUp() public pure override {}

  function signVote(string memory header, bytes16[] memory subjects) external view returns (IRMNRemote.Signature[] memory) {
    return _quorum(_voteDigest(header, DIGEST, s_rmn.getCurseGeneration(), subjects));
  }

  function signHeartbeat(uint64 ts) external view returns (IRMNRemote.Signature[] memory) {
    return _quorum(_heartbeatDigest(ts));
  }
}

contract RMNRemoteInvariantTest is RMNRemoteSignedSetup {
  RMNRemoteHandler internal s_handler;

  function setUp() public override {
    super.setUp();
    s_rmn.setConfig(_config(DIGEST, 1, 3));
    RMNRemoteSigner signer = new RMNRemoteSigner(s_rmn, s_keys);
    s_handler = new RMNRemoteHandler(s_rmn, signer);
    s_rmn.transferOwnership(address(s_handler));
    vm.prank(address(s_handler));
    s_rmn.acceptOwnership();
    targetContract(address(s_handler));
  }

  /// @dev isCursed(subject) == listed(subject) || listed(GLOBAL) || expired, against the handler's own record;
  /// getCursedSubjects lists exactly the cursed subjects, plus GLOBAL once while the heartbeat has lapsed.
  function invariant_isCursedMatchesListAndHeartbeat() public view {
    bool expired = s_handler.ghostTimeout() != 0
      && block.timestamp > uint256(s_handler.ghostLast()) + s_handler.ghostTimeout();
    (uint64 last, uint32 timeout, bool gotExpired) = s_rmn.getHeartbeat();
    assertEq(last, s_handler.ghostLast());
    assertEq(timeout, s_handler.ghostTimeout());
    assertEq(gotExpired, expired);

    bool global = s_handler.ghostCursed(GLOBAL_CURSE_SUBJECT);
    assertEq(s_rmn.isCursed(), global || expired);
    bytes16[] memory listed = s_rmn.getCursedSubjects();
    uint256 expectedLength = (global || expired) ? 1 : 0;
    for (uint256 i = 0; i < 4; ++i) {
      bytes16 s = s_handler.subjectAt(i);
      bool cursed = s_handler.ghostCursed(s);
      assertEq(s_rmn.isCursed(s), cursed || global || expired);
      if (s != GLOBAL_CURSE_SUBJECT && cursed) ++expectedLength;
      uint256 times;
      for (uint256 k = 0; k < listed.length; ++k) {
        if (listed[k] == s) ++times;
      }
      assertEq(times, (cursed || (s == GLOBAL_CURSE_SUBJECT && expired)) ? 1 : 0);
    }
    assertEq(listed.length, expectedLength);
    // A subject outside the pool follows the global state alone.
    assertEq(s_rmn.isCursed(bytes16(uint128(999))), global || expired);
  }
}
