// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPoolOwners} from "../interfaces/IPoolOwners.sol";
import {OwnersFixture} from "../testing/OwnersFixture.sol";
import {ReentrantToken} from "../testing/ReentrantToken.sol";
import {ReentrantWallet} from "../testing/ReentrantWallet.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolOwners} from "./PoolOwners.sol";

/// @title Unit and fuzz tests of PoolOwners: every entry point, every refusal, and distributions exact to the wei.
contract PoolOwnersTest is OwnersFixture {
    // ------------------------------------------------------------------ constructor

    function test_constructorStoresTheWalletOwnerAndSaleTerms() public view {
        assertEq(owners.wallet(), wallet, "wallet");
        assertEq(owners.owner(), owner, "owner");
        assertEq(owners.pendingOwner(), address(0), "pendingOwner");
        assertEq(owners.TOTAL_SHARES(), 4000 ether, "TOTAL_SHARES");
        assertEq(owners.CREATOR_SHARES(), 3000 ether, "CREATOR_SHARES");
        assertEq(owners.HARD_CAP(), 1000 ether, "HARD_CAP");
        assertEq(owners.MIN_CONTRIBUTION(), 4 ether, "MIN_CONTRIBUTION");
        assertEq(owners.MAX_TOKENS(), 8, "MAX_TOKENS");
        assertEq(owners.MAX_DISTRIBUTED(), type(uint120).max, "MAX_DISTRIBUTED");
        assertEq(owners.locked(), false, "locked");
        assertEq(owners.totalContributed(), 0, "totalContributed");
    }

    function test_aNewContractHoldsEveryShareInTheReserve() public {
        PoolOwners fresh = new PoolOwners(payable(wallet), owner);
        assertEq(fresh.shareOf(address(0)), TOTAL_SHARES, "reserve");
        assertEq(fresh.creatorSharesGranted(), 0, "creatorSharesGranted");
        assertEq(fresh.tokens().length, 0, "tokens");
    }

    function test_constructorRefusesAZeroWalletOrOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAddress.selector));
        new PoolOwners(payable(address(0)), owner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new PoolOwners(payable(wallet), address(0));
    }

    function test_ownershipMovesInTwoSteps() public {
        vm.prank(owner);
        owners.transferOwnership(alice);
        assertEq(owners.owner(), owner, "owner until accepted");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        owners.lockShares();
        vm.prank(alice);
        owners.acceptOwnership();
        assertEq(owners.owner(), alice, "owner once accepted");
        vm.prank(alice);
        owners.lockShares();
        assertEq(owners.locked(), true, "locked by the new owner");
    }

    // ------------------------------------------------------------------ addToken

    function test_addTokenListsUpToMaxTokensAndRefusesOneMore() public {
        IERC20[] memory listed = owners.tokens();
        assertEq(listed.length, 1, "the fixture's token");
        assertEq(address(listed[0]), address(token), "tokens()[0]");
        for (uint256 i = 1; i < 8; ++i) {
            StakingToken other = new StakingToken("Other", "OTH", address(this), 1);
            vm.expectEmit(true, true, true, true, address(owners));
            emit IPoolOwners.TokenAdded(other);
            vm.prank(owner);
            owners.addToken(other);
            assertEq(address(owners.tokens()[i]), address(other), "listed in order");
        }
        StakingToken ninth = new StakingToken("Ninth", "NTH", address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersTooManyTokens.selector, 8));
        vm.prank(owner);
        owners.addToken(ninth);
    }

    function test_addTokenRefusesAZeroOrListedTokenAndEveryoneButTheOwner() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAddress.selector));
        owners.addToken(IERC20(address(0)));
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersTokenAlreadyListed.selector, address(token)));
        owners.addToken(token);
        vm.stopPrank();
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, creatorA));
        vm.prank(creatorA);
        owners.addToken(other);
    }

    function test_tokensThatArrivedBeforeListingAreDistributedOnceListed() public {
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1e24);
        other.transfer(address(owners), 4000);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersUnknownToken.selector, address(other)));
        owners.distribute(other);
        vm.prank(owner);
        owners.addToken(other);
        assertEq(owners.withdrawable(other, creatorA), 2000, "creator A's half, before the distribution");
        assertEq(owners.distribute(other), 4000, "distributed once listed");
        assertEq(owners.withdrawable(other, creatorA), 2000, "creator A's half");
        assertEq(owners.withdrawable(other, address(0)), 1000, "the reserve's unsold quarter");
    }

    // ------------------------------------------------------------------ setOwnerShare

    function test_setOwnerShareGrantsCreatorsSharesFromTheReserve() public {
        PoolOwners fresh = new PoolOwners(payable(wallet), owner);
        vm.expectEmit(true, true, true, true, address(fresh));
        emit IPoolOwners.OwnerShareSet(creatorA, 1200 ether);
        vm.expectEmit(true, true, true, true, address(fresh));
        emit IPoolOwners.ShareTransferred(address(0), creatorA, 1200 ether);
        vm.prank(owner);
        fresh.setOwnerShare(creatorA, 1200 ether);
        assertEq(fresh.shareOf(creatorA), 1200 ether, "share: 30%");
        assertEq(fresh.grantedShareOf(creatorA), 1200 ether, "granted");
        assertEq(fresh.creatorSharesGranted(), 1200 ether, "creatorSharesGranted");
        assertEq(fresh.shareOf(address(0)), 2800 ether, "reserve");
    }

    function test_creatorsMakeUp75PercentAndNotOneShareMore() public {
        assertEq(owners.shareOf(creatorA) + owners.shareOf(creatorB), 3000 ether, "creators: 75%");
        assertEq(owners.creatorSharesGranted(), CREATOR_SHARES, "all granted");
        assertEq(owners.shareOf(address(0)), HARD_CAP, "the reserve holds the sale's 25%");
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersCreatorSharesExceeded.selector, carol, 1, 0));
        owners.setOwnerShare(carol, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolOwners.PoolOwnersCreatorSharesExceeded.selector,
                creatorB,
                CREATOR_B_SHARE + 1,
                CREATOR_B_SHARE
            )
        );
        owners.setOwnerShare(creatorB, CREATOR_B_SHARE + 1);
        // lowering one grant makes room for another, to the wei
        owners.setOwnerShare(creatorB, CREATOR_B_SHARE - 7);
        owners.setOwnerShare(carol, 7);
        vm.stopPrank();
        assertEq(owners.shareOf(creatorB), CREATOR_B_SHARE - 7, "creator B");
        assertEq(owners.shareOf(carol), 7, "carol");
        assertEq(owners.creatorSharesGranted(), CREATOR_SHARES, "still 75%");
    }

    function test_setOwnerShareLowersAGrantBackIntoTheReserve() public {
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.OwnerShareSet(creatorA, 500 ether);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.ShareTransferred(creatorA, address(0), 1500 ether);
        vm.prank(owner);
        owners.setOwnerShare(creatorA, 500 ether);
        assertEq(owners.shareOf(creatorA), 500 ether, "creator A");
        assertEq(owners.shareOf(address(0)), HARD_CAP + 1500 ether, "reserve");
        assertEq(owners.creatorSharesGranted(), CREATOR_SHARES - 1500 ether, "creatorSharesGranted");
    }

    function test_setOwnerShareCannotTakeBackWhatTheCreatorGaveAway() public {
        _transferShare(creatorB, alice, 600 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersInsufficientShare.selector, creatorB, 400 ether, 1000 ether)
        );
        vm.prank(owner);
        owners.setOwnerShare(creatorB, 0);
        // what it still holds can be taken back; alice keeps what she was given
        vm.prank(owner);
        owners.setOwnerShare(creatorB, 600 ether);
        assertEq(owners.shareOf(creatorB), 0, "creator B");
        assertEq(owners.shareOf(alice), 600 ether, "alice");
    }

    function test_setOwnerShareRefusesContributorsEveryoneButTheOwnerAZeroAddressAndLockedShares() public {
        _contribute(alice, 4 ether);
        address[3] memory callers = [alice, creatorA, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, callers[i]));
            vm.prank(callers[i]);
            owners.setOwnerShare(callers[i], 1 ether);
        }
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAddress.selector));
        owners.setOwnerShare(address(0), 0);
        owners.lockShares();
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector));
        owners.setOwnerShare(creatorA, 0);
        vm.stopPrank();
    }

    function test_setOwnerShareSettlesFirst() public {
        _send(4000e6); // creator A 2000e6, creator B 1000e6, reserve 1000e6
        vm.prank(owner);
        owners.setOwnerShare(creatorB, 0);
        assertEq(_withdrawable(creatorB), 1000e6, "creator B keeps what its grant earned");
        _send(4000e6);
        assertEq(_withdrawable(creatorB), 1000e6, "and earns nothing after it was taken back");
        assertEq(_withdrawable(address(0)), 3000e6, "the reserve earned 1000e6, then 2000e6");
    }

    // ------------------------------------------------------------------ contribute

    function test_contributeBuysOneSharePerWeiAndPaysTheWallet() public {
        payable(alice).transfer(4 ether);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Contributed(alice, 4 ether);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.ShareTransferred(address(0), alice, 4 ether);
        vm.prank(alice);
        uint256 share = owners.contribute{value: 4 ether}();
        assertEq(share, 4 ether, "returned share");
        assertEq(owners.shareOf(alice), TOTAL_SHARES / 1000, "0.1%");
        assertEq(owners.contributionOf(alice), 4 ether, "contributionOf");
        assertEq(owners.totalContributed(), 4 ether, "totalContributed");
        assertEq(owners.shareOf(address(0)), HARD_CAP - 4 ether, "reserve");
        assertEq(wallet.balance, 4 ether, "wallet paid");
        assertEq(address(owners).balance, 0, "no ETH stays");
    }

    function test_contributeTakesFourEthAndRefusesOneWeiLess() public {
        payable(alice).transfer(4 ether);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersContributionTooSmall.selector, 4 ether - 1, 4 ether)
        );
        owners.contribute{value: 4 ether - 1}();
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersContributionTooSmall.selector, 0, 4 ether));
        owners.contribute();
        owners.contribute{value: 4 ether}();
        vm.stopPrank();
    }

    function test_contributeRepeatedlyAddsUp() public {
        _contribute(alice, 4 ether);
        _contribute(bob, 16 ether);
        _contribute(alice, 13.6 ether);
        assertEq(owners.shareOf(alice), 17.6 ether, "alice: 0.44%");
        assertEq(owners.shareOf(alice) * 10_000, 44 * TOTAL_SHARES, "exactly 0.44%");
        assertEq(owners.contributionOf(alice), 17.6 ether, "alice's contributions");
        assertEq(owners.totalContributed(), 33.6 ether, "totalContributed");
        assertEq(wallet.balance, 33.6 ether, "wallet");
    }

    function test_contributeFillsTheHardCapExactlyAndRefusesOneWeiMore() public {
        _contribute(alice, 996 ether);
        payable(bob).transfer(5 ether);
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, 4 ether + 1, 4 ether));
        owners.contribute{value: 4 ether + 1}();
        owners.contribute{value: 4 ether}();
        assertEq(owners.totalContributed(), HARD_CAP, "the cap, exactly");
        assertEq(owners.shareOf(address(0)), 0, "nothing left in the reserve");
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, 1 ether, 0));
        owners.contribute{value: 1 ether}();
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, 0, 0));
        owners.contribute();
        vm.stopPrank();
    }

    function test_contributeTakesTheLastBitBelowTheMinimumOnlyWhole() public {
        _contribute(alice, 997 ether);
        payable(bob).transfer(4 ether);
        vm.startPrank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersContributionTooSmall.selector, 3 ether - 1, 3 ether)
        );
        owners.contribute{value: 3 ether - 1}();
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, 4 ether, 3 ether));
        owners.contribute{value: 4 ether}();
        owners.contribute{value: 3 ether}();
        vm.stopPrank();
        assertEq(owners.totalContributed(), HARD_CAP, "the cap, exactly");
    }

    function test_contributeIsRefusedOnceTheSharesAreLocked() public {
        vm.prank(owner);
        owners.lockShares();
        payable(alice).transfer(4 ether);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector));
        vm.prank(alice);
        owners.contribute{value: 4 ether}();
    }

    function test_contributeFailsWholeWhenTheWalletRefusesTheEth() public {
        ReentrantWallet refusing = new ReentrantWallet();
        refusing.setRefuses(true);
        PoolOwners sale = new PoolOwners(payable(address(refusing)), owner);
        payable(alice).transfer(4 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersPaymentFailed.selector, address(refusing), 4 ether)
        );
        vm.prank(alice);
        sale.contribute{value: 4 ether}();
        assertEq(sale.shareOf(alice), 0, "no share");
        assertEq(sale.totalContributed(), 0, "nothing contributed");
    }

    function test_aWalletCannotReenterTheContract() public {
        ReentrantWallet reentrant = new ReentrantWallet();
        PoolOwners sale = new PoolOwners(payable(address(reentrant)), owner);
        bytes memory guard = abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        bytes[3] memory reentries = [
            abi.encodeCall(IPoolOwners.contribute, ()),
            abi.encodeCall(IPoolOwners.transferShare, (alice, 1)),
            abi.encodeCall(IPoolOwners.distribute, (token))
        ];
        for (uint256 i = 0; i < reentries.length; ++i) {
            reentrant.arm(address(sale), reentries[i]);
            _contributeTo(sale, alice, 4 ether);
            assertEq(reentrant.lastRevert(), guard, "the call back was refused by the guard");
        }
        assertEq(reentrant.calls(), 3, "the wallet called back every time");
        assertEq(sale.shareOf(alice), 12 ether, "alice's contributions went through");
        assertEq(sale.shareOf(address(reentrant)), 0, "the wallet bought nothing");
    }

    function testFuzz_contributeBuysExactlyItsValueInShares(uint256 value, uint256 before) public {
        before = _bound(before, 0, HARD_CAP);
        if (before != 0 && before < MIN_CONTRIBUTION) before = MIN_CONTRIBUTION;
        if (before != 0) _contribute(bob, before);
        uint256 room = HARD_CAP - before;
        value = _bound(value, 0, HARD_CAP + 1);
        payable(alice).transfer(value);
        uint256 minimum = room < MIN_CONTRIBUTION ? room : MIN_CONTRIBUTION;
        if (room == 0 || value > room) {
            vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, value, room));
        } else if (value < minimum) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolOwners.PoolOwnersContributionTooSmall.selector, value, minimum)
            );
        }
        vm.prank(alice);
        owners.contribute{value: value}();
        bool accepted = room != 0 && value <= room && value >= minimum;
        uint256 share = accepted ? value : 0;
        // the share, as a fraction of 100%, is exactly value / 4000 ETH: 25% of the shares for 1000 ETH
        assertEq(owners.shareOf(alice) * 4000 ether, share * TOTAL_SHARES, "share == value * 25% / 1000 ETH");
        assertEq(owners.totalContributed(), before + share, "totalContributed");
        assertEq(wallet.balance, before + share, "wallet");
        assertEq(owners.shareOf(address(0)), room - share, "reserve");
    }

    function test_contributeBuysExactlyItsValueInShares() public {
        testFuzz_contributeBuysExactlyItsValueInShares(13.6 ether, 0); // 0.34%
        assertEq(owners.shareOf(alice) * 10_000, 34 * TOTAL_SHARES, "0.34%");
    }

    function test_contributeRefusesEvenNothingOnceSoldOut() public {
        testFuzz_contributeBuysExactlyItsValueInShares(0, HARD_CAP);
    }

    // ------------------------------------------------------------------ transferShare

    function test_transferShareKeepsPastEarningsWithTheSender() public {
        _contribute(alice, 1000 ether); // sold out: the reserve is empty
        _send(8000); // creator A 4000, creator B 2000, alice 2000
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Distributed(token, 8000);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.ShareTransferred(creatorA, bob, 500 ether);
        _transferShare(creatorA, bob, 500 ether); // 12.5%
        assertEq(owners.shareOf(creatorA), 1500 ether, "creator A: 37.5%");
        assertEq(owners.shareOf(bob), 500 ether, "bob: 12.5%");
        assertEq(_withdrawable(creatorA), 4000, "creator A keeps what it earned");
        assertEq(_withdrawable(bob), 0, "bob earned nothing yet");

        _send(8000);
        assertEq(_withdrawable(creatorA), 4000 + 3000, "creator A");
        assertEq(_withdrawable(bob), 1000, "bob");
        assertEq(_withdrawable(creatorB), 4000, "creator B");
        assertEq(_withdrawable(alice), 4000, "alice");
    }

    function test_transferShareRefusesAZeroAddressZeroShareAndMoreThanHeld() public {
        vm.startPrank(creatorB);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAddress.selector));
        owners.transferShare(address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAmount.selector));
        owners.transferShare(alice, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolOwners.PoolOwnersInsufficientShare.selector,
                creatorB,
                CREATOR_B_SHARE,
                CREATOR_B_SHARE + 1
            )
        );
        owners.transferShare(alice, CREATOR_B_SHARE + 1);
        owners.transferShare(alice, CREATOR_B_SHARE);
        vm.stopPrank();
        assertEq(owners.shareOf(creatorB), 0, "all given");
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersInsufficientShare.selector, stranger, 0, 1));
        _transferShare(stranger, alice, 1);
    }

    function test_transferShareToOneselfChangesNothing() public {
        _send(4000);
        _transferShare(creatorB, creatorB, CREATOR_B_SHARE);
        assertEq(owners.shareOf(creatorB), CREATOR_B_SHARE, "share");
        assertEq(_withdrawable(creatorB), 1000, "earnings");
    }

    function test_transferShareSplitsTokensThatArrivedBeforeItByTheOldShares() public {
        _send(4000); // not distributed yet
        _transferShare(creatorA, alice, CREATOR_A_SHARE);
        assertEq(_accounted(), 4000, "distributed by the transfer");
        assertEq(_withdrawable(creatorA), 2000, "creator A held half when they arrived");
        assertEq(_withdrawable(alice), 0, "alice held nothing");
    }

    function testFuzz_transferShareKeepsPastEarnings(uint256 share, uint256 before, uint256 after_) public {
        share = _bound(share, 1, CREATOR_A_SHARE);
        before = _bound(before, 0, 1e27);
        after_ = _bound(after_, 0, 1e27);
        _send(before);
        _transferShare(creatorA, alice, share);
        _send(after_);
        uint256 expectedA = (before * CREATOR_A_SHARE + after_ * (CREATOR_A_SHARE - share)) / TOTAL_SHARES;
        assertEq(_withdrawable(creatorA), expectedA, "creator A: exact");
        assertEq(_withdrawable(alice), (after_ * share) / TOTAL_SHARES, "alice: exact");
    }

    function test_transferShareKeepsPastEarnings() public {
        testFuzz_transferShareKeepsPastEarnings(500 ether, 5000e18, 5000.1234567e18);
    }

    // ------------------------------------------------------------------ distribute

    function test_distributeTakesInWhatArrivedOnce() public {
        _send(1234);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Distributed(token, 1234);
        vm.prank(keeper);
        assertEq(owners.distribute(token), 1234, "taken in");
        (uint256 distributed, uint256 accounted) = owners.getTokenAccounting(token);
        assertEq(distributed, 1234, "distributed");
        assertEq(accounted, 1234, "accounted");
        assertEq(owners.distribute(token), 0, "nothing new");
        _send(66);
        assertEq(owners.distribute(token), 66, "only what arrived since");
        (distributed, ) = owners.getTokenAccounting(token);
        assertEq(distributed, 1300, "cumulative");
    }

    function test_everyTokenEntryPointRefusesAnUnlistedToken() public {
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1);
        bytes memory refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersUnknownToken.selector, address(other));
        vm.expectRevert(refusal);
        owners.distribute(other);
        vm.startPrank(creatorA);
        vm.expectRevert(refusal);
        owners.withdraw(other);
        vm.expectRevert(refusal);
        owners.withdrawAmount(other, 1);
        vm.stopPrank();
        vm.expectRevert(refusal);
        owners.withdrawable(other, creatorA);
        vm.expectRevert(refusal);
        owners.getTokenAccounting(other);
    }

    function test_distributeLeavesWhatDoesNotFitTheCountersForLater() public {
        uint256 max = type(uint120).max;
        StakingToken huge = new StakingToken("Huge", "HUG", address(this), 2 * max + 8);
        vm.prank(owner);
        owners.addToken(huge);
        huge.transfer(address(owners), max + 4);
        assertEq(owners.distribute(huge), max, "up to the counter's room");
        assertEq(owners.withdrawable(huge, creatorB), max / 4, "a quarter of what was taken in");
        assertEq(owners.distribute(huge), 0, "no room left");
        vm.prank(creatorB);
        owners.withdraw(huge);
        assertEq(owners.distribute(huge), 0, "withdrawals free no room: the counter is cumulative");
        (uint256 distributed, uint256 accounted) = owners.getTokenAccounting(huge);
        assertEq(distributed, max, "distributed");
        assertEq(accounted, max - max / 4, "accounted");
    }

    // ------------------------------------------------------------------ withdraw

    function test_withdrawPaysTheCallersEarnings() public {
        _contribute(alice, 13.6 ether); // 0.34%
        _send(100e18);
        owners.distribute(token);
        uint256 owed = (100e18 * 13.6 ether) / TOTAL_SHARES;
        assertEq(owed, 0.34e18, "0.34% of 100 tokens");
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Withdrawn(token, alice, owed);
        assertEq(_withdraw(alice), owed, "returned");
        assertEq(_balance(alice), owed, "paid");
        assertEq(_withdrawable(alice), 0, "nothing left");
        assertEq(_accounted(), 100e18 - owed, "accounted");
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersNothingToWithdraw.selector, address(token), alice)
        );
        _withdraw(alice);
    }

    function test_withdrawRefusesAnAddressWithoutShares() public {
        _send(1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersNothingToWithdraw.selector, address(token), stranger)
        );
        _withdraw(stranger);
    }

    function test_withdrawTakesInWhatArrivedFirst() public {
        _send(4000);
        assertEq(_withdrawable(creatorA), 2000, "counted before the distribution");
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Distributed(token, 4000);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Withdrawn(token, creatorA, 2000);
        _withdraw(creatorA);
    }

    function test_withdrawAmountPaysPartAndRefusesMoreThanTheBalance() public {
        _send(4000);
        vm.startPrank(creatorB);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolOwners.PoolOwnersInsufficientBalance.selector,
                address(token),
                creatorB,
                1000,
                1001
            )
        );
        owners.withdrawAmount(token, 1001);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAmount.selector));
        owners.withdrawAmount(token, 0);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Withdrawn(token, creatorB, 400);
        owners.withdrawAmount(token, 400);
        assertEq(_withdrawable(creatorB), 600, "the rest");
        owners.withdrawAmount(token, 600);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolOwners.PoolOwnersInsufficientBalance.selector, address(token), creatorB, 0, 1)
        );
        owners.withdrawAmount(token, 1);
        vm.stopPrank();
        assertEq(_balance(creatorB), 1000, "paid in two parts");
    }

    function test_subWeiFractionsStayWithTheirHolderUntilTheyAddUpToAWei() public {
        _send(3); // creator A 1.5, creator B 0.75, reserve 0.75
        assertEq(_withdrawable(creatorA), 1, "creator A: 1.5");
        assertEq(_withdrawable(creatorB), 0, "creator B: 0.75");
        _withdraw(creatorA);
        _send(1); // creator A 0.5 more, creator B 0.25 more
        assertEq(_withdrawable(creatorA), 1, "creator A: its half wei and the new half");
        assertEq(_withdrawable(creatorB), 1, "creator B: 0.75 + 0.25");
        _withdraw(creatorA);
        _withdraw(creatorB);
        assertEq(_balance(creatorA), 2, "creator A: exactly half of 4");
        assertEq(_balance(creatorB), 1, "creator B: exactly a quarter of 4");
        assertEq(_accounted(), 1, "the reserve's quarter is still held for it");
        assertEq(_withdrawable(address(0)), 1, "reserve");
    }

    function test_aReentrantTokenCannotPayTwice() public {
        ReentrantToken hostile = new ReentrantToken(address(this), 1e24);
        vm.prank(owner);
        owners.addToken(hostile);
        hostile.transfer(address(owners), 4000);
        hostile.arm(ReentrantToken.Hook.Transfer, address(owners), abi.encodeCall(IPoolOwners.withdraw, (hostile)));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector));
        vm.prank(creatorA);
        owners.withdraw(hostile);
        hostile.disarm();
        vm.prank(creatorA);
        owners.withdraw(hostile);
        assertEq(hostile.balanceOf(creatorA), 2000, "paid once, its half");
    }

    // ------------------------------------------------------------------ lockShares

    function test_lockSharesGivesTheReserveAndWhatItEarnedToTheOwner() public {
        _contribute(alice, 400 ether); // 10%; 600 ether (15%) unsold
        _send(4000);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.Distributed(token, 4000);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.SharesLocked(owner, 600 ether);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.ShareTransferred(address(0), owner, 600 ether);
        vm.prank(owner);
        owners.lockShares();
        assertEq(owners.locked(), true, "locked");
        assertEq(owners.shareOf(owner), 600 ether, "the unsold 15%");
        assertEq(owners.shareOf(address(0)), 0, "reserve");
        assertEq(_withdrawable(owner), 600, "what the unsold 15% earned before the lock");
        assertEq(_withdrawable(address(0)), 0, "reserve's earnings");
        assertEq(
            owners.shareOf(creatorA) + owners.shareOf(creatorB) + owners.shareOf(alice) + owners.shareOf(owner),
            TOTAL_SHARES,
            "the holders' shares add up to 100%"
        );
        _send(4000);
        assertEq(_withdrawable(owner), 1200, "and earns on it from then on");
    }

    function test_lockSharesWhenSoldOutMovesNoShare() public {
        _contribute(alice, HARD_CAP);
        vm.expectEmit(true, true, true, true, address(owners));
        emit IPoolOwners.SharesLocked(owner, 0);
        vm.prank(owner);
        owners.lockShares();
        assertEq(owners.shareOf(owner), 0, "the owner holds nothing");
        assertEq(owners.shareOf(address(0)), 0, "reserve");
    }

    function test_lockSharesRefusesEveryoneButTheOwnerAndASecondLock() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, creatorA));
        vm.prank(creatorA);
        owners.lockShares();
        vm.startPrank(owner);
        owners.lockShares();
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector));
        owners.lockShares();
        vm.stopPrank();
    }

    function test_lockedSharesStillTransferAndEarn() public {
        vm.prank(owner);
        owners.lockShares();
        _transferShare(creatorA, alice, 500 ether);
        _send(8000);
        assertEq(_withdrawable(alice), 1000, "12.5%");
        assertEq(_withdrawable(creatorA), 3000, "37.5%");
    }

    // ------------------------------------------------------------------ ERC-677

    function test_transferAndCallFromAListedTokenLetsTheTokensArrive() public {
        token.transferAndCall(address(owners), 4000, "ignored");
        assertEq(_balance(address(owners)), 4000, "arrived");
        assertEq(_accounted(), 0, "not distributed by the arrival");
        assertEq(owners.distribute(token), 4000, "distributed by distribute");
    }

    function test_onTokenTransferRefusesAnUnlistedTokenOrAnyOtherCaller() public {
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersUnknownToken.selector, address(other)));
        other.transferAndCall(address(owners), 1, "");
        vm.expectRevert(abi.encodeWithSelector(IPoolOwners.PoolOwnersUnknownToken.selector, stranger));
        vm.prank(stranger);
        owners.onTokenTransfer(stranger, 1, "");
    }

    // ------------------------------------------------------------------ exactness

    /// @dev Random grants, contributions, transfers and distributions: every holder's earnings equal, to the wei,
    /// the floor of the exact sum of `share * amount / 100%` over every distribution, computed here independently.
    function testFuzz_distributionIsExactToTheWei(
        uint256[2] memory grants,
        uint256[3] memory contributions,
        uint256[3] memory amounts,
        uint256 transferred
    ) public {
        address[6] memory holders = [creatorA, creatorB, alice, bob, carol, address(0)];
        _randomShares(grants, contributions, [alice, bob, carol]);

        uint256[6] memory entitledScaled; // sum of share * amount: the exact entitlement, times TOTAL_SHARES
        for (uint256 d = 0; d < 3; ++d) {
            uint256 amount = _bound(amounts[d], 0, SUPPLY / 4);
            _send(amount);
            for (uint256 h = 0; h < holders.length; ++h) {
                entitledScaled[h] += owners.shareOf(holders[h]) * amount;
            }
            if (d == 0) {
                // a share changes hands between distributions (it distributes the first amount first)
                uint256 held = owners.shareOf(alice);
                if (held != 0) _transferShare(alice, carol, _bound(transferred, 1, held));
            }
            if (d == 1) owners.distribute(token);
        }

        uint256 sumShares;
        uint256 sumWithdrawable;
        for (uint256 h = 0; h < holders.length; ++h) {
            uint256 exact = entitledScaled[h] / TOTAL_SHARES;
            assertEq(owners.withdrawable(token, holders[h]), exact, "withdrawable == floor(exact entitlement)");
            sumShares += owners.shareOf(holders[h]);
            sumWithdrawable += exact;
        }
        assertEq(sumShares, TOTAL_SHARES, "shares and reserve add up to 100%");
        owners.distribute(token);
        uint256 accounted = _accounted();
        assertEq(accounted, _balance(address(owners)), "every token that arrived is accounted");
        assertLe(sumWithdrawable, accounted, "withdrawable <= held");
        assertLe(accounted - sumWithdrawable, holders.length - 1, "held beyond it: under one wei per holder");
        for (uint256 h = 0; h < 5; ++h) {
            uint256 exact = entitledScaled[h] / TOTAL_SHARES;
            if (exact != 0) assertEq(_withdraw(holders[h]), exact, "withdraw pays exactly it");
        }
    }

    function test_distributionIsExactToTheWei() public {
        uint256[2] memory grants = [uint256(2000 ether), 1000 ether];
        uint256[3] memory contributions = [uint256(13.6 ether), 16 ether, 20 ether];
        uint256[3] memory amounts = [uint256(100e18), 5000e18, 5000.1234567e18];
        testFuzz_distributionIsExactToTheWei(grants, contributions, amounts, 7 ether + 3);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Re-grants the creators' part at random and sells part of the sale to `contributors` at random.
    function _randomShares(
        uint256[2] memory grants,
        uint256[3] memory contributions,
        address[3] memory contributors
    ) private {
        vm.startPrank(owner);
        owners.setOwnerShare(creatorA, 0);
        owners.setOwnerShare(creatorB, 0);
        owners.setOwnerShare(creatorA, _bound(grants[0], 0, CREATOR_SHARES));
        owners.setOwnerShare(creatorB, _bound(grants[1], 0, CREATOR_SHARES - owners.creatorSharesGranted()));
        vm.stopPrank();
        uint256 room = HARD_CAP;
        for (uint256 i = 0; i < contributors.length; ++i) {
            if (room < MIN_CONTRIBUTION) break;
            uint256 value = _bound(contributions[i], MIN_CONTRIBUTION, room);
            _contribute(contributors[i], value);
            room -= value;
        }
    }

    function _contributeTo(PoolOwners sale, address contributor, uint256 value) private {
        payable(contributor).transfer(value);
        vm.prank(contributor);
        sale.contribute{value: value}();
    }
}
