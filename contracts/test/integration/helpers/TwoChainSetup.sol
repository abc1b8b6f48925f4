// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ConfigurableReceiver} from "../../../src/applications/ConfigurableReceiver.sol";
import {MessageReceiver} from "../../../src/applications/MessageReceiver.sol";
import {FeeQuoter} from "../../../src/core/FeeQuoter.sol";
import {NonceManager} from "../../../src/core/NonceManager.sol";
import {OffRamp} from "../../../src/core/OffRamp.sol";
import {OnRamp} from "../../../src/core/OnRamp.sol";
import {Router} from "../../../src/core/Router.sol";
import {AuthorizedCallers} from "../../../src/access/AuthorizedCallers.sol";
import {IBurnMintERC20} from "../../../src/interfaces/IBurnMintERC20.sol";
import {IRMNRemote} from "../../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../../src/interfaces/IRouter.sol";
import {Client} from "../../../src/libraries/Client.sol";
import {Internal} from "../../../src/libraries/Internal.sol";
import {RateLimiter} from "../../../src/libraries/RateLimiter.sol";
import {MultiOCR3Base} from "../../../src/ocr/MultiOCR3Base.sol";
import {BurnMintTokenPool} from "../../../src/pools/BurnMintTokenPool.sol";
import {LockReleaseTokenPool} from "../../../src/pools/LockReleaseTokenPool.sol";
import {TokenPool} from "../../../src/pools/TokenPool.sol";
import {RMNRemote} from "../../../src/rmn/RMNRemote.sol";
import {RegistryModuleOwnerCustom} from "../../../src/tokenAdminRegistry/RegistryModuleOwnerCustom.sol";
import {TokenAdminRegistry} from "../../../src/tokenAdminRegistry/TokenAdminRegistry.sol";
import {BurnMintERC20} from "../../../src/tokens/BurnMintERC20.sol";
import {LinkToken} from "../../../src/tokens/LinkToken.sol";
import {WrappedNative} from "../../../src/tokens/WrappedNative.sol";
import {MerkleHelper} from "../../core-dst/helpers/MerkleHelper.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice Two complete CCIP chains (A and B) in one EVM, wired both ways with real contracts only, plus the
/// off-chain roles (commit DON, RMN, execute DON) played in Solidity: sign and commit roots, build multi-proofs,
/// execute. Lane A->B requires RMN blessings; lane B->A does not.
abstract contract TwoChainSetup is Test {
  uint64 internal constant CHAIN_A = 7759470850252068959; // anvil
  uint64 internal constant CHAIN_B = 3379446385462418246;

  uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
  uint32 internal constant PERMISSIONLESS_THRESHOLD = 1 hours;
  uint16 internal constant GAS_FOR_CALL_EXACT_CHECK = 5_000;
  uint8 internal constant OCR_F = 1;
  uint256 internal constant OCR_N = 4;
  uint256 internal constant RMN_N = 3;
  uint64 internal constant RMN_F_SIGN = 1;

  uint224 internal constant LINK_USD = 20e18;
  uint224 internal constant WETH_USD = 2000e18;
  uint224 internal constant GAS_USD = 2e12; // 1 gwei at $2000/ETH, 1e18 per USD
  uint96 internal constant MAX_FEE_JUELS = 1_000e18;
  uint32 internal constant DEFAULT_GAS_LIMIT = 200_000;

  uint256 internal constant INITIAL_SUPPLY = 1_000_000e18;
  uint256 internal constant LIQUIDITY = 100_000e18;
  uint128 internal constant RL_CAPACITY = 100_000e18;
  uint128 internal constant RL_RATE = 100e18;
  uint8 internal constant D_TOKEN_DECIMALS_A = 18;
  uint8 internal constant D_TOKEN_DECIMALS_B = 6;

  bytes16 internal constant GLOBAL_CURSE = 0x01000000000000000000000000000001;

  /// @dev Everything deployed on one chain.
  struct CCIPChain {
    uint64 selector;
    uint64 remote;
    WrappedNative weth;
    LinkToken link;
    RMNRemote rmn;
    TokenAdminRegistry tar;
    RegistryModuleOwnerCustom registryModule;
    NonceManager nonceManager;
    FeeQuoter feeQuoter;
    Router router;
    OnRamp onRamp;
    OffRamp offRamp;
    BurnMintERC20 bmToken; // burn/mint token (18 decimals on both chains)
    BurnMintTokenPool bmPool;
    BurnMintERC20 lrToken; // lock/release token (18 decimals on both chains)
    LockReleaseTokenPool lrPool;
    BurnMintERC20 dToken; // burn/mint token with 18 decimals on A and 6 on B
    BurnMintTokenPool dPool;
    MessageReceiver receiver;
    ConfigurableReceiver cfgReceiver;
    address transmitter;
    bytes32 commitDigest;
    bytes32 execDigest;
    uint64 ocrSeqNr;
  }

  mapping(uint64 selector => CCIPChain) internal s_chains;
  mapping(uint64 selector => uint256[]) internal s_ocrKeys;
  mapping(uint64 selector => uint256[]) internal s_rmnKeys; // ascending by address
  mapping(address pool => uint256 amount) internal s_liquidity;

  address internal s_tokenOwner;
  address internal s_feeAggregator;

  function _deployTwoChains() internal {
    vm.warp(1_700_000_000);
    s_tokenOwner = makeAddr("tokenOwner");
    s_feeAggregator = makeAddr("feeAggregator");

    _deployCore(CHAIN_A, CHAIN_B);
    _deployCore(CHAIN_B, CHAIN_A);
    _deployTokens(CHAIN_A, D_TOKEN_DECIMALS_A);
    _deployTokens(CHAIN_B, D_TOKEN_DECIMALS_B);
    _wireLane(CHAIN_A, CHAIN_B, false); // A->B: RMN blessing required
    _wireLane(CHAIN_B, CHAIN_A, true); // B->A: unblessed roots
    _wireTokens(CHAIN_A);
    _wireTokens(CHAIN_B);
  }

  // ================================================================
  // │                         Deployment                           │
  // ================================================================

  function _deployCore(uint64 sel, uint64 remote) internal {
    CCIPChain storage c = s_chains[sel];
    c.selector = sel;
    c.remote = remote;
    c.weth = new WrappedNative("Wrapped Ether", "WETH");
    c.link = new LinkToken();
    c.rmn = new RMNRemote(sel);
    _configureRMN(c);

    c.tar = new TokenAdminRegistry();
    c.registryModule = new RegistryModuleOwnerCustom(address(c.tar));
    c.tar.addRegistryModule(address(c.registryModule));

    c.nonceManager = new NonceManager(new address[](0));
    c.feeQuoter = _deployFeeQuoter(c);
    c.router = new Router(address(c.weth), address(c.rmn));

    OnRamp.DestChainConfigArgs[] memory dests = new OnRamp.DestChainConfigArgs[](1);
    dests[0] = OnRamp.DestChainConfigArgs({destChainSelector: remote, router: IRouter(address(c.router)), allowlistEnabled: false});
    c.onRamp = new OnRamp(
      OnRamp.StaticConfig({
        chainSelector: sel,
        rmnRemote: IRMNRemote(address(c.rmn)),
        nonceManager: address(c.nonceManager),
        tokenAdminRegistry: address(c.tar)
      }),
      OnRamp.DynamicConfig({
        feeQuoter: address(c.feeQuoter),
        reentrancyGuardEntered: false,
        messageInterceptor: address(0),
        feeAggregator: s_feeAggregator,
        allowlistAdmin: address(0)
      }),
      dests
    );
    c.offRamp = new OffRamp(
      OffRamp.StaticConfig({
        chainSelector: sel,
        gasForCallExactCheck: GAS_FOR_CALL_EXACT_CHECK,
        rmnRemote: IRMNRemote(address(c.rmn)),
        tokenAdminRegistry: address(c.tar),
        nonceManager: address(c.nonceManager)
      }),
      OffRamp.DynamicConfig({
        feeQuoter: address(c.feeQuoter),
        permissionLessExecutionThresholdSeconds: PERMISSIONLESS_THRESHOLD,
        messageInterceptor: address(0)
      }),
      new OffRamp.SourceChainConfigArgs[](0)
    );

    address[] memory callers = new address[](2);
    callers[0] = address(c.onRamp);
    callers[1] = address(c.offRamp);
    c.nonceManager.applyAuthorizedCallerUpdates(
      AuthorizedCallers.AuthorizedCallerArgs({addedCallers: callers, removedCallers: new address[](0)})
    );
    // Prices come from commit reports (the OffRamp); this contract seeds the first ones.
    callers[0] = address(c.offRamp);
    callers[1] = address(this);
    c.feeQuoter.applyAuthorizedCallerUpdates(
      AuthorizedCallers.AuthorizedCallerArgs({addedCallers: callers, removedCallers: new address[](0)})
    );
    _seedPrices(c);

    Router.OnRamp[] memory onRamps = new Router.OnRamp[](1);
    onRamps[0] = Router.OnRamp({destChainSelector: remote, onRamp: address(c.onRamp)});
    Router.OffRamp[] memory offRamps = new Router.OffRamp[](1);
    offRamps[0] = Router.OffRamp({sourceChainSelector: remote, offRamp: address(c.offRamp)});
    c.router.applyRampUpdates(onRamps, new Router.OffRamp[](0), offRamps);

    _configureOCR(c);

    c.receiver = new MessageReceiver(address(c.router));
    c.cfgReceiver = new ConfigurableReceiver(address(c.router));
  }

  function _configureRMN(CCIPChain storage c) internal {
    uint256[] storage keys = s_rmnKeys[c.selector];
    for (uint256 i = 0; i < RMN_N; ++i) {
      (, uint256 key) = makeAddrAndKey(string.concat("rmn-", vm.toString(c.selector), "-", vm.toString(i)));
      keys.push(key);
    }
    // Ascending by address: the order RMNRemote.verify requires.
    for (uint256 i = 0; i < RMN_N; ++i) {
      for (uint256 j = i + 1; j < RMN_N; ++j) {
        if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
      }
    }
    RMNRemote.Signer[] memory signers = new RMNRemote.Signer[](RMN_N);
    for (uint256 i = 0; i < RMN_N; ++i) {
      signers[i] = RMNRemote.Signer({onchainPublicKey: vm.addr(keys[i]), nodeIndex: uint64(i)});
    }
    c.rmn.setConfig(
      RMNRemote.Config({
        rmnHomeContractConfigDigest: keccak256(abi.encode("rmn home", c.selector)),
        signers: signers,
        fSign: RMN_F_SIGN
      })
    );
  }

  function _deployFeeQuoter(CCIPChain storage c) internal returns (FeeQuoter) {
    address[] memory feeTokens = new address[](2);
    feeTokens[0] = address(c.link);
    feeTokens[1] = address(c.weth);
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory premiums = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](2);
    premiums[0] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(c.link), premiumMultiplierWeiPerEth: 9e17});
    premiums[1] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(c.weth), premiumMultiplierWeiPerEth: 1e18});
    FeeQuoter.DestChainConfigArgs[] memory dests = new FeeQuoter.DestChainConfigArgs[](1);
    dests[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: c.remote, destChainConfig: _feeQuoterDestConfig()});
    return new FeeQuoter(
      FeeQuoter.StaticConfig({maxFeeJuelsPerMsg: MAX_FEE_JUELS, linkToken: address(c.link), tokenPriceStalenessThreshold: 0}),
      new address[](0),
      feeTokens,
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      premiums,
      dests
    );
  }

  function _feeQuoterDestConfig() internal pure returns (FeeQuoter.DestChainConfig memory) {
    return FeeQuoter.DestChainConfig({
      isEnabled: true,
      maxNumberOfTokensPerMsg: 5,
      maxDataBytes: 30_000,
      maxPerMsgGasLimit: 3_000_000,
      destGasOverhead: 300_000,
      destGasPerPayloadByteBase: 16,
      destGasPerPayloadByteHigh: 40,
      destGasPerPayloadByteThreshold: 3_000,
      destDataAvailabilityOverheadGas: 0,
      destGasPerDataAvailabilityByte: 0,
      destDataAvailabilityMultiplierBps: 0,
      chainFamilySelector: Internal.CHAIN_FAMILY_SELECTOR_EVM,
      enforceOutOfOrder: false,
      defaultTokenFeeUSDCents: 25,
      defaultTokenDestGasOverhead: 90_000,
      defaultTxGasLimit: DEFAULT_GAS_LIMIT,
      gasMultiplierWeiPerEth: 11e17,
      gasPriceStalenessThreshold: 0,
      networkFeeUSDCents: 10
    });
  }

  function _seedPrices(CCIPChain storage c) internal {
    Internal.PriceUpdates memory p;
    p.tokenPriceUpdates = new Internal.TokenPriceUpdate[](2);
    p.tokenPriceUpdates[0] = Internal.TokenPriceUpdate({sourceToken: address(c.link), usdPerToken: LINK_USD});
    p.tokenPriceUpdates[1] = Internal.TokenPriceUpdate({sourceToken: address(c.weth), usdPerToken: WETH_USD});
    p.gasPriceUpdates = new Internal.GasPriceUpdate[](1);
    p.gasPriceUpdates[0] = Internal.GasPriceUpdate({destChainSelector: c.remote, usdPerUnitGas: GAS_USD});
    c.feeQuoter.updatePrices(p);
  }

  function _configureOCR(CCIPChain storage c) internal {
    address[] memory signers = new address[](OCR_N);
    for (uint256 i = 0; i < OCR_N; ++i) {
      (address signer, uint256 key) =
        makeAddrAndKey(string.concat("ocr-", vm.toString(c.selector), "-", vm.toString(i)));
      s_ocrKeys[c.selector].push(key);
      signers[i] = signer;
    }
    c.transmitter = makeAddr(string.concat("transmitter-", vm.toString(c.selector)));
    c.commitDigest = keccak256(abi.encode("commit", c.selector));
    c.execDigest = keccak256(abi.encode("exec", c.selector));
    address[] memory transmitters = new address[](1);
    transmitters[0] = c.transmitter;

    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](2);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: c.commitDigest,
      ocrPluginType: uint8(Internal.OCRPluginType.Commit),
      F: OCR_F,
      isSignatureVerificationEnabled: true,
      signers: signers,
      transmitters: transmitters
    });
    cfgs[1] = MultiOCR3Base.OCRConfigArgs({
      configDigest: c.execDigest,
      ocrPluginType: uint8(Internal.OCRPluginType.Execution),
      F: OCR_F,
      isSignatureVerificationEnabled: false,
      signers: signers,
      transmitters: transmitters
    });
    c.offRamp.setOCR3Configs(cfgs);
  }

  /// @dev Tokens are deployed and registered self-serve by their owner (not by the registry owner).
  function _deployTokens(uint64 sel, uint8 dDecimals) internal {
    CCIPChain storage c = s_chains[sel];
    vm.startPrank(s_tokenOwner);

    c.bmToken = new BurnMintERC20("BurnMint Token", "BMT", 18, 0, INITIAL_SUPPLY);
    c.bmPool = new BurnMintTokenPool(
      IBurnMintERC20(address(c.bmToken)), 18, new address[](0), address(c.rmn), address(c.router)
    );
    c.bmToken.grantMintAndBurnRoles(address(c.bmPool));
    c.registryModule.registerAdminViaGetCCIPAdmin(address(c.bmToken));
    c.tar.acceptAdminRole(address(c.bmToken));
    c.tar.setPool(address(c.bmToken), address(c.bmPool));

    c.lrToken = new BurnMintERC20("LockRelease Token", "LRT", 18, 0, INITIAL_SUPPLY);
    c.lrPool = new LockReleaseTokenPool(
      IERC20(address(c.lrToken)), 18, new address[](0), address(c.rmn), true, address(c.router)
    );
    c.registryModule.registerAdminViaOwner(address(c.lrToken));
    c.tar.acceptAdminRole(address(c.lrToken));
    c.tar.setPool(address(c.lrToken), address(c.lrPool));
    c.lrPool.setRebalancer(s_tokenOwner);
    c.lrToken.approve(address(c.lrPool), LIQUIDITY);
    c.lrPool.provideLiquidity(LIQUIDITY);
    s_liquidity[address(c.lrPool)] += LIQUIDITY;

    c.dToken = new BurnMintERC20("Decimals Token", "DEC", dDecimals, 0, 1_000_000 * 10 ** dDecimals);
    c.dPool = new BurnMintTokenPool(
      IBurnMintERC20(address(c.dToken)), dDecimals, new address[](0), address(c.rmn), address(c.router)
    );
    c.dToken.grantMintAndBurnRoles(address(c.dPool));
    c.registryModule.registerAdminViaOwner(address(c.dToken));
    c.tar.acceptAdminRole(address(c.dToken));
    c.tar.setPool(address(c.dToken), address(c.dPool));

    vm.stopPrank();
  }

  function _wireLane(uint64 sel, uint64 remote, bool rmnDisabledOnRemote) internal {
    CCIPChain storage src = s_chains[sel];
    CCIPChain storage dst = s_chains[remote];
    OffRamp.SourceChainConfigArgs[] memory cfgs = new OffRamp.SourceChainConfigArgs[](1);
    cfgs[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(dst.router)),
      sourceChainSelector: sel,
      isEnabled: true,
      isRMNVerificationDisabled: rmnDisabledOnRemote,
      onRamp: abi.encode(address(src.onRamp))
    });
    dst.offRamp.applySourceChainConfigUpdates(cfgs);
  }

  function _wireTokens(uint64 sel) internal {
    CCIPChain storage c = s_chains[sel];
    CCIPChain storage r = s_chains[c.remote];
    uint256 dScale = 10 ** (sel == CHAIN_A ? D_TOKEN_DECIMALS_A : D_TOKEN_DECIMALS_B);
    vm.startPrank(s_tokenOwner);
    _addRemote(c.bmPool, c.remote, address(r.bmPool), address(r.bmToken), RL_CAPACITY, RL_RATE);
    _addRemote(c.lrPool, c.remote, address(r.lrPool), address(r.lrToken), RL_CAPACITY, RL_RATE);
    _addRemote(
      c.dPool, c.remote, address(r.dPool), address(r.dToken), uint128(100_000 * dScale), uint128(100 * dScale)
    );
    vm.stopPrank();
  }

  function _addRemote(
    TokenPool pool,
    uint64 remote,
    address remotePool,
    address remoteToken,
    uint128 capacity,
    uint128 rate
  ) internal {
    TokenPool.ChainUpdate[] memory updates = new TokenPool.ChainUpdate[](1);
    bytes[] memory remotePools = new bytes[](1);
    remotePools[0] = abi.encode(remotePool);
    RateLimiter.Config memory rl = RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate});
    updates[0] = TokenPool.ChainUpdate({
      remoteChainSelector: remote,
      remotePoolAddresses: remotePools,
      remoteTokenAddress: abi.encode(remoteToken),
      outboundRateLimiterConfig: rl,
      inboundRateLimiterConfig: rl
    });
    pool.applyChainUpdates(new uint64[](0), updates);
  }

  // ================================================================
  // │                        User helpers                          │
  // ================================================================

  function _other(uint64 sel) internal pure returns (uint64) {
    return sel == CHAIN_A ? CHAIN_B : CHAIN_A;
  }

  /// @dev Hands `to` tokens from the token owner's pre-mint.
  function _fund(IERC20 token, address to, uint256 amount) internal {
    vm.prank(s_tokenOwner);
    token.transfer(to, amount);
  }

  function _tokens(address token, uint256 amount) internal pure returns (Client.EVMTokenAmount[] memory t) {
    t = new Client.EVMTokenAmount[](1);
    t[0] = Client.EVMTokenAmount({token: token, amount: amount});
  }

  function _noTokens() internal pure returns (Client.EVMTokenAmount[] memory) {
    return new Client.EVMTokenAmount[](0);
  }

  function _extraArgs(uint256 gasLimit, bool allowOutOfOrder) internal pure returns (bytes memory) {
    return Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: gasLimit, allowOutOfOrderExecution: allowOutOfOrder}));
  }

  /// @notice `from` sends a message to chain `to` through the Router of the other chain, paying the exact fee
  /// (minted LINK, or dealt native/wrapped native) and approving its tokens. Returns the emitted message.
  function _send(
    address from,
    uint64 to,
    address receiver,
    bytes memory data,
    Client.EVMTokenAmount[] memory tokens,
    address feeToken,
    bytes memory extraArgs
  ) internal returns (Internal.EVM2AnyRampMessage memory sent) {
    CCIPChain storage src = s_chains[_other(to)];
    Client.EVM2AnyMessage memory message = Client.EVM2AnyMessage({
      receiver: abi.encode(receiver),
      data: data,
      tokenAmounts: tokens,
      feeToken: feeToken,
      extraArgs: extraArgs
    });
    uint256 fee = src.router.getFee(to, message);
    uint256 value;
    if (feeToken == address(0)) {
      vm.deal(from, from.balance + fee);
      value = fee;
    } else if (feeToken == address(src.link)) {
      src.link.mint(from, fee);
    } else {
      vm.deal(from, from.balance + fee);
      vm.prank(from);
      src.weth.deposit{value: fee}();
    }

    vm.startPrank(from);
    if (feeToken != address(0)) IERC20(feeToken).approve(address(src.router), fee);
    for (uint256 i = 0; i < tokens.length; ++i) {
      IERC20(tokens[i].token).approve(address(src.router), tokens[i].amount);
    }
    vm.recordLogs();
    bytes32 messageId = src.router.ccipSend{value: value}(to, message);
    vm.stopPrank();

    sent = _findSentMessage(vm.getRecordedLogs(), address(src.onRamp));
    assertEq(sent.header.messageId, messageId, "messageId returned != emitted");
  }

  function _findSentMessage(Vm.Log[] memory logs, address onRamp)
    internal
    pure
    returns (Internal.EVM2AnyRampMessage memory)
  {
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == onRamp && logs[i].topics[0] == OnRamp.CCIPMessageSent.selector) {
        return abi.decode(logs[i].data, (Internal.EVM2AnyRampMessage));
      }
    }
    revert("no CCIPMessageSent");
  }

  function _single(Internal.EVM2AnyRampMessage memory m) internal pure returns (Internal.EVM2AnyRampMessage[] memory a) {
    a = new Internal.EVM2AnyRampMessage[](1);
    a[0] = m;
  }

  function _all(uint256 n) internal pure returns (uint256[] memory idx) {
    idx = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      idx[i] = i;
    }
  }

  function _one(uint256 i) internal pure returns (uint256[] memory idx) {
    idx = new uint256[](1);
    idx[0] = i;
  }

  // ================================================================
  // │               Conversion (what the DON does)                 │
  // ================================================================

  /// @notice The destination form of a source message, as the execute plugin derives it from CCIPMessageSent.
  function _toAny2EVM(Internal.EVM2AnyRampMessage memory m) internal pure returns (Internal.Any2EVMRampMessage memory r) {
    r.header = m.header;
    r.sender = abi.encode(m.sender);
    r.data = m.data;
    r.receiver = abi.decode(m.receiver, (address));
    r.gasLimit = _gasLimitOf(m.extraArgs);
    r.tokenAmounts = new Internal.Any2EVMTokenTransfer[](m.tokenAmounts.length);
    for (uint256 i = 0; i < m.tokenAmounts.length; ++i) {
      Internal.EVM2AnyTokenTransfer memory t = m.tokenAmounts[i];
      r.tokenAmounts[i] = Internal.Any2EVMTokenTransfer({
        sourcePoolAddress: abi.encode(t.sourcePoolAddress),
        destTokenAddress: abi.decode(t.destTokenAddress, (address)),
        destGasAmount: abi.decode(t.destExecData, (uint32)),
        extraData: t.extraData,
        amount: t.amount
      });
    }
  }

  /// @dev The OnRamp always emits GenericExtraArgsV2.
  function _gasLimitOf(bytes memory extraArgs) internal pure returns (uint256) {
    require(extraArgs.length == 68 && bytes4(extraArgs) == Client.GENERIC_EXTRA_ARGS_V2_TAG, "not GenericExtraArgsV2");
    bytes memory body = new bytes(64);
    for (uint256 i = 0; i < 64; ++i) {
      body[i] = extraArgs[4 + i];
    }
    return abi.decode(body, (Client.GenericExtraArgsV2)).gasLimit;
  }

  function _leaves(uint64 dest, Internal.EVM2AnyRampMessage[] memory msgs) internal view returns (bytes32[] memory leaves) {
    uint64 source = _other(dest);
    bytes32 metadataHash = Internal._any2EvmMetadataHash(source, dest, abi.encode(address(s_chains[source].onRamp)));
    leaves = new bytes32[](msgs.length);
    for (uint256 i = 0; i < msgs.length; ++i) {
      leaves[i] = Internal._hash(_toAny2EVM(msgs[i]), metadataHash);
    }
  }

  // ================================================================
  // │                  Commit (commit DON + RMN)                   │
  // ================================================================

  function _merkleRootOf(uint64 dest, Internal.EVM2AnyRampMessage[] memory msgs)
    internal
    view
    returns (Internal.MerkleRoot memory)
  {
    uint64 source = _other(dest);
    return Internal.MerkleRoot({
      sourceChainSelector: source,
      onRampAddress: abi.encode(address(s_chains[source].onRamp)),
      minSeqNr: msgs[0].header.sequenceNumber,
      maxSeqNr: msgs[msgs.length - 1].header.sequenceNumber,
      merkleRoot: MerkleHelper.root(_leaves(dest, msgs))
    });
  }

  function _noPrices() internal pure returns (Internal.PriceUpdates memory p) {
    p.tokenPriceUpdates = new Internal.TokenPriceUpdate[](0);
    p.gasPriceUpdates = new Internal.GasPriceUpdate[](0);
  }

  /// @notice Commits one root over `msgs` (consecutive sequence numbers of the lane into `dest`).
  function _commit(uint64 dest, Internal.EVM2AnyRampMessage[] memory msgs) internal returns (bytes32) {
    Internal.MerkleRoot memory root = _merkleRootOf(dest, msgs);
    _submitCommit(dest, _commitReport(dest, root, _noPrices()));
    return root.merkleRoot;
  }

  /// @dev Blessed (RMN-signed) when the lane requires it, unblessed otherwise.
  function _commitReport(uint64 dest, Internal.MerkleRoot memory root, Internal.PriceUpdates memory prices)
    internal
    view
    returns (Internal.CommitReport memory r)
  {
    r.priceUpdates = prices;
    Internal.MerkleRoot[] memory roots = new Internal.MerkleRoot[](1);
    roots[0] = root;
    if (s_chains[dest].offRamp.getSourceChainConfig(root.sourceChainSelector).isRMNVerificationDisabled) {
      r.blessedMerkleRoots = new Internal.MerkleRoot[](0);
      r.unblessedMerkleRoots = roots;
      r.rmnSignatures = new IRMNRemote.Signature[](0);
    } else {
      r.blessedMerkleRoots = roots;
      r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
      r.rmnSignatures = _rmnSign(dest, roots);
    }
  }

  /// @notice fSign + 1 RMN signatures (v = 27, ascending signer addresses) over the roots for `dest`'s OffRamp.
  function _rmnSign(uint64 dest, Internal.MerkleRoot[] memory roots)
    internal
    view
    returns (IRMNRemote.Signature[] memory sigs)
  {
    CCIPChain storage c = s_chains[dest];
    (, RMNRemote.Config memory cfg) = c.rmn.getVersionedConfig();
    bytes32 digest = keccak256(
      abi.encode(
        c.rmn.getReportDigestHeader(),
        RMNRemote.Report({
          destChainId: block.chainid,
          destChainSelector: dest,
          rmnRemoteContractAddress: address(c.rmn),
          offrampAddress: address(c.offRamp),
          rmnHomeContractConfigDigest: cfg.rmnHomeContractConfigDigest,
          merkleRoots: roots
        })
      )
    );
    uint256[] storage keys = s_rmnKeys[dest];
    sigs = new IRMNRemote.Signature[](RMN_F_SIGN + 1);
    for (uint256 i = 0; i < sigs.length; ++i) {
      (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
      // Only v = 27 is accepted: (r, s, 28) is the same signature as (r, n - s, 27).
      if (v == 28) s = bytes32(SECP256K1_N - uint256(s));
      sigs[i] = IRMNRemote.Signature({r: r, s: s});
    }
  }

  /// @notice Signs the report with exactly F + 1 distinct commit oracles and transmits it.
  function _submitCommit(uint64 dest, Internal.CommitReport memory r) internal {
    CCIPChain storage c = s_chains[dest];
    bytes memory report = abi.encode(r);
    bytes32[2] memory ctx = [c.commitDigest, bytes32(uint256(++c.ocrSeqNr))];
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _ocrSign(dest, report, ctx);
    vm.prank(c.transmitter);
    c.offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  function _ocrSign(uint64 dest, bytes memory report, bytes32[2] memory ctx)
    internal
    view
    returns (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs)
  {
    bytes32 h = keccak256(abi.encodePacked(keccak256(report), ctx));
    uint256 n = uint256(OCR_F) + 1;
    rs = new bytes32[](n);
    ss = new bytes32[](n);
    for (uint256 i = 0; i < n; ++i) {
      (uint8 v, bytes32 r, bytes32 s) = vm.sign(s_ocrKeys[dest][i], h);
      rs[i] = r;
      ss[i] = s;
      rawVs |= bytes32(uint256(v - 27) << (248 - 8 * i));
    }
  }

  // ================================================================
  // │                    Execute (execute DON)                     │
  // ================================================================

  /// @notice An execution report for msgs[indices], proven against the root committed over all of `msgs`.
  function _execReport(uint64 dest, Internal.EVM2AnyRampMessage[] memory msgs, uint256[] memory indices)
    internal
    view
    returns (Internal.ExecutionReport memory r)
  {
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(_leaves(dest, msgs), indices);
    r.sourceChainSelector = _other(dest);
    r.messages = new Internal.Any2EVMRampMessage[](indices.length);
    r.offchainTokenData = new bytes[][](indices.length);
    for (uint256 i = 0; i < indices.length; ++i) {
      r.messages[i] = _toAny2EVM(msgs[indices[i]]);
      r.offchainTokenData[i] = new bytes[](msgs[indices[i]].tokenAmounts.length);
    }
    r.proofs = proofs;
    r.proofFlagBits = flags;
  }

  function _execute(uint64 dest, Internal.EVM2AnyRampMessage[] memory msgs, uint256[] memory indices) internal {
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(dest, msgs, indices);
    _executeReports(dest, reports);
  }

  function _executeReports(uint64 dest, Internal.ExecutionReport[] memory reports) internal {
    CCIPChain storage c = s_chains[dest];
    bytes32[2] memory ctx = [c.execDigest, bytes32(uint256(1))];
    vm.prank(c.transmitter);
    c.offRamp.execute(ctx, abi.encode(reports));
  }

  function _noOverrides(Internal.ExecutionReport memory r) internal pure returns (OffRamp.GasLimitOverride[][] memory o) {
    o = new OffRamp.GasLimitOverride[][](1);
    o[0] = new OffRamp.GasLimitOverride[](r.messages.length);
    for (uint256 i = 0; i < r.messages.length; ++i) {
      o[0][i].tokenGasOverrides = new uint32[](r.messages[i].tokenAmounts.length);
    }
  }

  /// @notice Permissionless manual execution of msgs[indices] by `caller`, without gas overrides.
  function _manuallyExecute(
    address caller,
    uint64 dest,
    Internal.EVM2AnyRampMessage[] memory msgs,
    uint256[] memory indices
  ) internal {
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(dest, msgs, indices);
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(reports[0]);
    vm.prank(caller);
    s_chains[dest].offRamp.manuallyExecute(reports, o);
  }

  /// @dev An ExecutionStateChanged event, decoded.
  struct ExecEvent {
    uint64 sourceChainSelector;
    uint64 sequenceNumber;
    bytes32 messageId;
    Internal.MessageExecutionState state;
    bytes returnData;
    uint256 gasUsed;
  }

  function _execEvents(Vm.Log[] memory logs, address offRamp) internal pure returns (ExecEvent[] memory evs) {
    uint256 n;
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == offRamp && logs[i].topics[0] == OffRamp.ExecutionStateChanged.selector) ++n;
    }
    evs = new ExecEvent[](n);
    n = 0;
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter != offRamp || logs[i].topics[0] != OffRamp.ExecutionStateChanged.selector) continue;
      (, uint8 state, bytes memory ret, uint256 gasUsed) = abi.decode(logs[i].data, (bytes32, uint8, bytes, uint256));
      evs[n++] = ExecEvent({
        sourceChainSelector: uint64(uint256(logs[i].topics[1])),
        sequenceNumber: uint64(uint256(logs[i].topics[2])),
        messageId: logs[i].topics[3],
        state: Internal.MessageExecutionState(state),
        returnData: ret,
        gasUsed: gasUsed
      });
    }
  }

  function _countLogs(Vm.Log[] memory logs, address emitter, bytes32 topic0) internal pure returns (uint256 n) {
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].emitter == emitter && logs[i].topics.length > 0 && logs[i].topics[0] == topic0) ++n;
    }
  }

  /// @notice Commits `m` alone and executes it through the DON; returns its ExecutionStateChanged event.
  function _deliver(uint64 dest, Internal.EVM2AnyRampMessage memory m) internal returns (ExecEvent memory) {
    _commit(dest, _single(m));
    vm.recordLogs();
    _execute(dest, _single(m), _one(0));
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(s_chains[dest].offRamp));
    assertEq(evs.length, 1, "one ExecutionStateChanged");
    assertEq(evs[0].messageId, m.header.messageId, "event messageId");
    assertEq(evs[0].sequenceNumber, m.header.sequenceNumber, "event seqNr");
    return evs[0];
  }

  function _state(uint64 dest, Internal.EVM2AnyRampMessage memory m) internal view returns (Internal.MessageExecutionState) {
    return s_chains[dest].offRamp.getExecutionState(m.header.sourceChainSelector, m.header.sequenceNumber);
  }
}
