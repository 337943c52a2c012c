// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC677} from "../interfaces/IERC677.sol";
import {PoolVault} from "../staking/PoolVault.sol";
import {TestBase} from "../testing/TestBase.sol";
import {ERC677ReceiverMock} from "../testing/ERC677ReceiverMock.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "./StakingToken.sol";

/// @title Tests of StakingToken: a fixed-supply ERC-20 whose `transferAndCall` notifies contracts and only them.
contract StakingTokenTest is TestBase {
    uint256 internal constant SUPPLY = 1e27;

    address internal immutable alice = _named("alice");
    address internal immutable bob = _named("bob");

    StakingToken internal token;
    ERC677ReceiverMock internal receiver;

    function setUp() public {
        token = new StakingToken("Pool Stake", "STK", alice, SUPPLY);
        receiver = new ERC677ReceiverMock(token);
    }

    function test_constructorMintsTheWholeSupplyToTheHolder() public {
        address expected = _createAddress(address(this), 3); // after the token and the receiver of setUp
        vm.expectEmit(true, true, true, true, expected);
        emit IERC20.Transfer(address(0), bob, 5e18);
        StakingToken minted = new StakingToken("Other Stake", "OST", bob, 5e18);
        assertEq(address(minted), expected, "address");
        assertEq(minted.name(), "Other Stake", "name");
        assertEq(minted.symbol(), "OST", "symbol");
        assertEq(minted.decimals(), 18, "decimals");
        assertEq(minted.totalSupply(), 5e18, "totalSupply");
        assertEq(minted.balanceOf(bob), 5e18, "holder's balance");
    }

    function test_transferAndCallToAnAccountWithoutCodeTransfersAndEmitsBothEvents() public {
        bytes memory data = hex"c0ffee";
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, bob, 7e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC677.Transfer(alice, bob, 7e18, data);
        vm.prank(alice);
        assertEq(token.transferAndCall(bob, 7e18, data), true, "returns true");
        assertEq(token.balanceOf(alice), SUPPLY - 7e18, "alice");
        assertEq(token.balanceOf(bob), 7e18, "bob");
    }

    function test_transferAndCallNotifiesAContractAfterCreditingIt() public {
        bytes memory data = abi.encode(bob, uint256(42));
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, address(receiver), 3e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC677.Transfer(alice, address(receiver), 3e18, data);
        vm.prank(alice);
        token.transferAndCall(address(receiver), 3e18, data);

        assertEq(receiver.calls(), 1, "notified once");
        assertEq(receiver.lastCaller(), address(token), "called by the token");
        assertEq(receiver.lastSender(), alice, "sender");
        assertEq(receiver.lastValue(), 3e18, "value");
        assertEq(receiver.lastData(), data, "data");
        assertEq(receiver.balanceWhenNotified(), 3e18, "credited before the call");
    }

    function test_plainTransfersDoNotNotifyAContract() public {
        vm.prank(alice);
        token.transfer(address(receiver), 1e18);
        vm.prank(alice);
        token.approve(bob, 1e18);
        vm.prank(bob);
        token.transferFrom(alice, address(receiver), 1e18);
        assertEq(receiver.calls(), 0, "never notified");
        assertEq(token.balanceOf(address(receiver)), 2e18, "received");
    }

    function test_transferAndCallRevertsWholeWhenTheContractRefuses() public {
        receiver.setRefuses(true);
        vm.expectRevert(abi.encodeWithSelector(ERC677ReceiverMock.ERC677ReceiverMockRefused.selector, alice, 3e18));
        vm.prank(alice);
        token.transferAndCall(address(receiver), 3e18, "");
        assertEq(token.balanceOf(alice), SUPPLY, "alice kept her tokens");
        assertEq(token.balanceOf(address(receiver)), 0, "the receiver got nothing");
    }

    function test_transferAndCallRevertsForAContractWithoutTheHook() public {
        PoolVault noHook = new PoolVault(token); // has code, no onTokenTransfer, no fallback
        vm.expectRevert(bytes(""));
        vm.prank(alice);
        token.transferAndCall(address(noHook), 1e18, "");
        assertEq(token.balanceOf(address(noHook)), 0, "nothing moved");
    }

    function test_transferAndCallRefusesMoreThanTheBalanceAndTheZeroAddress() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, SUPPLY, SUPPLY + 1)
        );
        vm.prank(alice);
        token.transferAndCall(bob, SUPPLY + 1, "");
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        token.transferAndCall(address(0), 1, "");
    }

    function testFuzz_transferAndCallMovesExactlyTheValue(address to, uint256 value, bytes memory data) public {
        vm.assume(to != address(0) && to != alice && to.code.length == 0 && uint160(to) > 0xff);
        value = _bound(value, 0, SUPPLY);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, to, value);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC677.Transfer(alice, to, value, data);
        vm.prank(alice);
        token.transferAndCall(to, value, data);
        assertEq(token.balanceOf(alice), SUPPLY - value, "alice");
        assertEq(token.balanceOf(to), value, "recipient");
        assertEq(token.totalSupply(), SUPPLY, "supply");
    }

    function test_transferAndCallMovesExactlyTheValue() public {
        testFuzz_transferAndCallMovesExactlyTheValue(bob, 1, hex"01");
    }

    function testFuzz_transferAndCallPassesTheDataToAContractUnchanged(uint256 value, bytes memory data) public {
        value = _bound(value, 0, SUPPLY);
        vm.prank(alice);
        token.transferAndCall(address(receiver), value, data);
        assertEq(receiver.lastSender(), alice, "sender");
        assertEq(receiver.lastValue(), value, "value");
        assertEq(receiver.lastData(), data, "data");
        assertEq(receiver.balanceWhenNotified(), value, "balance when notified");
    }

    function test_transferAndCallPassesTheDataToAContractUnchanged() public {
        testFuzz_transferAndCallPassesTheDataToAContractUnchanged(0, "");
    }

    function test_erc20TransferApproveAndTransferFromBehaveAsStandard() public {
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Approval(alice, bob, 10e18);
        vm.prank(alice);
        assertEq(token.approve(bob, 10e18), true, "approve");
        assertEq(token.allowance(alice, bob), 10e18, "allowance");

        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, bob, 4e18);
        vm.prank(bob);
        assertEq(token.transferFrom(alice, bob, 4e18), true, "transferFrom");
        assertEq(token.allowance(alice, bob), 6e18, "allowance left");
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 6e18, 7e18));
        vm.prank(bob);
        token.transferFrom(alice, bob, 7e18);

        vm.prank(bob);
        assertEq(token.transfer(alice, 1e18), true, "transfer");
        assertEq(token.balanceOf(bob), 3e18, "bob");
        assertEq(token.balanceOf(alice), SUPPLY - 3e18, "alice");
    }
}
