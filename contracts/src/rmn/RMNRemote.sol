// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {Internal} from "../libraries/Internal.sol";

/// @dev Cursing this subject stops every lane of this chain.
bytes16 constant GLOBAL_CURSE_SUBJECT = 0x01000000000000000000000000000001;

/// @notice The on-chain half of the Risk Management Network: verifies RMN blessings of merkle roots for
/// OffRamps and holds the curse list that the ramps and pools consult.
contract RMNRemote is Ownable2Step, ITypeAndVersion, IRMNRemote {
  error AlreadyCursed(bytes16 subject);
  error ConfigNotSet();
  error DuplicateOnchainPublicKey();
  error HeartbeatFromFuture(uint64 timestamp, uint64 blockTimestamp);
  error InvalidSignature();
  error InvalidSignerOrder();
  error NotEnoughSigners();
  error NonCanonicalEncoding();
  error NoSubjects();
  error NotCursed(bytes16 subject);
  error OutOfOrderSignatures();
  error StaleHeartbeat(uint64 timestamp, uint64 lastHeartbeat);
  error ThresholdNotMet();
  error UnexpectedSigner();
  error ZeroValueNotAllowed();

  event ConfigSet(uint32 indexed version, Config config);
  event Cursed(bytes16[] subjects);
  event Uncursed(bytes16[] subjects);
  event HeartbeatReceived(uint64 timestamp);
  event HeartbeatTimeoutSet(uint32 timeoutSeconds);

  struct Signer {
    address onchainPublicKey; // signs RMN reports
    uint64 nodeIndex; // index of the node in the RMNHome config; strictly increasing
  }

  struct Config {
    bytes32 rmnHomeContractConfigDigest; // digest of the RMNHome config these signers belong to
    Signer[] signers;
    uint64 fSign; // max faulty signers; fSign + 1 signatures bless a report
  }

  /// @dev What RMN nodes sign (abi-encoded under the RMN_V1_6_ANY2EVM_REPORT header).
  struct Report {
    uint256 destChainId; // block.chainid
    uint64 destChainSelector;
    address rmnRemoteContractAddress;
    address offrampAddress;
    bytes32 rmnHomeContractConfigDigest;
    Internal.MerkleRoot[] merkleRoots;
  }

  string public constant override typeAndVersion = "RMNRemote 1.6.0";
  bytes32 internal constant RMN_V1_6_ANY2EVM_REPORT = keccak256("RMN_V1_6_ANY2EVM_REPORT");
  bytes32 internal constant RMN_V1_6_CURSE = keccak256("RMN_V1_6_CURSE");
  bytes32 internal constant RMN_V1_6_UNCURSE = keccak256("RMN_V1_6_UNCURSE");
  bytes32 internal constant RMN_V1_6_HEARTBEAT = keccak256("RMN_V1_6_HEARTBEAT");
  /// @dev How far ahead of the block a heartbeat may be (clock skew between RMN nodes and block producers).
  uint64 internal constant MAX_HEARTBEAT_CLOCK_SKEW = 60;
  uint8 internal constant ECDSA_RECOVERY_V = 27;

  uint64 internal immutable i_localChainSelector;

  /// @dev The hot slot: verify() reads version and fSign, isCursed() the curse count and the heartbeat, all with one
  /// SLOAD. A commit calls both, so its isCursed() finds the slot warm.
  struct HotSlot {
    uint32 configVersion; // ──────╮ 0 = never configured
    uint64 fSign; //               │
    uint64 numCursedSubjects; //   │ 0 = nothing cursed: isCursed answers from this slot alone
    uint64 lastHeartbeat; //       │ timestamp of the newest signed heartbeat (or of enabling the timeout)
    uint32 heartbeatTimeout; // ───╯ seconds without a heartbeat before the chain counts as cursed; 0 = off
  }

  // Bit positions in the hot slot (Solidity packs the struct from the low-order end).
  uint256 private constant HOT_FSIGN_SHIFT = 32;
  uint256 private constant HOT_NUM_CURSED_SHIFT = 96;
  uint256 private constant HOT_LAST_HEARTBEAT_SHIFT = 160;
  uint256 private constant HOT_TIMEOUT_SHIFT = 224;
  /// @dev Non-zero iff something is cursed or the heartbeat is on: when zero, isCursed is false without more work.
  uint256 private constant HOT_CURSE_MASK =
    (uint256(type(uint64).max) << HOT_NUM_CURSED_SHIFT) | (uint256(type(uint32).max) << HOT_TIMEOUT_SHIFT);

  HotSlot private s_hot;
  bytes32 private s_rmnHomeContractConfigDigest;
  Signer[] private s_signers;
  /// @dev Config version in which the key is a signer: no clearing needed when the config changes.
  mapping(address signer => uint32 version) private s_signerVersion;

  /// @dev Cursed subjects as a dense list (index => subject) and each subject's index + 1.
  mapping(uint256 index => bytes16 subject) private s_cursedSubjects;
  mapping(bytes16 subject => uint256 indexPlusOne) private s_cursedSubjectIndexPlusOne;
  /// @dev Grows with every uncurse: signed votes carry it, so an old curse vote cannot curse again after an uncurse
  /// and an uncurse vote works once.
  uint64 private s_curseGeneration;

  constructor(uint64 localChainSelector) Ownable2Step(msg.sender) {
    if (localChainSelector == 0) revert ZeroValueNotAllowed();
    i_localChainSelector = localChainSelector;
  }

  // ================================================================
  // │                         Verification                         │
  // ================================================================

  /// @inheritdoc IRMNRemote
  function verify(address offRampAddress, Internal.MerkleRoot[] calldata merkleRoots, Signature[] calldata signatures)
    external
    view
    override
  {
    // The threshold check inlined (not _checkThreshold): verify is on every commit's path.
    uint256 word = _hotWord();
    uint32 version = uint32(word);
    if (version == 0) revert ConfigNotSet();
    if (signatures.length < uint256(uint64(word >> HOT_FSIGN_SHIFT)) + 1) revert ThresholdNotMet();
    _checkSignatures(_reportDigest(offRampAddress, merkleRoots), version, signatures);
  }

  /// @dev Reverts unless a config is set and `numSignatures` reaches fSign + 1; returns the config version.
  function _checkThreshold(uint256 numSignatures) internal view returns (uint32 version) {
    uint256 word = _hotWord();
    version = uint32(word);
    if (version == 0) revert ConfigNotSet();
    if (numSignatures < uint256(uint64(word >> HOT_FSIGN_SHIFT)) + 1) revert ThresholdNotMet();
  }

  /// @dev Reverts unless every signature is by a signer of config `version`, signers strictly ascending.
  function _checkSignatures(bytes32 digest, uint32 version, Signature[] calldata signatures) internal view {
    // Strictly ascending signers make duplicates impossible without a seen-set.
    address prevAddress;
    for (uint256 i = 0; i < signatures.length; ++i) {
      bytes32 r;
      bytes32 s;
      assembly {
        // In bounds: the decoder checked that signatures.length * 64 bytes of calldata exist.
        let sig := add(signatures.offset, shl(6, i))
        r := calldataload(sig)
        s := calldataload(add(sig, 0x20))
      }
      address signer = ecrecover(digest, ECDSA_RECOVERY_V, r, s);
      if (signer == address(0)) revert InvalidSignature();
      if (signer <= prevAddress) revert OutOfOrderSignatures();
      if (s_signerVersion[signer] != version) revert UnexpectedSigner();
      prevAddress = signer;
    }
  }

  /// @dev keccak256(abi.encode(header, chainid, localChainSelector, this, configDigest, ...)): the prefix of every
  /// digest RMN nodes sign besides blessings, binding it to this contract and signer set.
  function _voteDigest(bytes32 header, uint64 generation, bytes16[] calldata subjects) internal view returns (bytes32) {
    return keccak256(
      abi.encode(
        header, block.chainid, i_localChainSelector, address(this), s_rmnHomeContractConfigDigest, generation, subjects
      )
    );
  }

  /// @notice The digest RMN nodes sign: keccak256(abi.encode(RMN_V1_6_ANY2EVM_REPORT, Report{...})).
  /// @dev The roots' calldata encoding is hashed as is, after checking it is canonical, i.e. byte for byte what
  /// abi.encode(merkleRoots) produces: tightly packed elements in order, clean uint64s, and bytes that end inside the
  /// calldata. (Padding bytes are not checked: non-zero padding only changes the digest, so the blessing fails.)
  function _reportDigest(address offRampAddress, Internal.MerkleRoot[] calldata merkleRoots)
    internal
    view
    returns (bytes32 digest)
  {
    bytes32 configDigest = s_rmnHomeContractConfigDigest;
    uint64 localChainSelector = i_localChainSelector;
    bytes32 header = RMN_V1_6_ANY2EVM_REPORT;
    bool canonical = true;
    assembly {
      let n := merkleRoots.length
      // Element offsets are relative to the first offset word; a canonical first element follows the n offsets.
      let expected := shl(5, n)
      for { let k := 0 } lt(k, n) { k := add(k, 1) } {
        let off := calldataload(add(merkleRoots.offset, shl(5, k)))
        let e := add(merkleRoots.offset, expected)
        let len := calldataload(add(e, 0xa0)) // onRampAddress length; its offset must be 5 words (0xa0)
        canonical :=
          and(
            canonical,
            and(
              and(eq(off, expected), eq(calldataload(add(e, 0x20)), 0xa0)),
              iszero(
                or(
                  or(shr(64, calldataload(e)), shr(64, calldataload(add(e, 0x40)))),
                  or(shr(64, calldataload(add(e, 0x60))), shr(32, len))
                )
              )
            )
          )
        // Head (5 words) + length word + padded bytes. No overflow: len < 2^32 when canonical, n * 32 < calldatasize.
        expected := add(expected, add(0xc0, and(add(and(len, 0xffffffff), 31), not(31))))
      }
      let start := sub(merkleRoots.offset, 0x20) // the length word
      let size := add(0x20, expected)
      canonical := and(canonical, iszero(gt(add(start, size), calldatasize())))

      let m := mload(0x40)
      mstore(m, header)
      mstore(add(m, 0x20), 0x40) // offset of the Report tuple
      mstore(add(m, 0x40), chainid())
      mstore(add(m, 0x60), and(localChainSelector, 0xffffffffffffffff))
      mstore(add(m, 0x80), address())
      mstore(add(m, 0xa0), and(offRampAddress, 0xffffffffffffffffffffffffffffffffffffffff))
      mstore(add(m, 0xc0), configDigest)
      mstore(add(m, 0xe0), 0xc0) // offset of merkleRoots within the tuple
      calldatacopy(add(m, 0x100), start, size)
      digest := keccak256(m, add(0x100, size))
    }
    if (!canonical) revert NonCanonicalEncoding();
  }

  // ================================================================
  // │                            Config                            │
  // ================================================================

  /// @notice Replaces the signer set. Only the owner.
  function setConfig(Config calldata newConfig) external onlyOwner {
    if (newConfig.rmnHomeContractConfigDigest == bytes32(0)) revert ZeroValueNotAllowed();
    Signer[] calldata signers = newConfig.signers;
    // n >= 2f + 1 so that f + 1 honest signers always exist.
    if (signers.length < 2 * uint256(newConfig.fSign) + 1) revert NotEnoughSigners();

    uint32 version = s_hot.configVersion + 1;
    delete s_signers;
    for (uint256 i = 0; i < signers.length; ++i) {
      if (i > 0 && signers[i].nodeIndex <= signers[i - 1].nodeIndex) revert InvalidSignerOrder();
      address key = signers[i].onchainPublicKey;
      if (key == address(0)) revert ZeroValueNotAllowed();
      if (s_signerVersion[key] == version) revert DuplicateOnchainPublicKey();
      s_signerVersion[key] = version;
      s_signers.push(signers[i]);
    }

    s_hot.configVersion = version;
    s_hot.fSign = newConfig.fSign;
    s_rmnHomeContractConfigDigest = newConfig.rmnHomeContractConfigDigest;
    emit ConfigSet(version, newConfig);
  }

  function getVersionedConfig() external view returns (uint32 version, Config memory config) {
    return (
      s_hot.configVersion,
      Config({rmnHomeContractConfigDigest: s_rmnHomeContractConfigDigest, signers: s_signers, fSign: s_hot.fSign})
    );
  }

  function getLocalChainSelector() external view returns (uint64) {
    return i_localChainSelector;
  }

  /// @notice The first word of the signed report (keccak256("RMN_V1_6_ANY2EVM_REPORT")).
  function getReportDigestHeader() external pure returns (bytes32) {
    return RMN_V1_6_ANY2EVM_REPORT;
  }

  // ================================================================
  // │                            Curses                            │
  // ================================================================

  function curse(bytes16 subject) external {
    bytes16[] memory subjects = new bytes16[](1);
    subjects[0] = subject;
    curse(subjects);
  }

  /// @notice Curses every subject; reverts if one already is. Only the owner.
  function curse(bytes16[] memory subjects) public onlyOwner {
    for (uint256 i = 0; i < subjects.length; ++i) {
      _curse(subjects[i]);
    }
    emit Cursed(subjects);
  }

  function uncurse(bytes16 subject) external {
    bytes16[] memory subjects = new bytes16[](1);
    subjects[0] = subject;
    uncurse(subjects);
  }

  /// @notice Lifts the curse of every subject; reverts if one is not cursed. Only the owner.
  function uncurse(bytes16[] memory subjects) public onlyOwner {
    for (uint256 i = 0; i < subjects.length; ++i) {
      _uncurse(subjects[i]);
    }
    ++s_curseGeneration;
    emit Uncursed(subjects);
  }

  /// @notice Curses the subjects that fSign+1 RMN signers voted for. Anyone may submit. Subjects already cursed are
  /// skipped, so a second submission of the same vote (RMN nodes racing) changes nothing and does not revert.
  /// @dev Digest: keccak256(abi.encode(RMN_V1_6_CURSE, chainid, localChainSelector, this, configDigest,
  /// uint64 curseGeneration, bytes16[] subjects)).
  function curseWithSignatures(bytes16[] calldata subjects, Signature[] calldata signatures) external {
    if (subjects.length == 0) revert NoSubjects();
    uint32 version = _checkThreshold(signatures.length);
    _checkSignatures(_voteDigest(RMN_V1_6_CURSE, s_curseGeneration, subjects), version, signatures);

    bytes16[] memory cursed = new bytes16[](subjects.length);
    uint256 n;
    for (uint256 i = 0; i < subjects.length; ++i) {
      if (s_cursedSubjectIndexPlusOne[subjects[i]] != 0) continue;
      _curse(subjects[i]);
      cursed[n++] = subjects[i];
    }
    if (n == 0) return;
    assembly {
      mstore(cursed, n) // shrink to the newly cursed ones
    }
    emit Cursed(cursed);
  }

  /// @notice Lifts the curse of the subjects that fSign+1 RMN signers voted to uncurse. Anyone may submit. Subjects
  /// not cursed are skipped. Every call moves the curse generation on, so the vote cannot be submitted again.
  /// @dev Digest: as curseWithSignatures with RMN_V1_6_UNCURSE.
  function uncurseWithSignatures(bytes16[] calldata subjects, Signature[] calldata signatures) external {
    if (subjects.length == 0) revert NoSubjects();
    uint32 version = _checkThreshold(signatures.length);
    uint64 generation = s_curseGeneration;
    _checkSignatures(_voteDigest(RMN_V1_6_UNCURSE, generation, subjects), version, signatures);

    bytes16[] memory uncursed = new bytes16[](subjects.length);
    uint256 n;
    for (uint256 i = 0; i < subjects.length; ++i) {
      if (s_cursedSubjectIndexPlusOne[subjects[i]] == 0) continue;
      _uncurse(subjects[i]);
      uncursed[n++] = subjects[i];
    }
    // Even when nothing was cursed: otherwise the vote could be replayed once its subjects are cursed again.
    s_curseGeneration = generation + 1;
    if (n == 0) return;
    assembly {
      mstore(uncursed, n)
    }
    emit Uncursed(uncursed);
  }

  /// @notice What signed curse and uncurse votes must carry; grows with every uncurse.
  function getCurseGeneration() external view returns (uint64) {
    return s_curseGeneration;
  }

  /// @inheritdoc IRMNRemote
  /// @dev Lists GLOBAL_CURSE_SUBJECT (once) while the heartbeat has lapsed.
  function getCursedSubjects() external view override returns (bytes16[] memory subjects) {
    uint256 word = _hotWord();
    uint256 n = uint64(word >> HOT_NUM_CURSED_SHIFT);
    bool addGlobal = _heartbeatExpired(word) && s_cursedSubjectIndexPlusOne[GLOBAL_CURSE_SUBJECT] == 0;
    subjects = new bytes16[](addGlobal ? n + 1 : n);
    for (uint256 i = 0; i < n; ++i) {
      subjects[i] = s_cursedSubjects[i];
    }
    if (addGlobal) subjects[n] = GLOBAL_CURSE_SUBJECT;
  }

  /// @inheritdoc IRMNRemote
  function isCursed() external view override returns (bool) {
    uint256 word = _hotWord();
    _returnFalseIfNothingCursed(word);
    if (_heartbeatExpired(word)) return true;
    if (uint64(word >> HOT_NUM_CURSED_SHIFT) == 0) return false;
    return s_cursedSubjectIndexPlusOne[GLOBAL_CURSE_SUBJECT] != 0;
  }

  /// @inheritdoc IRMNRemote
  function isCursed(bytes16 subject) external view override returns (bool) {
    // The common case (nothing cursed, heartbeat off or fresh) costs one SLOAD.
    uint256 word = _hotWord();
    _returnFalseIfNothingCursed(word);
    if (_heartbeatExpired(word)) return true;
    if (uint64(word >> HOT_NUM_CURSED_SHIFT) == 0) return false;
    return s_cursedSubjectIndexPlusOne[subject] != 0 || s_cursedSubjectIndexPlusOne[GLOBAL_CURSE_SUBJECT] != 0;
  }

  // ================================================================
  // │                          Heartbeat                           │
  // ================================================================

  /// @notice Records a heartbeat that fSign+1 RMN signers signed for `timestamp` (seconds). Anyone may submit. While
  /// the timeout is on and no heartbeat is newer than `timeout` seconds, the chain counts as globally cursed.
  /// @dev Digest: keccak256(abi.encode(RMN_V1_6_HEARTBEAT, chainid, localChainSelector, this, configDigest,
  /// uint64 timestamp)). Timestamps only grow, so a heartbeat cannot be replayed.
  function heartbeat(uint64 timestamp, Signature[] calldata signatures) external {
    // The cheap checks first: RMN nodes racing with the same heartbeat lose little gas.
    uint64 last = s_hot.lastHeartbeat;
    if (timestamp <= last) revert StaleHeartbeat(timestamp, last);
    if (timestamp > block.timestamp + MAX_HEARTBEAT_CLOCK_SKEW) {
      revert HeartbeatFromFuture(timestamp, uint64(block.timestamp));
    }
    uint32 version = _checkThreshold(signatures.length);
    bytes32 digest = keccak256(
      abi.encode(
        RMN_V1_6_HEARTBEAT, block.chainid, i_localChainSelector, address(this), s_rmnHomeContractConfigDigest, timestamp
      )
    );
    _checkSignatures(digest, version, signatures);
    s_hot.lastHeartbeat = timestamp;
    emit HeartbeatReceived(timestamp);
  }

  /// @notice Sets how long the chain may go without a heartbeat before it counts as globally cursed; 0 turns the
  /// dead-man switch off. A non-zero timeout starts a grace period from now. Only the owner.
  function setHeartbeatTimeout(uint32 timeoutSeconds) external onlyOwner {
    s_hot.heartbeatTimeout = timeoutSeconds;
    if (timeoutSeconds != 0) s_hot.lastHeartbeat = uint64(block.timestamp);
    emit HeartbeatTimeoutSet(timeoutSeconds);
  }

  /// @return lastHeartbeat the newest heartbeat's timestamp (or when the timeout was last enabled)
  /// @return timeout seconds; 0 = off
  /// @return expired whether the chain counts as globally cursed for want of a heartbeat
  function getHeartbeat() external view returns (uint64 lastHeartbeat, uint32 timeout, bool expired) {
    uint256 word = _hotWord();
    return (uint64(word >> HOT_LAST_HEARTBEAT_SHIFT), uint32(word >> HOT_TIMEOUT_SHIFT), _heartbeatExpired(word));
  }

  /// @dev Ends the call with `false` when nothing is cursed and the heartbeat is off: the path every send, commit
  /// and execution takes, so it skips Solidity's return encoding.
  function _returnFalseIfNothingCursed(uint256 hotWord) private pure {
    if (hotWord & HOT_CURSE_MASK == 0) {
      assembly {
        mstore(0, 0)
        return(0, 0x20)
      }
    }
  }

  function _hotWord() internal view returns (uint256 word) {
    assembly {
      word := sload(s_hot.slot)
    }
  }

  function _heartbeatExpired(uint256 hotWord) internal view returns (bool) {
    uint256 timeout = uint32(hotWord >> HOT_TIMEOUT_SHIFT);
    return timeout != 0 && block.timestamp > uint256(uint64(hotWord >> HOT_LAST_HEARTBEAT_SHIFT)) + timeout;
  }

  /// @dev Shared by the owner's curses and signed curse votes.
  function _curse(bytes16 subject) internal {
    if (s_cursedSubjectIndexPlusOne[subject] != 0) revert AlreadyCursed(subject);
    uint64 n = s_hot.numCursedSubjects;
    s_cursedSubjects[n] = subject;
    s_cursedSubjectIndexPlusOne[subject] = uint256(n) + 1;
    s_hot.numCursedSubjects = n + 1;
  }

  function _uncurse(bytes16 subject) internal {
    uint256 indexPlusOne = s_cursedSubjectIndexPlusOne[subject];
    if (indexPlusOne == 0) revert NotCursed(subject);
    // Swap-and-pop keeps the list dense.
    uint64 lastIndex = s_hot.numCursedSubjects - 1;
    if (indexPlusOne - 1 != lastIndex) {
      bytes16 last = s_cursedSubjects[lastIndex];
      s_cursedSubjects[indexPlusOne - 1] = last;
      s_cursedSubjectIndexPlusOne[last] = indexPlusOne;
    }
    delete s_cursedSubjects[lastIndex];
    s_hot.numCursedSubjects = lastIndex;
    delete s_cursedSubjectIndexPlusOne[subject];
  }
}
