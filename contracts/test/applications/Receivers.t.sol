// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPReceiver} from "../../src/applications/CCIPReceiver.sol";
import {MessageReceiver} from "../../src/applications/MessageReceiver.sol";
import {ConfigurableReceiver} from "../../src/applications/ConfigurableReceiver.sol";
import {IAny2EVMMessageReceiver} from "../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

contract ReceiversTest is Test {
  address internal constant ROUTER = address(0x4070);
  MessageReceiver internal s_msgReceiver;
  ConfigurableReceiver internal s_cfgReceiver;

  event MessageReceived(
    bytes32 indexed messageId, uint64 indexed sourceChainSelector, bytes sender, bytes data, Client.EVMTokenAmount[] tokens
  );

  function setUp() public {
    s_msgReceiver = new MessageReceiver(ROUTER);
    s_cfgReceiver = new ConfigurableReceiver(ROUTER);
  }

  function _message(bytes32 id, uint256 tokens) internal pure returns (Client.Any2EVMMessage memory m) {
    m.messageId = id;
    m.sourceChainSelector = 16015286601757825753;
    m.sender = abi.encode(address(0x5E4D));
    m.data = "hello";
    m.destTokenAmounts = new Client.EVMTokenAmount[](tokens);
    for (uint256 i = 0; i < tokens; ++i) {
      m.destTokenAmounts[i] = Client.EVMTokenAmount({token: address(uint160(0x70 + i)), amount: 10 * (i + 1)});
    }
  }

  // ================================================================
  // │                         CCIPReceiver                         │
  // ================================================================

  function test_constructor_zeroRouter_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(CCIPReceiver.InvalidRouter.selector, address(0)));
    new MessageReceiver(address(0));
  }

  function test_supportsInterface() public view {
    assertEq(type(IAny2EVMMessageReceiver).interfaceId, bytes4(0x85572ffb));
    assertTrue(s_msgReceiver.supportsInterface(0x85572ffb));
    assertTrue(s_msgReceiver.supportsInterface(type(IERC165).interfaceId));
    assertFalse(s_msgReceiver.supportsInterface(0xffffffff));
    assertTrue(s_cfgReceiver.supportsInterface(0x85572ffb));
    assertEq(s_msgReceiver.getRouter(), ROUTER);
  }

  function test_ccipReceive_onlyRouter_reverts() public {
    Client.Any2EVMMessage memory m = _message(keccak256("1"), 0);
    vm.expectRevert(abi.encodeWithSelector(CCIPReceiver.InvalidRouter.selector, address(this)));
    s_msgReceiver.ccipReceive(m);
    vm.expectRevert(abi.encodeWithSelector(CCIPReceiver.InvalidRouter.selector, address(this)));
    s_cfgReceiver.ccipReceive(m);
  }

  // ================================================================
  // │                       MessageReceiver                        │
  // ================================================================

  function test_messageReceiver() public {
    Client.Any2EVMMessage memory m = _message(keccak256("1"), 1);
    vm.expectEmit();
    emit MessageReceived(m.messageId, m.sourceChainSelector, m.sender, m.data, m.destTokenAmounts);
    vm.prank(ROUTER);
    s_msgReceiver.ccipReceive(m);
    assertEq(
      s_msgReceiver.getLastMessageDigest(),
      keccak256(abi.encode(m.messageId, m.sourceChainSelector, keccak256(m.sender), keccak256(m.data)))
    );
    assertEq(
      s_msgReceiver.getLastMessageDigest(),
      s_msgReceiver.messageDigest(m.messageId, m.sourceChainSelector, m.sender, m.data)
    );
  }

  function test_messageReceiver_writesOneSlot() public {
    Client.Any2EVMMessage memory m = _message(keccak256("1"), 0);
    vm.record();
    vm.prank(ROUTER);
    s_msgReceiver.ccipReceive(m);
    (, bytes32[] memory writes) = vm.accesses(address(s_msgReceiver));
    assertEq(writes.length, 1);
    // Second message: warm-ish path, still one slot.
    m.messageId = keccak256("2");
    vm.prank(ROUTER);
    uint256 gasBefore = gasleft();
    s_msgReceiver.ccipReceive(m);
    emit log_named_uint("MessageReceiver.ccipReceive gas (2nd msg)", gasBefore - gasleft());
  }

  // ================================================================
  // │                     ConfigurableReceiver                     │
  // ================================================================

  function test_configurable_records() public {
    Client.Any2EVMMessage memory m = _message(keccak256("1"), 2);
    vm.prank(ROUTER);
    s_cfgReceiver.ccipReceive(m);
    m.messageId = keccak256("2");
    vm.prank(ROUTER);
    s_cfgReceiver.ccipReceive(m);

    assertEq(s_cfgReceiver.getReceivedCount(), 2);
    ConfigurableReceiver.ReceivedMessage memory r = s_cfgReceiver.getReceivedMessage(1);
    assertEq(r.messageId, keccak256("2"));
    assertEq(r.sourceChainSelector, m.sourceChainSelector);
    assertEq(r.sender, m.sender);
    assertEq(r.data, m.data);
    assertEq(r.destTokenAmounts.length, 2);
    assertEq(r.destTokenAmounts[1].amount, 20);
    assertEq(s_cfgReceiver.getTokensReceived(address(0x70)), 20);
    assertEq(s_cfgReceiver.getTokensReceived(address(0x71)), 40);
  }

  function test_configurable_revert() public {
    s_cfgReceiver.setRevert(true);
    (bool shouldRevert,,) = s_cfgReceiver.getConfig();
    assertTrue(shouldRevert);
    Client.Any2EVMMessage memory m = _message(keccak256("x"), 0);
    vm.prank(ROUTER);
    vm.expectRevert(abi.encodeWithSelector(ConfigurableReceiver.ReceiverRejected.selector, keccak256("x")));
    s_cfgReceiver.ccipReceive(m);
    s_cfgReceiver.setRevert(false);
    vm.prank(ROUTER);
    s_cfgReceiver.ccipReceive(m);
    assertEq(s_cfgReceiver.getReceivedCount(), 1);
  }

  function test_configurable_gasBurn_outOfGas() public {
    s_cfgReceiver.setGasBurn(1_000_000);
    Client.Any2EVMMessage memory m = _message(keccak256("x"), 0);
    vm.prank(ROUTER);
    (bool ok,) = address(s_cfgReceiver).call{gas: 200_000}(abi.encodeCall(s_cfgReceiver.ccipReceive, (m)));
    assertFalse(ok);
    // With enough gas it succeeds after burning.
    vm.prank(ROUTER);
    uint256 gasBefore = gasleft();
    (ok,) = address(s_cfgReceiver).call{gas: 2_000_000}(abi.encodeCall(s_cfgReceiver.ccipReceive, (m)));
    assertTrue(ok);
    assertGe(gasBefore - gasleft(), 1_000_000);
  }

  function test_configurable_returnData() public {
    s_cfgReceiver.setReturnDataSize(10_000);
    Client.Any2EVMMessage memory m = _message(keccak256("x"), 0);
    vm.prank(ROUTER);
    (bool ok, bytes memory ret) = address(s_cfgReceiver).call(abi.encodeCall(s_cfgReceiver.ccipReceive, (m)));
    assertTrue(ok);
    assertEq(ret.length, 10_000);
    assertEq(uint8(ret[9_999]), 0xff);
    assertEq(s_cfgReceiver.getReceivedCount(), 1); // recorded before returning
  }

  function test_configurable_onlyOwner_reverts() public {
    vm.startPrank(address(0xBAD));
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_cfgReceiver.setRevert(true);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_cfgReceiver.setGasBurn(1);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_cfgReceiver.setReturnDataSize(1);
    vm.stopPrank();
  }
}
