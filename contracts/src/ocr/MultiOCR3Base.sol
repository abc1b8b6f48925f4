// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";

/// @notice On-chain half of OCR3 for several plugins (commit, execution) sharing one contract.
/// Per plugin type it stores a config (digest, F, signers, transmitters) and authenticates transmissions:
/// the sender must be a configured transmitter and, when verification is on, exactly F+1 distinct configured
/// signers must have signed keccak256(keccak256(report) ++ reportContext).
abstract contract MultiOCR3Base is Ownable2Step {
  /// @dev Signer indexes must fit the uint256 duplicate bitmap; n is a uint8.
  uint256 internal constant MAX_NUM_ORACLES = 256;
  uint256 internal constant MAX_NUM_SIGNERS = 255;
  /// @dev rawVs carries one v byte per signature, so at most 32 signatures fit.
  uint256 internal constant MAX_NUM_SIGNATURES = 32;

  // Calldata layout of a transmission (all words are 32 bytes): selector, reportContext[2], report offset,
  // report length, report words. With signatures also: rs offset, ss offset, rawVs, rs length, ss length.
  uint256 internal constant TRANSMIT_MSGDATA_CONSTANT_LENGTH_COMPONENT = 4 + 2 * 32 + 32 + 32;
  uint256 internal constant TRANSMIT_MSGDATA_EXTRA_CONSTANT_LENGTH_COMPONENT_FOR_SIGNATURES = 5 * 32;

  enum InvalidConfigErrorType {
    F_MUST_BE_POSITIVE,
    TOO_MANY_TRANSMITTERS,
    TOO_MANY_SIGNERS,
    F_TOO_HIGH,
    REPEATED_ORACLE_ADDRESS,
    NO_TRANSMITTERS
  }

  error InvalidConfig(InvalidConfigErrorType errorType);
  error WrongMessageLength(uint256 expected, uint256 actual);
  error ConfigDigestMismatch(bytes32 expected, bytes32 actual);
  error ForkedChain(uint256 expected, uint256 actual);
  error WrongNumberOfSignatures();
  error SignaturesOutOfRegistration();
  error UnauthorizedTransmitter();
  error UnauthorizedSigner();
  error NonUniqueSignatures();
  error OracleCannotBeZeroAddress();
  error StaticConfigCannotBeChanged(uint8 ocrPluginType);

  event ConfigSet(uint8 ocrPluginType, bytes32 configDigest, address[] signers, address[] transmitters, uint8 F);
  event Transmitted(uint8 indexed ocrPluginType, bytes32 configDigest, uint64 sequenceNumber);

  /// @dev Everything _transmit needs besides the oracle lookups: 2 storage slots.
  struct ConfigInfo {
    bytes32 configDigest;
    uint8 F; // ──────────────────────────────╮ max faulty oracles; 0 = plugin not configured
    uint8 n; //                               │ number of signers (0 when verification is off)
    bool isSignatureVerificationEnabled; // ──╯ fixed at the first configuration of the plugin
  }

  struct OCRConfig {
    ConfigInfo configInfo;
    address[] signers;
    address[] transmitters;
  }

  struct OCRConfigArgs {
    bytes32 configDigest;
    uint8 ocrPluginType;
    uint8 F;
    bool isSignatureVerificationEnabled;
    address[] signers;
    address[] transmitters;
  }

  /// @dev One slot per (plugin, address): an address may be a signer and a transmitter at once. A transmitter's
  /// slot also caches F, the verification flag and a tag of the config digest, so _transmit reads this slot only.
  struct Oracle {
    uint8 signerIndex; // ────────────────────╮ bit position in the duplicate-signature bitmap
    bool isSigner; //                         │
    bool isTransmitter; //                    │
    uint8 F; //                               │ copy of ConfigInfo.F (transmitters only)
    bool isSignatureVerificationEnabled; //   │ copy of ConfigInfo's flag (transmitters only)
    bytes27 configDigestTag; // ──────────────╯ _configDigestTag(ConfigInfo.configDigest) (transmitters only)
  }

  mapping(uint8 ocrPluginType => OCRConfig config) internal s_ocrConfigs;
  mapping(uint8 ocrPluginType => mapping(address oracle => Oracle roles)) internal s_oracles;

  /// @dev Reports are bound to the chain the contract was deployed on; a fork invalidates them.
  uint256 internal immutable i_chainID;

  constructor() {
    i_chainID = block.chainid;
  }

  /// @notice Sets the OCR3 config of one or more plugin types.
  /// @dev Virtual so that an inheriting contract may run it elsewhere (the OffRamp delegates it to OffRampAdmin).
  function setOCR3Configs(OCRConfigArgs[] calldata ocrConfigArgs) external virtual onlyOwner {
    for (uint256 i = 0; i < ocrConfigArgs.length; ++i) {
      _setOCR3Config(ocrConfigArgs[i]);
    }
  }

  /// @notice The current config of `ocrPluginType` (all zero when unset).
  function latestConfigDetails(uint8 ocrPluginType) external view returns (OCRConfig memory ocrConfig) {
    return s_ocrConfigs[ocrPluginType];
  }

  function _setOCR3Config(OCRConfigArgs memory args) internal {
    if (args.F == 0) revert InvalidConfig(InvalidConfigErrorType.F_MUST_BE_POSITIVE);
    uint8 ocrPluginType = args.ocrPluginType;
    OCRConfig storage ocrConfig = s_ocrConfigs[ocrPluginType];
    ConfigInfo storage configInfo = ocrConfig.configInfo;

    // Whether a plugin verifies signatures decides its calldata layout, so it can never change.
    if (configInfo.F == 0) {
      configInfo.isSignatureVerificationEnabled = args.isSignatureVerificationEnabled;
    } else if (configInfo.isSignatureVerificationEnabled != args.isSignatureVerificationEnabled) {
      revert StaticConfigCannotBeChanged(ocrPluginType);
    }

    address[] memory transmitters = args.transmitters;
    if (transmitters.length > MAX_NUM_ORACLES) revert InvalidConfig(InvalidConfigErrorType.TOO_MANY_TRANSMITTERS);
    if (transmitters.length == 0) revert InvalidConfig(InvalidConfigErrorType.NO_TRANSMITTERS);

    mapping(address => Oracle) storage oracles = s_oracles[ocrPluginType];
    _clearOracles(oracles, ocrConfig.signers);
    _clearOracles(oracles, ocrConfig.transmitters);

    address[] memory signers;
    if (args.isSignatureVerificationEnabled) {
      signers = args.signers;
      if (signers.length > MAX_NUM_SIGNERS) revert InvalidConfig(InvalidConfigErrorType.TOO_MANY_SIGNERS);
      if (signers.length <= 3 * uint256(args.F) || uint256(args.F) + 1 > MAX_NUM_SIGNATURES) {
        revert InvalidConfig(InvalidConfigErrorType.F_TOO_HIGH);
      }
      if (transmitters.length > signers.length) revert InvalidConfig(InvalidConfigErrorType.TOO_MANY_TRANSMITTERS);
      for (uint256 i = 0; i < signers.length; ++i) {
        address signer = signers[i];
        if (signer == address(0)) revert OracleCannotBeZeroAddress();
        Oracle storage oracle = oracles[signer];
        if (oracle.isSigner) revert InvalidConfig(InvalidConfigErrorType.REPEATED_ORACLE_ADDRESS);
        oracle.isSigner = true;
        oracle.signerIndex = uint8(i);
      }
    }
    // Without verification the signers are neither stored nor used (execution plugin).

    for (uint256 i = 0; i < transmitters.length; ++i) {
      address transmitter = transmitters[i];
      if (transmitter == address(0)) revert OracleCannotBeZeroAddress();
      Oracle storage oracle = oracles[transmitter];
      if (oracle.isTransmitter) revert InvalidConfig(InvalidConfigErrorType.REPEATED_ORACLE_ADDRESS);
      oracle.isTransmitter = true;
      oracle.F = args.F;
      oracle.isSignatureVerificationEnabled = args.isSignatureVerificationEnabled;
      oracle.configDigestTag = _configDigestTag(args.configDigest);
    }

    ocrConfig.signers = signers;
    ocrConfig.transmitters = transmitters;
    configInfo.configDigest = args.configDigest;
    configInfo.F = args.F;
    configInfo.n = uint8(signers.length);

    emit ConfigSet(ocrPluginType, args.configDigest, signers, transmitters, args.F);
    _afterOCR3ConfigSet(ocrPluginType);
  }

  function _clearOracles(mapping(address => Oracle) storage oracles, address[] storage addrs) private {
    for (uint256 i = 0; i < addrs.length; ++i) {
      delete oracles[addrs[i]];
    }
  }

  /// @dev 216 bits of keccak256(configDigest): equal tags mean equal digests (a collision is out of reach), so the
  /// digest check needs no read of the digest's own slot. Never 0 in practice, which no non-transmitter slot matches.
  function _configDigestTag(bytes32 configDigest) internal pure returns (bytes27 tag) {
    assembly {
      mstore(0x00, configDigest)
      tag := and(keccak256(0x00, 0x20), not(0xffffffffff)) // bytes27: the high 27 bytes
    }
  }

  /// @dev Empty signature arrays for plugins without signature verification (their calldata has none).
  function _noSignatures() internal pure returns (bytes32[] calldata empty) {
    assembly {
      empty.offset := 0
      empty.length := 0
    }
  }

  /// @notice Hook for the inheriting contract to validate/react to a new config of `ocrPluginType`.
  function _afterOCR3ConfigSet(uint8 ocrPluginType) internal virtual;

  /// @notice Authenticates a transmission of `report` for `ocrPluginType`; reverts if anything is off.
  /// @dev Must be called from the external entry point whose calldata is (reportContext, report[, rs, ss, rawVs]).
  function _transmit(
    uint8 ocrPluginType,
    bytes32[2] calldata reportContext,
    bytes calldata report,
    bytes32[] calldata rs,
    bytes32[] calldata ss,
    bytes32 rawVs
  ) internal {
    // Role, F, the verification flag and the digest tag come from the transmitter's own slot: one SLOAD.
    Oracle memory transmitter = s_oracles[ocrPluginType][msg.sender];
    bytes32 configDigest = reportContext[0];
    if (transmitter.configDigestTag != _configDigestTag(configDigest) || !transmitter.isTransmitter) {
      // Wrong digest or not a transmitter: the exact error, in the same order of checks as the full reads give.
      bytes32 expectedDigest = s_ocrConfigs[ocrPluginType].configInfo.configDigest;
      if (expectedDigest != configDigest) revert ConfigDigestMismatch(expectedDigest, configDigest);
      if (block.chainid != i_chainID) revert ForkedChain(i_chainID, block.chainid);
      revert UnauthorizedTransmitter();
    }
    if (block.chainid != i_chainID) revert ForkedChain(i_chainID, block.chainid);

    // Exact calldata length: no trailing or smuggled bytes besides the canonical ABI encoding.
    {
      uint256 expected = TRANSMIT_MSGDATA_CONSTANT_LENGTH_COMPONENT + ((report.length + 31) & ~uint256(31));
      if (transmitter.isSignatureVerificationEnabled) {
        expected += TRANSMIT_MSGDATA_EXTRA_CONSTANT_LENGTH_COMPONENT_FOR_SIGNATURES + (rs.length + ss.length) * 32;
      }
      if (msg.data.length != expected) revert WrongMessageLength(expected, msg.data.length);
    }

    if (transmitter.isSignatureVerificationEnabled) {
      if (rs.length != uint256(transmitter.F) + 1) revert WrongNumberOfSignatures();
      if (rs.length != ss.length) revert SignaturesOutOfRegistration();
      bytes32 hashedReport;
      assembly {
        // keccak256(keccak256(report) ++ reportContext), in unallocated memory (nothing here outlives it).
        let m := mload(0x40)
        calldatacopy(m, report.offset, report.length)
        mstore(m, keccak256(m, report.length))
        calldatacopy(add(m, 0x20), reportContext, 0x40)
        hashedReport := keccak256(m, 0x60)
      }
      _verifySignatures(ocrPluginType, hashedReport, rs, ss, rawVs);
    }

    emit Transmitted(ocrPluginType, configDigest, uint64(uint256(reportContext[1])));
  }

  function _verifySignatures(
    uint8 ocrPluginType,
    bytes32 hashedReport,
    bytes32[] calldata rs,
    bytes32[] calldata ss,
    bytes32 rawVs
  ) internal view {
    mapping(address => Oracle) storage oracles = s_oracles[ocrPluginType];
    uint256 seen; // bitmap of signer indexes already counted
    for (uint256 i = 0; i < rs.length; ++i) {
      // ecrecover yields address(0) for invalid signatures, which is never a configured signer.
      address signer = ecrecover(hashedReport, uint8(uint256(rawVs) >> (248 - 8 * i)) + 27, rs[i], ss[i]);
      // One SLOAD gives the signer's role and index (Oracle packs signerIndex in byte 0, isSigner in byte 1).
      uint256 packed;
      assembly {
        mstore(0x00, signer)
        mstore(0x20, oracles.slot)
        packed := sload(keccak256(0x00, 0x40))
      }
      if ((packed >> 8) & 0xff == 0) revert UnauthorizedSigner();
      uint256 bit = 1 << (packed & 0xff);
      if (seen & bit != 0) revert NonUniqueSignatures();
      seen |= bit;
    }
  }
}
