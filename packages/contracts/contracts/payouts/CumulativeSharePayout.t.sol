// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrantWallet} from "../testing/ReentrantWallet.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {CumulativeSharePayout} from "./CumulativeSharePayout.sol";
import {ICumulativeSharePayout} from "./ICumulativeSharePayout.sol";
import {ShareStateLeaves} from "./ShareStateLeaves.sol";
import {StandardTrees} from "./testing/StandardTrees.sol";

/// @title Unit and fuzz tests of CumulativeSharePayout on four-leaf trees built as OpenZeppelin's standard tree builds
/// them with `sortLeaves: false` (`StandardTrees`): round after round, each root replacing the last.
contract CumulativeSharePayoutTest is TestBase {
    CumulativeSharePayout internal payout;
    StakingToken internal token;
    address internal pool = _named("pool");
    address internal executor = _named("executor");
    address[4] internal miners;
    uint256 internal id;

    function setUp() public {
        payout = new CumulativeSharePayout();
        token = new StakingToken("Stake", "STK", pool, 1e30);
        vm.prank(pool);
        token.approve(address(payout), type(uint256).max);
        for (uint256 i; i < 4; ++i) miners[i] = _named(string(abi.encodePacked("miner", bytes1(uint8(48 + i)))));
        vm.prank(pool);
        id = payout.open(address(token));
    }

    /// @dev The tree of the four miners' cumulative amounts.
    function _tree(uint96[4] memory cumulative) internal view returns (bytes32[] memory tree) {
        bytes32[] memory leaves = new bytes32[](4);
        for (uint256 i; i < 4; ++i) leaves[i] = ShareStateLeaves.cumulativeLeaf(miners[i], cumulative[i]);
        return StandardTrees.build(leaves);
    }

    function _sum(uint96[4] memory cumulative) internal pure returns (uint128 total) {
        for (uint256 i; i < 4; ++i) total += cumulative[i];
    }

    /// @dev Posts the root of `cumulative`, funding what its total adds to the last one.
    function _post(uint96[4] memory cumulative) internal returns (uint64 epoch, bytes32[] memory tree) {
        tree = _tree(cumulative);
        uint128 total = _sum(cumulative);
        ICumulativeSharePayout.LedgerView memory book = payout.ledger(id);
        vm.prank(pool);
        epoch = payout.post(id, tree[0], total, total - book.funded);
    }

    function _entry(uint256 i, uint96 cumulative) internal view returns (uint256) {
        return (uint256(cumulative) << 160) | uint160(miners[i]);
    }

    /// @dev All four leaves: no proof elements, three flags set.
    function _all(
        uint96[4] memory cumulative
    ) internal view returns (uint256[] memory entries, uint256[] memory flags) {
        entries = new uint256[](4);
        for (uint256 i; i < 4; ++i) entries[i] = _entry(i, cumulative[i]);
        flags = new uint256[](1);
        flags[0] = 7;
    }

    /// @dev Leaves 0 and 1: proof [H(L3, L2)] (tree[1]), flags [true, false].
    function _firstTwo(
        uint96[4] memory cumulative,
        bytes32[] memory tree
    ) internal view returns (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) {
        entries = new uint256[](2);
        entries[0] = _entry(0, cumulative[0]);
        entries[1] = _entry(1, cumulative[1]);
        proof = new bytes32[](1);
        proof[0] = tree[1];
        flags = new uint256[](1);
        flags[0] = 1;
    }

    // ------------------------------------------------------------------ rounds

    function test_aBatchPaysEachMinerItsCumulativeAmount() public {
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        (uint64 epoch, ) = _post(round);
        assertEq(epoch, 1, "first root");
        (uint256[] memory entries, uint256[] memory flags) = _all(round);
        vm.expectEmit(true, true, true, true, address(payout));
        emit ICumulativeSharePayout.BatchPaid(id, 1, executor, 4, 1000);
        vm.prank(executor);
        (uint256 count, uint256 amount) = payout.payBatch(id, epoch, entries, new bytes32[](0), flags);
        assertEq(count, 4, "count");
        assertEq(amount, 1000, "amount");
        for (uint256 i; i < 4; ++i) {
            assertEq(token.balanceOf(miners[i]), round[i], "paid its cumulative amount");
            assertEq(payout.paidTo(id, miners[i]), round[i], "booked");
        }
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutNothingToPay.selector, id));
        payout.payBatch(id, epoch, entries, new bytes32[](0), flags);
    }

    /// @notice The seed's point for design 2: a miner not paid this round loses nothing.
    function test_aMinerSkippedInRoundOneIsPaidInFullInRoundTwo() public {
        uint96[4] memory one = [uint96(100), 200, 300, 400];
        (uint64 epoch, bytes32[] memory tree) = _post(one);
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _firstTwo(one, tree);
        payout.payBatch(id, epoch, entries, proof, flags); // miners 2 and 3 are left out of round 1
        assertEq(token.balanceOf(miners[2]), 0, "miner 2 not paid in round 1");

        uint96[4] memory two = [uint96(150), 250, 350, 500];
        (epoch, ) = _post(two);
        assertEq(epoch, 2, "the new root replaces the old");
        uint256[] memory all;
        (all, flags) = _all(two);
        (uint256 count, uint256 amount) = payout.payBatch(id, epoch, all, new bytes32[](0), flags);
        assertEq(count, 4, "everyone owed something");
        assertEq(amount, 1250 - 300, "what the roots owe less what round 1 paid");
        for (uint256 i; i < 4; ++i) assertEq(token.balanceOf(miners[i]), two[i], "everything it ever earned");
        ICumulativeSharePayout.LedgerView memory book = payout.ledger(id);
        assertEq(book.paid, 1250, "paid");
        assertEq(token.balanceOf(address(payout)), book.funded - book.paid, "holds funded - paid");
    }

    function test_aMinerClaimsAloneAndTheBatchSkipsIt() public {
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        (uint64 epoch, bytes32[] memory tree) = _post(round);
        vm.expectEmit(true, true, true, true, address(payout));
        emit ICumulativeSharePayout.Claimed(id, miners[2], 300, 300);
        payout.claim(id, epoch, miners[2], 300, StandardTrees.proof(tree, 2));
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutNothingToPay.selector, id));
        payout.claim(id, epoch, miners[2], 300, StandardTrees.proof(tree, 2));
        (uint256[] memory entries, uint256[] memory flags) = _all(round);
        (uint256 count, uint256 amount) = payout.payBatch(id, epoch, entries, new bytes32[](0), flags);
        assertEq(count, 3, "the claimed miner skipped");
        assertEq(amount, 700, "amount");
        assertEq(token.balanceOf(miners[2]), 300, "paid once");
    }

    function test_aBatchAgainstAReplacedRootIsStale() public {
        uint96[4] memory one = [uint96(100), 200, 300, 400];
        (uint64 epoch, ) = _post(one);
        _post([uint96(110), 200, 300, 400]);
        (uint256[] memory entries, uint256[] memory flags) = _all(one);
        vm.expectRevert(
            abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutStaleEpoch.selector, id, epoch, 2)
        );
        payout.payBatch(id, epoch, entries, new bytes32[](0), flags);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.payBatch(id, 2, entries, new bytes32[](0), flags);
    }

    // ------------------------------------------------------------------ corrupted inputs

    function test_aCorruptedRootProofLeafOrAmountFails() public {
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        bytes32[] memory tree = _tree(round);
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _firstTwo(round, tree);
        // root
        vm.prank(pool);
        payout.post(id, bytes32(uint256(tree[0]) ^ 1), 1000, 1000);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.payBatch(id, 1, entries, proof, flags);
        (uint64 epoch, ) = _post(round);
        // proof element
        proof[0] = bytes32(uint256(proof[0]) ^ 1);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.payBatch(id, epoch, entries, proof, flags);
        proof[0] = tree[1];
        // cumulative amount
        entries[1] += 1 << 160;
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.payBatch(id, epoch, entries, proof, flags);
        entries[1] -= 1 << 160;
        // miner
        entries[0] ^= 1;
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.payBatch(id, epoch, entries, proof, flags);
        entries[0] ^= 1;
        // flags
        flags[0] = 3;
        vm.expectRevert();
        payout.payBatch(id, epoch, entries, proof, flags);
        flags[0] = 1;
        // a claim with a raised amount
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.claim(id, epoch, miners[2], 301, StandardTrees.proof(tree, 2));
        // and the untouched batch still pays
        payout.payBatch(id, epoch, entries, proof, flags);
        assertEq(token.balanceOf(miners[1]), 200, "valid batch paid");
    }

    function test_anInnerNodeCannotPassAsALeaf() public {
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        (uint64 epoch, bytes32[] memory tree) = _post(round);
        // with raw leaves, OpenZeppelin accepts the inner node tree[2] = H(L1, L0) as a "leaf" with proof [tree[1]] ...
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = tree[1];
        assertTrue(MerkleProof.verify(proof, tree[0], tree[2]), "the inner node verifies as a raw leaf");
        // ... but a leaf is hashed twice: its 64-byte preimage read as (miner, cumulative) gives another leaf
        (bytes32 a, bytes32 b) = tree[4] < tree[3] ? (tree[4], tree[3]) : (tree[3], tree[4]);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutInvalidProof.selector, id));
        payout.claim(id, epoch, address(uint160(uint256(a))), uint96(uint256(b)), proof);
    }

    // ------------------------------------------------------------------ funding

    function test_aRootMustBeFundedAndItsTotalNeverDecreases() public {
        bytes32 root = _tree([uint96(100), 200, 300, 400])[0];
        vm.startPrank(pool);
        vm.expectRevert(
            abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutUnderfunded.selector, id, 1000, 999)
        );
        payout.post(id, root, 1000, 999);
        payout.post(id, root, 1000, 1000);
        vm.expectRevert(
            abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutTotalDecreased.selector, id, 999, 1000)
        );
        payout.post(id, root, 999, 0);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutZeroRoot.selector));
        payout.post(id, bytes32(0), 1000, 0);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutNotThePool.selector, id, executor, pool)
        );
        vm.prank(executor);
        payout.post(id, root, 1000, 0);
        vm.prank(pool);
        uint256 other = payout.open(address(token));
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutNoRoot.selector, other));
        payout.claim(other, 0, miners[0], 100, new bytes32[](0));
    }

    /// @notice A pool whose leaves add up to more than the total it declared (and funded) cannot make the ledger pay
    /// more than that total: the batch that would exceed it reverts.
    function test_leavesBeyondTheDeclaredTotalCannotOverpay() public {
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        bytes32[] memory tree = _tree(round);
        vm.prank(pool);
        payout.post(id, tree[0], 600, 600); // declares and funds 600 of the 1000 its leaves say
        payout.claim(id, 1, miners[3], 400, StandardTrees.proof(tree, 3));
        payout.claim(id, 1, miners[1], 200, StandardTrees.proof(tree, 1));
        vm.expectRevert(
            abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutExceedsTotal.selector, id, 900, 600)
        );
        payout.claim(id, 1, miners[2], 300, StandardTrees.proof(tree, 2));
        assertEq(token.balanceOf(address(payout)), 0, "paid exactly what was funded");
    }

    function test_thePoolWithdrawsOnlyTheSurplus() public {
        bytes32 root = _tree([uint96(100), 200, 300, 400])[0];
        vm.startPrank(pool);
        payout.post(id, root, 1000, 1500);
        address payable to = payable(_named("treasury"));
        assertEq(payout.withdrawSurplus(id, to), 500, "funding beyond the total");
        assertEq(token.balanceOf(to), 500, "sent");
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutNothingToWithdraw.selector, id));
        payout.withdrawSurplus(id, to);
        vm.stopPrank();
        payout.fund(id, 0);
        assertEq(payout.ledger(id).funded, 1000, "the total stays funded");
    }

    function test_anEthPayoutARecipientRefusesIsCredited() public {
        ReentrantWallet refusing = new ReentrantWallet();
        refusing.setRefuses(true);
        miners[1] = address(refusing);
        vm.prank(pool);
        uint256 eth = payout.open(address(0));
        uint96[4] memory round = [uint96(100), 200, 300, 400];
        bytes32[] memory tree = _tree(round);
        payable(pool).transfer(1000);
        vm.prank(pool);
        vm.expectRevert(abi.encodeWithSelector(ICumulativeSharePayout.CumulativePayoutWrongValue.selector, 999, 1000));
        payout.post{value: 999}(eth, tree[0], 1000, 1000);
        vm.prank(pool);
        payout.post{value: 1000}(eth, tree[0], 1000, 1000);
        (uint256[] memory entries, uint256[] memory flags) = _all(round);
        payout.payBatch(eth, 1, entries, new bytes32[](0), flags);
        assertEq(miners[0].balance, 100, "the others paid");
        assertEq(payout.creditOf(address(0), address(refusing)), 200, "credited");
        assertEq(address(payout).balance, 200, "holds the credit");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Two rounds of random cumulative amounts, the second raising each miner's; round 1 pays a random subset
    /// by claims, round 2 everyone: each miner ends with exactly its last cumulative amount, and the contract holds
    /// exactly funded − paid.
    function testFuzz_everyMinerEndsWithItsCumulativeAmount(
        uint96[4] memory one,
        uint96[4] memory raise,
        uint8 claimed
    ) public {
        uint96[4] memory two;
        for (uint256 i; i < 4; ++i) {
            one[i] = uint96(_bound(one[i], 1, type(uint64).max));
            two[i] = one[i] + uint96(_bound(raise[i], 0, type(uint64).max));
        }
        (uint64 epoch, bytes32[] memory tree) = _post(one);
        for (uint256 i; i < 4; ++i) {
            if ((claimed >> i) & 1 == 1) payout.claim(id, epoch, miners[i], one[i], StandardTrees.proof(tree, i));
        }
        (epoch, tree) = _post(two);
        (uint256[] memory entries, uint256[] memory flags) = _all(two);
        payout.payBatch(id, epoch, entries, new bytes32[](0), flags);
        for (uint256 i; i < 4; ++i) assertEq(token.balanceOf(miners[i]), two[i], "its last cumulative amount");
        ICumulativeSharePayout.LedgerView memory book = payout.ledger(id);
        assertEq(book.paid, _sum(two), "paid the whole total");
        assertEq(token.balanceOf(address(payout)), book.funded - book.paid, "holds funded - paid");
    }

    function test_everyMinerEndsWithItsCumulativeAmount() public {
        testFuzz_everyMinerEndsWithItsCumulativeAmount([uint96(3), 5, 7, 11], [uint96(0), 1, 2, 3], 5);
    }
}
