// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {RMNRemote} from "../../src/rmn/RMNRemote.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";

contract OffRampCommitTest is OffRampSetup {
  bytes32 internal constant ROOT = keccak256("root");

  function _signed(Internal.CommitReport memory r, uint64 seqNr)
    internal
    view
    returns (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs)
  {
    report = abi.encode(r);
    ctx = _context(COMMIT_DIGEST, seqNr);
    (rs, ss, rawVs) = _sign(report, ctx, _firstSigners(F + 1));
  }

  function _unblessed() internal view returns (Internal.CommitReport memory) {
    return _unblessedReport(_root(SOURCE, s_onRamp, 1, 10, ROOT));
  }

  // ─────────────────────────────── happy paths ───────────────────────────────

  function test_commit_unblessedRoot() public {
    Internal.CommitReport memory r = _unblessed();
    vm.expectEmit(address(s_offRamp));
    emit MultiOCR3Base.Transmitted(uint8(Internal.OCRPluginType.Commit), COMMIT_DIGEST, 7);
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.CommitReportAccepted(r.blessedMerkleRoots, r.unblessedMerkleRoots, r.priceUpdates);
    _commitWithSeq(r, 7);

    assertEq(s_offRamp.getMerkleRoot(SOURCE, ROOT), block.timestamp);
    assertEq(s_offRamp.getSourceChainConfig(SOURCE).minSeqNr, 11);
    assertEq(s_offRamp.getLatestPriceSequenceNumber(), 0); // no prices in the report
  }

  function test_commit_blessedRootWithRMNSignatures() public {
    Internal.CommitReport memory r = _blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 3, ROOT));
    _commit(r);
    assertEq(s_offRamp.getMerkleRoot(SOURCE_BLESSED, ROOT), block.timestamp);
    assertEq(s_offRamp.getSourceChainConfig(SOURCE_BLESSED).minSeqNr, 4);
  }

  function test_commit_blessedAndUnblessedTogether() public {
    Internal.CommitReport memory r;
    r.priceUpdates = _gasPrices(5);
    r.blessedMerkleRoots = new Internal.MerkleRoot[](1);
    r.blessedMerkleRoots[0] = _root(SOURCE_BLESSED, s_onRampBlessed, 1, 1, ROOT);
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](1);
    r.unblessedMerkleRoots[0] = _root(SOURCE, s_onRamp, 1, 256, ROOT); // 256 messages: the maximum
    r.rmnSignatures = _rmnSign(r.blessedMerkleRoots);
    _commitWithSeq(r, 3);
    assertEq(s_offRamp.getMerkleRoot(SOURCE_BLESSED, ROOT), block.timestamp);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, ROOT), block.timestamp);
    assertEq(s_offRamp.getLatestPriceSequenceNumber(), 3);
    assertEq(s_feeQuoter.s_gasPrice(SOURCE), 5);
  }

  function test_commit_consecutiveIntervals() public {
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 1, 10, ROOT)));
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 11, 11, keccak256("r2"))));
    assertEq(s_offRamp.getSourceChainConfig(SOURCE).minSeqNr, 12);
  }

  // ─────────────────────────────── prices ───────────────────────────────

  function test_commit_pricesOnly_newerSeqNrApplies() public {
    Internal.CommitReport memory r = _unblessedReport(_root(SOURCE, s_onRamp, 1, 1, ROOT));
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.priceUpdates = _gasPrices(100);
    _commitWithSeq(r, 5);
    assertEq(s_feeQuoter.s_updates(), 1);
    assertEq(s_offRamp.getLatestPriceSequenceNumber(), 5);

    r.priceUpdates = _gasPrices(200);
    _commitWithSeq(r, 6);
    assertEq(s_feeQuoter.s_updates(), 2);
    assertEq(s_feeQuoter.s_gasPrice(SOURCE), 200);
  }

  function test_commit_stalePricesOnly_reverts() public {
    Internal.CommitReport memory r = _unblessedReport(_root(SOURCE, s_onRamp, 1, 1, ROOT));
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.priceUpdates = _gasPrices(100);
    _commitWithSeq(r, 5);

    (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _signed(r, 5);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(OffRamp.StaleCommitReport.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);

    (report, ctx, rs, ss, rawVs) = _signed(r, 4);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(OffRamp.StaleCommitReport.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_stalePricesWithRoot_rootAcceptedPricesIgnored() public {
    Internal.CommitReport memory r = _unblessed();
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.priceUpdates = _gasPrices(100);
    _commitWithSeq(r, 5);

    r = _unblessed();
    r.priceUpdates = _gasPrices(999);
    _commitWithSeq(r, 5);
    assertEq(s_feeQuoter.s_updates(), 1);
    assertEq(s_feeQuoter.s_gasPrice(SOURCE), 100);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, ROOT), block.timestamp);
  }

  function test_commit_newCommitConfigResetsPriceSeqNr() public {
    Internal.CommitReport memory r = _unblessed();
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.priceUpdates = _gasPrices(100);
    _commitWithSeq(r, 50);
    assertEq(s_offRamp.getLatestPriceSequenceNumber(), 50);

    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](1);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: COMMIT_DIGEST,
      ocrPluginType: 0,
      F: F,
      isSignatureVerificationEnabled: true,
      signers: s_signers,
      transmitters: s_transmitters
    });
    s_offRamp.setOCR3Configs(cfgs);
    assertEq(s_offRamp.getLatestPriceSequenceNumber(), 0);
    _commitWithSeq(r, 1); // accepted again from a low seqNr
    assertEq(s_feeQuoter.s_updates(), 2);
  }

  // ─────────────────────────────── root rules ───────────────────────────────

  function _expectCommitRevert(Internal.CommitReport memory r, bytes memory err) internal {
    (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _signed(r, 9);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(err);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_cursedSource_reverts() public {
    s_rmn.curse(bytes16(uint128(SOURCE)));
    _expectCommitRevert(_unblessed(), abi.encodeWithSelector(OffRamp.CursedByRMN.selector, SOURCE));
  }

  function test_commit_globalCurse_reverts() public {
    s_rmn.curse(bytes16(0x01000000000000000000000000000001));
    _expectCommitRevert(_unblessed(), abi.encodeWithSelector(OffRamp.CursedByRMN.selector, SOURCE));
  }

  function test_commit_disabledSource_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE_DISABLED, s_onRamp, 1, 1, ROOT)),
      abi.encodeWithSelector(OffRamp.SourceChainNotEnabled.selector, SOURCE_DISABLED)
    );
    uint64 unknown = 42;
    _expectCommitRevert(
      _unblessedReport(_root(unknown, s_onRamp, 1, 1, ROOT)),
      abi.encodeWithSelector(OffRamp.SourceChainNotEnabled.selector, unknown)
    );
  }

  function test_commit_onRampMismatch_reverts() public {
    bytes memory wrong = abi.encode(address(0xbad));
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, wrong, 1, 1, ROOT)),
      abi.encodeWithSelector(OffRamp.CommitOnRampMismatch.selector, wrong, s_onRamp)
    );
  }

  function test_commit_intervalGap_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 2, 5, ROOT)),
      abi.encodeWithSelector(OffRamp.InvalidInterval.selector, SOURCE, 2, 5)
    );
  }

  function test_commit_intervalOverlap_reverts() public {
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 1, 10, ROOT)));
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 10, 12, keccak256("r2"))),
      abi.encodeWithSelector(OffRamp.InvalidInterval.selector, SOURCE, 10, 12)
    );
  }

  function test_commit_intervalMinAboveMax_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 1, 0, ROOT)),
      abi.encodeWithSelector(OffRamp.InvalidInterval.selector, SOURCE, 1, 0)
    );
  }

  function test_commit_intervalTooLong_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 1, 257, ROOT)),
      abi.encodeWithSelector(OffRamp.InvalidInterval.selector, SOURCE, 1, 257)
    );
  }

  function test_commit_blessedRootOnUnblessedLane_reverts() public {
    Internal.CommitReport memory r = _blessedReport(_root(SOURCE, s_onRamp, 1, 1, ROOT));
    _expectCommitRevert(r, abi.encodeWithSelector(OffRamp.RootBlessingMismatch.selector, SOURCE, ROOT, true));
  }

  function test_commit_unblessedRootOnBlessedLane_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 1, ROOT)),
      abi.encodeWithSelector(OffRamp.RootBlessingMismatch.selector, SOURCE_BLESSED, ROOT, false)
    );
  }

  function test_commit_badRMNSignatures_reverts() public {
    Internal.CommitReport memory r = _blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 1, ROOT));
    // This tampered r is no curve point's x coordinate: nothing recovers.
    r.rmnSignatures[0].r = bytes32(uint256(r.rmnSignatures[0].r) ^ 1);
    _expectCommitRevert(r, abi.encodeWithSelector(RMNRemote.InvalidSignature.selector));

    // Signatures over other roots do not transfer.
    r = _blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 1, ROOT));
    r.blessedMerkleRoots[0].merkleRoot = keccak256("other");
    _expectCommitRevert(r, abi.encodeWithSelector(RMNRemote.UnexpectedSigner.selector));
  }

  function test_commit_rmnRemoteWithoutCode_reverts() public {
    // The blessing check is a hand-built call: an account without code must not "verify" anything.
    Internal.CommitReport memory r = _blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 1, ROOT));
    vm.etch(address(s_rmn), "");
    _expectCommitRevert(r, "");
  }

  function test_commit_zeroRoot_reverts() public {
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 1, 1, bytes32(0))), abi.encodeWithSelector(OffRamp.InvalidRoot.selector)
    );
  }

  function test_commit_duplicateRoot_reverts() public {
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 1, 10, ROOT)));
    _expectCommitRevert(
      _unblessedReport(_root(SOURCE, s_onRamp, 11, 12, ROOT)),
      abi.encodeWithSelector(OffRamp.RootAlreadyCommitted.selector, SOURCE, ROOT)
    );
  }

  function test_removeRoots() public {
    _commit(_unblessed());
    Internal.MerkleRoot[] memory roots = new Internal.MerkleRoot[](1);
    roots[0] = _root(SOURCE, s_onRamp, 1, 10, ROOT);
    vm.prank(address(0xdead));
    vm.expectRevert(abi.encodeWithSignature("OnlyCallableByOwner()"));
    s_offRamp.removeRoots(roots);

    vm.expectEmit(address(s_offRamp));
    emit OffRamp.RootRemoved(ROOT);
    s_offRamp.removeRoots(roots);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, ROOT), 0);
  }

  // ─────────────────────────────── OCR3 transmission rules ───────────────────────────────

  function test_commit_wrongConfigDigest_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(keccak256("wrong"), 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(2));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(
      abi.encodeWithSelector(MultiOCR3Base.ConfigDigestMismatch.selector, COMMIT_DIGEST, keccak256("wrong"))
    );
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_nonTransmitter_reverts() public {
    (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _signed(_unblessed(), 1);
    vm.prank(s_signers[0]); // a signer is not a transmitter
    vm.expectRevert(MultiOCR3Base.UnauthorizedTransmitter.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_tooFewSignatures_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(1));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.WrongNumberOfSignatures.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_tooManySignatures_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(3));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.WrongNumberOfSignatures.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_rsSsLengthMismatch_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(3));
    bytes32[] memory rs2 = new bytes32[](2);
    (rs2[0], rs2[1]) = (rs[0], rs[1]);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.SignaturesOutOfRegistration.selector);
    s_offRamp.commit(ctx, report, rs2, ss, rawVs);
  }

  function test_commit_duplicateSignature_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    uint256[] memory keys = new uint256[](2);
    (keys[0], keys[1]) = (s_signerKeys[0], s_signerKeys[0]);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, keys);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.NonUniqueSignatures.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_malleatedDuplicateSignature_reverts() public {
    // Same signer twice, second copy in its (r, n-s, v^1) form: still one signer.
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    uint256[] memory keys = new uint256[](2);
    (keys[0], keys[1]) = (s_signerKeys[0], s_signerKeys[0]);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, keys);
    ss[1] = bytes32(SECP256K1_N - uint256(ss[1]));
    rawVs ^= bytes32(uint256(1) << 240);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.NonUniqueSignatures.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_nonSignerSignature_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    uint256[] memory keys = new uint256[](2);
    (keys[0], keys[1]) = (s_signerKeys[0], 0xbadbad);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, keys);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedSigner.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_transmitterWhoIsNotASignerSigning_reverts() public {
    // A transmitter's oracle slot (isTransmitter, F, flag set) must not pass as a signer's.
    uint256 transmitterKey = 0x7e57;
    address[] memory transmitters = new address[](1);
    transmitters[0] = vm.addr(transmitterKey);
    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](1);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: COMMIT_DIGEST,
      ocrPluginType: uint8(Internal.OCRPluginType.Commit),
      F: F,
      isSignatureVerificationEnabled: true,
      signers: s_signers,
      transmitters: transmitters
    });
    s_offRamp.setOCR3Configs(cfgs);
    bytes memory report = abi.encode(_unblessed());
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    uint256[] memory keys = new uint256[](2);
    (keys[0], keys[1]) = (s_signerKeys[0], transmitterKey);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, keys);
    vm.prank(transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedSigner.selector);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
    // Signer index 3 (the bitmap's bit 3) together with index 0 works from the same transmitter.
    (keys[0], keys[1]) = (s_signerKeys[3], s_signerKeys[0]);
    (rs, ss, rawVs) = _sign(report, ctx, keys);
    vm.prank(transmitters[0]);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, ROOT), block.timestamp);
  }

  function test_commit_signatureOverOtherContext_reverts() public {
    // Signed for seqNr 1, transmitted as seqNr 2: recovers to unknown addresses.
    bytes memory report = abi.encode(_unblessed());
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _sign(report, _context(COMMIT_DIGEST, 1), _firstSigners(2));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedSigner.selector);
    s_offRamp.commit(_context(COMMIT_DIGEST, 2), report, rs, ss, rawVs);
  }

  function test_commit_forkedChain_reverts() public {
    (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _signed(_unblessed(), 1);
    uint256 chainId = block.chainid;
    vm.chainId(chainId + 1);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.ForkedChain.selector, chainId, chainId + 1));
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function test_commit_badDataLength_reverts() public {
    (bytes memory report, bytes32[2] memory ctx, bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) =
      _signed(_unblessed(), 1);
    bytes memory data = abi.encodeCall(OffRamp.commit, (ctx, report, rs, ss, rawVs));
    uint256 expected = data.length;
    vm.prank(s_transmitters[0]);
    (bool ok, bytes memory ret) = address(s_offRamp).call(abi.encodePacked(data, bytes1(0x00)));
    assertFalse(ok);
    assertEq(ret, abi.encodeWithSelector(MultiOCR3Base.WrongMessageLength.selector, expected, expected + 1));

    vm.prank(s_transmitters[0]);
    (ok, ret) = address(s_offRamp).call(abi.encodePacked(data, bytes32(0)));
    assertFalse(ok);
    assertEq(ret, abi.encodeWithSelector(MultiOCR3Base.WrongMessageLength.selector, expected, expected + 32));
  }

  function test_commit_everyTransmitterAndSignerSubsetWorks() public {
    for (uint256 t = 0; t < 4; ++t) {
      bytes32 root = keccak256(abi.encode(t));
      bytes memory report = abi.encode(_unblessedReport(_root(SOURCE, s_onRamp, uint64(t + 1), uint64(t + 1), root)));
      bytes32[2] memory ctx = _context(COMMIT_DIGEST, uint64(t + 1));
      uint256[] memory keys = new uint256[](2);
      (keys[0], keys[1]) = (s_signerKeys[3 - t], s_signerKeys[(t + 1) % 4 == 3 - t ? (t + 2) % 4 : (t + 1) % 4]);
      (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, keys);
      vm.prank(s_transmitters[t]);
      s_offRamp.commit(ctx, report, rs, ss, rawVs);
      assertEq(s_offRamp.getMerkleRoot(SOURCE, root), block.timestamp);
    }
  }

  // ─────────────────────────────── report encoding ───────────────────────────────
  // The report is read in place: it must be exactly abi.encode(CommitReport). Layout of `_unblessed()`:
  // 0x00 0x20 | 0x20 tuple head [0x80][0x100][0x120][0x240] | 0xa0 prices [0x40][0x60][0][0] | 0x120 blessed [0]
  // | 0x140 unblessed [1][0x20][sel][0xa0][min][max][root][32][onRamp] | 0x260 sigs [0] | end 0x280

  function _expectRawCommitRevert(bytes memory report, bytes memory err) internal {
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 9);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(F + 1));
    vm.prank(s_transmitters[0]);
    vm.expectRevert(err);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function _setWord(bytes memory data, uint256 pos, uint256 w) internal pure {
    assembly {
      mstore(add(add(data, 0x20), pos), w)
    }
  }

  function _word(bytes memory data, uint256 pos) internal pure returns (uint256 w) {
    assembly {
      w := mload(add(add(data, 0x20), pos))
    }
  }

  function test_commit_reportLayoutAsDocumented() public view {
    bytes memory report = abi.encode(_unblessed());
    assertEq(report.length, 0x280);
    assertEq(_word(report, 0x80), 0x240); // sigs offset
    assertEq(_word(report, 0x140), 1); // one unblessed root
    assertEq(_word(report, 0x220), 32); // its onRamp length
  }

  /// @dev Any change to a structural word (offsets, lengths) makes the report non-canonical.
  function testFuzz_commit_structuralWordChanged_reverts(uint256 which, uint256 delta) public {
    uint256[13] memory positions =
      [uint256(0x00), 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0, 0x100, 0x120, 0x140, 0x160, 0x1a0];
    vm.assume(delta != 0);
    bytes memory report = abi.encode(_unblessed());
    uint256 pos = positions[which % positions.length];
    unchecked {
      _setWord(report, pos, _word(report, pos) + delta);
    }
    _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
  }

  function test_commit_trailingBytes_reverts() public {
    _expectRawCommitRevert(
      abi.encodePacked(abi.encode(_unblessed()), bytes32(0)), abi.encodeWithSelector(OffRamp.MalformedReport.selector)
    );
  }

  function test_commit_truncatedReport_reverts() public {
    bytes memory report = abi.encode(_unblessed());
    assembly {
      mstore(report, sub(mload(report), 32))
    }
    _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
    _expectRawCommitRevert("", abi.encodeWithSelector(OffRamp.MalformedReport.selector));
  }

  function test_commit_pointsOutsideReport_reverts() public {
    // The signatures offset pointing past the report (into rs/ss, which are not signed).
    bytes memory report = abi.encode(_unblessed());
    _setWord(report, 0x80, 0x1000);
    _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
    // An onRamp longer than the report.
    report = abi.encode(_unblessed());
    _setWord(report, 0x220, 0x1000);
    _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
    // A root count whose offsets run past the report.
    report = abi.encode(_unblessed());
    _setWord(report, 0x140, 0xffff);
    _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
  }

  function test_commit_dirtyValues_reverts() public {
    uint256[3] memory uint64Fields = [uint256(0x180), 0x1c0, 0x1e0]; // sourceChainSelector, minSeqNr, maxSeqNr
    for (uint256 i = 0; i < 3; ++i) {
      bytes memory report = abi.encode(_unblessed());
      _setWord(report, uint64Fields[i], _word(report, uint64Fields[i]) | (1 << 64));
      _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
    }

    // Price updates: token address, gas chain selector (uint64) and values (uint224) must be clean.
    Internal.CommitReport memory r = _unblessed();
    r.priceUpdates = _gasPrices(7);
    r.priceUpdates.tokenPriceUpdates = new Internal.TokenPriceUpdate[](1);
    r.priceUpdates.tokenPriceUpdates[0] = Internal.TokenPriceUpdate({sourceToken: address(0x70c), usdPerToken: 5});
    // prices at 0xa0: [0x40][0xa0][1][token][value][1][selector][value]
    uint256[4] memory priceWords = [uint256(0x100), 0x120, 0x160, 0x180];
    uint256[4] memory dirtyBits = [uint256(160), 224, 64, 224];
    for (uint256 i = 0; i < 4; ++i) {
      bytes memory report = abi.encode(r);
      _setWord(report, priceWords[i], _word(report, priceWords[i]) | (1 << dirtyBits[i]));
      _expectRawCommitRevert(report, abi.encodeWithSelector(OffRamp.MalformedReport.selector));
    }
    // The clean version is accepted (the positions above are the right ones).
    _commitWithSeq(r, 9);
    assertEq(s_feeQuoter.s_gasPrice(SOURCE), 7);
  }

  function testFuzz_commit_anyShapeOfCanonicalReport(uint8 numTokens, uint8 numGas, uint8 extraSig) public {
    // Canonical reports of any shape are accepted and their event is exactly what abi.encode gives.
    Internal.CommitReport memory r;
    r.priceUpdates.tokenPriceUpdates = new Internal.TokenPriceUpdate[](numTokens % 4);
    for (uint256 i = 0; i < r.priceUpdates.tokenPriceUpdates.length; ++i) {
      r.priceUpdates.tokenPriceUpdates[i] =
        Internal.TokenPriceUpdate({sourceToken: address(uint160(0x70c + i)), usdPerToken: uint224(i + 1)});
    }
    r.priceUpdates.gasPriceUpdates = new Internal.GasPriceUpdate[](numGas % 4);
    for (uint256 i = 0; i < r.priceUpdates.gasPriceUpdates.length; ++i) {
      r.priceUpdates.gasPriceUpdates[i] =
        Internal.GasPriceUpdate({destChainSelector: uint64(i + 1), usdPerUnitGas: uint224(i + 9)});
    }
    r.blessedMerkleRoots = new Internal.MerkleRoot[](1);
    r.blessedMerkleRoots[0] = _root(SOURCE_BLESSED, s_onRampBlessed, 1, 3, ROOT);
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](2);
    r.unblessedMerkleRoots[0] = _root(SOURCE, s_onRamp, 1, 3, ROOT);
    r.unblessedMerkleRoots[1] = _root(SOURCE, s_onRamp, 4, 4, keccak256("r2"));
    r.rmnSignatures = _rmnSign(r.blessedMerkleRoots);
    // An extra (unused) RMN signature is still a canonical part of the report.
    if (extraSig % 2 == 1) {
      IRMNRemote.Signature[] memory sigs = new IRMNRemote.Signature[](3);
      (sigs[0], sigs[1], sigs[2]) = (r.rmnSignatures[0], r.rmnSignatures[1], r.rmnSignatures[1]);
      r.rmnSignatures = sigs;
    }
    if (extraSig % 2 == 1) {
      // A repeated RMN signer is not strictly ascending: the signatures reached RMNRemote intact.
      _expectCommitRevert(r, abi.encodeWithSelector(RMNRemote.OutOfOrderSignatures.selector));
      return;
    }
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.CommitReportAccepted(r.blessedMerkleRoots, r.unblessedMerkleRoots, r.priceUpdates);
    _commitWithSeq(r, 9);
    assertEq(s_offRamp.getMerkleRoot(SOURCE_BLESSED, ROOT), block.timestamp);
    assertEq(s_offRamp.getMerkleRoot(SOURCE, keccak256("r2")), block.timestamp);
    assertEq(s_offRamp.getSourceChainConfig(SOURCE).minSeqNr, 5);
  }
}
