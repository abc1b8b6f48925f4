// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {LinkToken} from "../../src/tokens/LinkToken.sol";
import {WrappedNative} from "../../src/tokens/WrappedNative.sol";
import {Test} from "forge-std/Test.sol";

contract ERC677ReceiverTestDouble {
  address public s_sender;
  uint256 public s_amount;
  bytes public s_data;

  function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external {
    s_sender = sender;
    s_amount = amount;
    s_data = data;
  }
}

contract NoReceive {}

contract TokensTest is Test {
  WrappedNative internal s_weth;
  LinkToken internal s_link;

  function setUp() public {
    s_weth = new WrappedNative("Wrapped Ether", "WETH");
    s_link = new LinkToken();
  }

  function test_weth_depositWithdraw() public {
    vm.deal(address(this), 5 ether);
    vm.expectEmit(address(s_weth));
    emit WrappedNative.Deposit(address(this), 2 ether);
    s_weth.deposit{value: 2 ether}();
    (bool ok,) = address(s_weth).call{value: 1 ether}("");
    assertTrue(ok);
    assertEq(s_weth.balanceOf(address(this)), 3 ether);
    assertEq(s_weth.totalSupply(), 3 ether);

    vm.expectEmit(address(s_weth));
    emit WrappedNative.Withdrawal(address(this), 1 ether);
    s_weth.withdraw(1 ether);
    assertEq(address(this).balance, 3 ether);
    assertEq(s_weth.balanceOf(address(this)), 2 ether);
    assertEq(address(s_weth).balance, 2 ether);
  }

  function test_weth_withdrawTooMuch_reverts() public {
    vm.expectRevert();
    s_weth.withdraw(1);
  }

  function test_weth_withdrawToNonPayable_reverts() public {
    NoReceive sink = new NoReceive();
    vm.deal(address(sink), 1 ether);
    vm.prank(address(sink));
    s_weth.deposit{value: 1 ether}();
    vm.expectRevert(WrappedNative.FailedToSendValue.selector);
    vm.prank(address(sink));
    s_weth.withdraw(1 ether);
  }

  function test_link_metadataAndMint() public {
    assertEq(s_link.name(), "ChainLink Token");
    assertEq(s_link.symbol(), "LINK");
    assertEq(s_link.decimals(), 18);
    s_link.mint(address(1), 10);
    assertEq(s_link.balanceOf(address(1)), 10);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    vm.prank(address(1));
    s_link.mint(address(1), 10);
    vm.prank(address(1));
    s_link.burn(4);
    assertEq(s_link.totalSupply(), 6);
  }

  function test_link_transferAndCall() public {
    ERC677ReceiverTestDouble receiver = new ERC677ReceiverTestDouble();
    s_link.mint(address(this), 10);
    vm.expectEmit(address(s_link));
    emit LinkToken.Transfer(address(this), address(receiver), 7, hex"beef");
    assertTrue(s_link.transferAndCall(address(receiver), 7, hex"beef"));
    assertEq(receiver.s_sender(), address(this));
    assertEq(receiver.s_amount(), 7);
    assertEq(receiver.s_data(), hex"beef");
    assertEq(s_link.balanceOf(address(receiver)), 7);
    // To an account without code: plain transfer.
    assertTrue(s_link.transferAndCall(address(0xe0a), 3, ""));
    assertEq(s_link.balanceOf(address(0xe0a)), 3);
  }

  receive() external payable {}
}
