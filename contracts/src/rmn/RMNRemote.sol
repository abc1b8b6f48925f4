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
  error InvalidSignature();
  error InvalidSignerOrder();
  error NotEnoughSigners();
  error NonCanonicalEncoding();
  error NotCursed(bytes16 subject);
  error OutOfOrderSignatures();
  error ThresholdNotMet();
  error UnexpectedSigner();
  error ZeroValueNotAllowed();

  event ConfigSet(uint32 indexed version, Config config);
  event Cursed(bytes16[] subjects);
  event Uncursed(bytes16[] subjects);

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
  uint8 internal constant ECDSA_RECOVERY_V = 27;

  uint64 internal immutable i_localChainSelector;

  /// @dev The hot slot: verify() reads version and fSign, isCursed() the curse count, all with one SLOAD. A commit
  /// calls both, so its isCursed() finds the slot warm.
  struct HotSlot {
    uint32 configVersion; // ──────╮ 0 = never configured
    uint64 fSign; //               │
    uint64 numCursedSubjects; // ──╯ 0 = nothing cursed: isCursed answers from this slot alone
  }

  HotSlot private s_hot;
  bytes32 private s_rmnHomeContractConfigDigest;
  Signer[] private s_signers;
  /// @dev Config version in which the key is a signer: no clearing needed when the config changes.
  mapping(address signer => uint32 version) private s_signerVersion;

  /// @dev Cursed subjects as a dense list (index => subject) and each subject's index + 1.
  mapping(uint256 index => bytes16 subject) private s_cursedSubjects;
  mapping(bytes16 subject => uint256 indexPlusOne) private s_cursedSubjectIndexPlusOne;

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
    HotSlot memory hot = s_hot;
    uint32 version = hot.configVersion;
    if (version == 0) revert ConfigNotSet();
    if (signatures.length < uint256(hot.fSign) + 1) revert ThresholdNotMet();

    bytes32 digest = _reportDigest(offRampAddress, merkleRoots);

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
    emit Uncursed(subjects);
  }

  /// @inheritdoc IRMNRemote
  function getCursedSubjects() external view override returns (bytes16[] memory subjects) {
    subjects = new bytes16[](s_hot.numCursedSubjects);
    for (uint256 i = 0; i < subjects.length; ++i) {
      subjects[i] = s_cursedSubjects[i];
    }
  }

  /// @inheritdoc IRMNRemote
  function isCursed() external view override returns (bool) {
    if (s_hot.numCursedSubjects == 0) return false;
    return s_cursedSubjectIndexPlusOne[GLOBAL_CURSE_SUBJECT] != 0;
  }

  /// @inheritdoc IRMNRemote
  function isCursed(bytes16 subject) external view override returns (bool) {
    // The common case (nothing cursed) costs one SLOAD.
    if (s_hot.numCursedSubjects == 0) return false;
    return s_cursedSubjectIndexPlusOne[subject] != 0 || s_cursedSubjectIndexPlusOne[GLOBAL_CURSE_SUBJECT] != 0;
  }

  /// @dev Internal so that signed curse votes (a later extension) can reuse it.
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
