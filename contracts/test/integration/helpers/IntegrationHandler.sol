// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../../../src/libraries/Client.sol";
import {Internal} from "../../../src/libraries/Internal.sol";
import {OffRamp} from "../../../src/core/OffRamp.sol";
import {TwoChainSetup} from "./TwoChainSetup.sol";

/// @notice Drives both chains at random for the invariant suite: sends (both directions, both tokens, ordered and
/// out of order, random senders and receivers), commits of random prefixes, DON executions of random subsets of
/// committed roots (duplicated, out of order), manual executions, receiver failures, liquidity moves and time.
/// It records every ExecutionStateChanged it causes as ghost state for the invariants.
contract IntegrationHandler is TwoChainSetup {
  uint256 internal constant MAX_AMOUNT = 1_000e18;
  uint256 internal constant RECEIVER_GAS = 500_000;
  uint256 internal constant MAX_ROOT = 64;

  struct RootRange {
    uint64 start; // index into s_sent[dest]
    uint64 end; // exclusive
  }

  address[] internal s_senders;
  address internal s_eoa;

  /// @dev Every message sent towards `dest`, abi-encoded, at index seqNr - 1.
  mapping(uint64 dest => bytes[]) internal s_sent;
  mapping(uint64 dest => uint256) internal s_committed;
  mapping(uint64 dest => RootRange[]) internal s_roots;

  // Ghosts.
  mapping(uint64 source => mapping(uint64 seqNr => uint256)) public g_successEvents;
  mapping(uint64 source => mapping(uint64 seqNr => bool)) internal g_attempted;
  mapping(uint64 source => mapping(address sender => uint64)) public g_lastExecutedNonce;
  bool public g_doubleSuccess;
  bool public g_nonceSkipped;
  bool public g_eventMismatch;
  mapping(bytes4 => uint256) public g_calls;
  uint256 public g_successes;
  uint256 public g_failures;

  constructor() {
    _deployTwoChains();
    s_eoa = makeAddr("invariant-eoa");
    for (uint256 i = 0; i < 3; ++i) {
      address sender = makeAddr(string.concat("sender-", vm.toString(i)));
      s_senders.push(sender);
      for (uint256 j = 0; j < 2; ++j) {
        CCIPChain storage c = s_chains[j == 0 ? CHAIN_A : CHAIN_B];
        _fund(c.bmToken, sender, 50_000e18);
        _fund(c.lrToken, sender, 50_000e18);
      }
    }
  }

  // ================================================================
  // │                           Actions                            │
  // ================================================================

  function send(bool toB, uint256 senderSeed, uint256 tokenMode, uint256 amount, uint256 flags) external {
    g_calls[msg.sig]++;
    uint64 dest = toB ? CHAIN_B : CHAIN_A;
    uint256 count = 1 + flags % 4;
    for (uint256 i = 0; i < count; ++i) {
      _sendOne(dest, s_senders[(senderSeed % 3 + i) % 3], (tokenMode % 4 + i) % 4, amount, flags >> (8 * i));
    }
  }

  struct SendArgs {
    address sender;
    address receiver;
    bytes data;
    address feeToken;
    bytes extraArgs;
  }

  function _sendOne(uint64 dest, address sender, uint256 tokenMode, uint256 amount, uint256 flags) internal {
    (Client.EVMTokenAmount[] memory t, bool funded) = _randomTokens(_other(dest), sender, tokenMode, amount);
    if (!funded) return;

    SendArgs memory args;
    args.sender = sender;
    bool emptyData = flags & 8 != 0 && t.length != 0; // token-only transfer
    args.receiver = flags & 2 != 0 ? address(s_chains[dest].cfgReceiver) : s_eoa;
    args.data = emptyData ? bytes("") : abi.encode(s_sent[dest].length);
    args.feeToken = flags & 4 != 0 ? address(s_chains[_other(dest)].link) : address(0);
    // One message in four is out of order: ordered lanes are where skips could hide.
    args.extraArgs = _extraArgs(emptyData ? 0 : RECEIVER_GAS, flags & 0x11 == 0x11);

    Internal.EVM2AnyRampMessage memory m =
      _send(args.sender, dest, args.receiver, args.data, t, args.feeToken, args.extraArgs);
    require(m.header.sequenceNumber == s_sent[dest].length + 1, "seqNr gap");
    s_sent[dest].push(abi.encode(m));
  }

  /// @dev tokenMode: 0 none, 1 burn/mint, 2 lock/release, 3 both.
  function _randomTokens(uint64 source, address sender, uint256 tokenMode, uint256 amount)
    internal
    view
    returns (Client.EVMTokenAmount[] memory t, bool funded)
  {
    CCIPChain storage src = s_chains[source];
    amount = _bound(amount, 1, MAX_AMOUNT);
    t = new Client.EVMTokenAmount[](tokenMode == 3 ? 2 : tokenMode == 0 ? 0 : 1);
    if (tokenMode == 1 || tokenMode == 3) t[0] = Client.EVMTokenAmount({token: address(src.bmToken), amount: amount});
    if (tokenMode == 2) t[0] = Client.EVMTokenAmount({token: address(src.lrToken), amount: amount});
    if (tokenMode == 3) t[1] = Client.EVMTokenAmount({token: address(src.lrToken), amount: amount / 2 + 1});
    for (uint256 i = 0; i < t.length; ++i) {
      if (IERC20Like(t[i].token).balanceOf(sender) < t[i].amount) return (t, false);
    }
    return (t, true);
  }

  function commit(bool toB, uint256 countSeed) external {
    g_calls[msg.sig]++;
    _commitPrefix(toB ? CHAIN_B : CHAIN_A, countSeed);
  }

  function _commitPrefix(uint64 dest, uint256 countSeed) internal {
    uint256 total = s_sent[dest].length;
    uint256 start = s_committed[dest];
    if (start == total) return;
    uint256 max = total - start < MAX_ROOT ? total - start : MAX_ROOT;
    uint256 end = start + _bound(countSeed, 1, max);
    _commit(dest, _range(dest, start, end));
    s_roots[dest].push(RootRange({start: uint64(start), end: uint64(end)}));
    s_committed[dest] = end;
  }

  function execute(bool toB, uint256 rootSeed, uint256 subsetSeed, uint256 batchSeed) external {
    g_calls[msg.sig]++;
    uint64 dest = toB ? CHAIN_B : CHAIN_A;
    // Often the DON commits what is pending right before executing.
    if (batchSeed & 0x10 != 0) _commitPrefix(dest, batchSeed >> 8);
    uint256 numRoots = s_roots[dest].length;
    if (numRoots == 0) return;

    uint256 mode = batchSeed % 4;
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](mode == 0 ? 1 : 2);
    reports[0] = _randomReport(dest, rootSeed % numRoots, subsetSeed);
    if (mode == 1) reports[1] = reports[0]; // the same messages twice in one batch
    else if (mode >= 2) reports[1] = _randomReport(dest, (rootSeed >> 128) % numRoots, subsetSeed >> 128);

    vm.recordLogs();
    _executeReports(dest, reports);
    _recordExecutions(dest);
  }

  /// @dev Manual execution of one committed message: allowed for FAILURE, or for anything once the root is
  /// older than the permissionless threshold; anything else must revert and change nothing.
  function manuallyExecute(bool toB, uint256 indexSeed, uint256 gasSeed) external {
    g_calls[msg.sig]++;
    uint64 dest = toB ? CHAIN_B : CHAIN_A;
    // Sometimes late enough for permissionless execution of untouched messages.
    if (gasSeed % 3 == 0) vm.warp(block.timestamp + (gasSeed >> 8) % (2 * PERMISSIONLESS_THRESHOLD));
    uint256 numRoots = s_roots[dest].length;
    if (numRoots == 0) return;
    RootRange memory r = s_roots[dest][indexSeed % numRoots];
    Internal.EVM2AnyRampMessage[] memory msgs = _range(dest, r.start, r.end);
    uint256 index = (indexSeed >> 64) % msgs.length;

    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(dest, msgs, _one(index));
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(reports[0]);
    if (gasSeed % 2 == 0) o[0][0].receiverExecutionGasLimit = reports[0].messages[0].gasLimit + gasSeed % 100_000;

    vm.recordLogs();
    vm.prank(s_eoa);
    try s_chains[dest].offRamp.manuallyExecute(reports, o) {
      _recordExecutions(dest);
    } catch {
      vm.getRecordedLogs(); // discard
    }
  }

  /// @notice The environment changes: a receiver starts/stops reverting, the rebalancer moves lock/release
  /// liquidity (releases then fail for lack of it), or time passes (rate limits refill, manual execution opens).
  function disturb(bool onB, uint256 seed) external {
    g_calls[msg.sig]++;
    CCIPChain storage c = s_chains[onB ? CHAIN_B : CHAIN_A];
    uint256 kind = seed % 4;
    seed >>= 8;
    if (kind == 0) {
      (bool shouldRevert,,) = c.cfgReceiver.getConfig();
      c.cfgReceiver.setRevert(!shouldRevert);
    } else if (kind == 1) {
      _provideLiquidity(c, seed);
    } else if (kind == 2) {
      _withdrawLiquidity(c, seed);
    } else {
      vm.warp(block.timestamp + _bound(seed, 1, 2 hours));
    }
  }

  function _provideLiquidity(CCIPChain storage c, uint256 amount) internal {
    uint256 bal = c.lrToken.balanceOf(s_tokenOwner);
    if (bal == 0) return;
    amount = _bound(amount, 1, bal < 20_000e18 ? bal : 20_000e18);
    vm.startPrank(s_tokenOwner);
    c.lrToken.approve(address(c.lrPool), amount);
    c.lrPool.provideLiquidity(amount);
    vm.stopPrank();
    s_liquidity[address(c.lrPool)] += amount;
  }

  /// @dev Only liquidity that was provided (never tokens locked by users) is withdrawn.
  function _withdrawLiquidity(CCIPChain storage c, uint256 amount) internal {
    address pool = address(c.lrPool);
    uint256 bal = c.lrToken.balanceOf(pool);
    uint256 max = s_liquidity[pool] < bal ? s_liquidity[pool] : bal;
    if (max == 0) return;
    amount = _bound(amount, 1, max);
    vm.prank(s_tokenOwner);
    c.lrPool.withdrawLiquidity(amount);
    s_liquidity[pool] -= amount;
  }

  // ================================================================
  // │                           Ghosts                             │
  // ================================================================

  function _recordExecutions(uint64 dest) internal {
    uint64 source = _other(dest);
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(s_chains[dest].offRamp));
    for (uint256 i = 0; i < evs.length; ++i) {
      ExecEvent memory ev = evs[i];
      Internal.EVM2AnyRampMessage memory m = _message(dest, ev.sequenceNumber);
      if (ev.sourceChainSelector != source || ev.messageId != m.header.messageId) g_eventMismatch = true;

      // The first state change of a message is the one that consumes its nonce.
      if (!g_attempted[source][ev.sequenceNumber]) {
        g_attempted[source][ev.sequenceNumber] = true;
        if (m.header.nonce != 0) {
          if (m.header.nonce != g_lastExecutedNonce[source][m.sender] + 1) g_nonceSkipped = true;
          g_lastExecutedNonce[source][m.sender] = m.header.nonce;
        }
      }
      if (ev.state == Internal.MessageExecutionState.SUCCESS) {
        ++g_successes;
        if (++g_successEvents[source][ev.sequenceNumber] > 1) g_doubleSuccess = true;
      } else {
        ++g_failures;
      }
    }
  }

  // ================================================================
  // │                     Views for invariants                     │
  // ================================================================

  function _message(uint64 dest, uint64 seqNr) internal view returns (Internal.EVM2AnyRampMessage memory) {
    return abi.decode(s_sent[dest][seqNr - 1], (Internal.EVM2AnyRampMessage));
  }

  function _range(uint64 dest, uint256 start, uint256 end)
    internal
    view
    returns (Internal.EVM2AnyRampMessage[] memory msgs)
  {
    msgs = new Internal.EVM2AnyRampMessage[](end - start);
    for (uint256 i = start; i < end; ++i) {
      msgs[i - start] = abi.decode(s_sent[dest][i], (Internal.EVM2AnyRampMessage));
    }
  }

  function _randomReport(uint64 dest, uint256 rootIndex, uint256 subsetSeed)
    internal
    view
    returns (Internal.ExecutionReport memory)
  {
    RootRange memory r = s_roots[dest][rootIndex];
    Internal.EVM2AnyRampMessage[] memory msgs = _range(dest, r.start, r.end);
    uint256 n = msgs.length;
    // Half the time the whole root (the DON's normal case), otherwise a random subset.
    if (subsetSeed & 1 == 1) return _execReport(dest, msgs, _all(n));
    subsetSeed >>= 1;
    uint256 count;
    for (uint256 i = 0; i < n; ++i) {
      if ((subsetSeed >> i) & 1 == 1) ++count;
    }
    uint256[] memory idx;
    if (count == 0) {
      idx = _one(subsetSeed % n);
    } else {
      idx = new uint256[](count);
      count = 0;
      for (uint256 i = 0; i < n; ++i) {
        if ((subsetSeed >> i) & 1 == 1) idx[count++] = i;
      }
    }
    return _execReport(dest, msgs, idx);
  }

  function chain(uint64 sel) external view returns (CCIPChain memory) {
    return s_chains[sel];
  }

  function senders() external view returns (address[] memory) {
    return s_senders;
  }

  function sentCount(uint64 dest) external view returns (uint256) {
    return s_sent[dest].length;
  }

  function sentMessage(uint64 dest, uint64 seqNr) external view returns (Internal.EVM2AnyRampMessage memory) {
    return _message(dest, seqNr);
  }

  function liquidity(address pool) external view returns (uint256) {
    return s_liquidity[pool];
  }

  /// @notice Amounts sent but not (yet) successfully executed, per token kind, over both directions.
  function inFlight() external view returns (uint256 burnMint, uint256 lockRelease) {
    for (uint256 d = 0; d < 2; ++d) {
      uint64 dest = d == 0 ? CHAIN_A : CHAIN_B;
      CCIPChain storage src = s_chains[_other(dest)];
      for (uint256 i = 0; i < s_sent[dest].length; ++i) {
        Internal.EVM2AnyRampMessage memory m = abi.decode(s_sent[dest][i], (Internal.EVM2AnyRampMessage));
        if (_state(dest, m) == Internal.MessageExecutionState.SUCCESS) continue;
        for (uint256 j = 0; j < m.tokenAmounts.length; ++j) {
          if (m.tokenAmounts[j].sourcePoolAddress == address(src.bmPool)) burnMint += m.tokenAmounts[j].amount;
          else if (m.tokenAmounts[j].sourcePoolAddress == address(src.lrPool)) lockRelease += m.tokenAmounts[j].amount;
        }
      }
    }
  }
}

interface IERC20Like {
  function balanceOf(address) external view returns (uint256);
}
