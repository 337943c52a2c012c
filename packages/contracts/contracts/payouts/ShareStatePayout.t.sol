// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrantWallet} from "../testing/ReentrantWallet.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {IPayoutCredits} from "./IPayoutCredits.sol";
import {IShareStatePayout} from "./IShareStatePayout.sol";
import {ShareStateLeaves} from "./ShareStateLeaves.sol";
import {ShareStatePayout} from "./ShareStatePayout.sol";

/// @dev Exposes the library's multiproof next to OpenZeppelin's, to check they agree (both take the leaves in memory).
// solhint-disable gas-calldata-parameters
contract ShareStateLeavesHarness {
    function ours(
        bytes32[] calldata proof,
        uint256[] calldata flags,
        bytes32[] memory leaves
    ) external pure returns (bytes32) {
        return ShareStateLeaves.processMultiProof(proof, flags, leaves);
    }

    function theirs(
        bytes32[] calldata proof,
        uint256[] calldata flags,
        bytes32[] memory leaves
    ) external pure returns (bytes32) {
        uint256 count = leaves.length + proof.length - 1;
        return MerkleProof.processMultiProof(proof, ShareStateLeaves.unpackFlags(flags, count), leaves);
    }
}

/// @title Unit and fuzz tests of ShareStatePayout on a four-leaf tree built here as OpenZeppelin's standard tree builds
/// it with `sortLeaves: false`: leaf i at tree position 6 − i, so root = H(H(L3, L2), H(L1, L0)) (pairs sorted).
contract ShareStatePayoutTest is TestBase {
    ShareStatePayout internal payout;
    StakingToken internal token;
    address internal pool = _named("pool");
    address internal executor = _named("executor");
    address[4] internal miners;
    uint64[4] internal scores = [uint64(100), 200, 300, 400];
    bytes32[4] internal leaves;
    bytes32 internal node01; // tree[2] = H(L1, L0)
    bytes32 internal node23; // tree[1] = H(L3, L2)
    bytes32 internal root;
    uint256 internal constant REWARD = 1000 ether + 7; // inexact on purpose: every payout is rounded down
    uint256 internal constant TOTAL = 1000;

    function setUp() public {
        payout = new ShareStatePayout();
        token = new StakingToken("Stake", "STK", pool, 1e30);
        vm.prank(pool);
        token.approve(address(payout), type(uint256).max);
        for (uint256 i; i < 4; ++i) miners[i] = _named(string(abi.encodePacked("miner", bytes1(uint8(48 + i)))));
        _buildTree();
    }

    function _buildTree() internal {
        for (uint256 i; i < 4; ++i) leaves[i] = _leaf(i, miners[i], scores[i]);
        node01 = _hashPair(leaves[0], leaves[1]);
        node23 = _hashPair(leaves[2], leaves[3]);
        root = _hashPair(node23, node01);
    }

    function _leaf(uint256 index, address miner, uint256 score) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, miner, score))));
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _entry(uint256 i) internal view returns (uint256) {
        return (i << 224) | (uint256(scores[i]) << 160) | uint160(miners[i]);
    }

    function _post(uint256 bounty) internal returns (uint256 id) {
        vm.prank(pool);
        return payout.post(address(token), root, uint128(TOTAL), 4, REWARD + bounty * 4, uint96(bounty), 1000);
    }

    /// @dev All four leaves: no proof elements, three flags set.
    function _all() internal view returns (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) {
        entries = new uint256[](4);
        for (uint256 i; i < 4; ++i) entries[i] = _entry(i);
        proof = new bytes32[](0);
        flags = new uint256[](1);
        flags[0] = 7;
    }

    /// @dev Leaves 0 and 1: proof [H(L3, L2)], flags [true, false].
    function _firstTwo()
        internal
        view
        returns (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags)
    {
        entries = new uint256[](2);
        entries[0] = _entry(0);
        entries[1] = _entry(1);
        proof = new bytes32[](1);
        proof[0] = node23;
        flags = new uint256[](1);
        flags[0] = 1;
    }

    function _claimProof(uint256 i) internal view returns (bytes32[] memory proof) {
        proof = new bytes32[](2);
        proof[0] = leaves[i ^ 1];
        proof[1] = i < 2 ? node23 : node01;
    }

    // ------------------------------------------------------------------ batches and claims

    function test_payBatchPaysEveryMinerProRata() public {
        uint256 id = _post(0);
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _all();
        uint256 expected;
        for (uint256 i; i < 4; ++i) expected += (scores[i] * REWARD) / TOTAL;
        vm.expectEmit(true, true, true, true, address(payout));
        emit IShareStatePayout.BatchPaid(id, executor, 4, expected, 0);
        vm.prank(executor);
        (uint256 count, uint256 amount) = payout.payBatch(id, entries, proof, flags);
        assertEq(count, 4, "count");
        assertEq(amount, expected, "amount");
        for (uint256 i; i < 4; ++i) {
            assertEq(
                token.balanceOf(miners[i]),
                (scores[i] * REWARD) / TOTAL,
                "miner paid floor(score x reward / total)"
            );
            assertTrue(payout.isPaid(id, i), "paid bit");
        }
        IShareStatePayout.ShareStateView memory state = payout.shareState(id);
        assertEq(state.paidScore, TOTAL, "paidScore");
        assertEq(state.spent, expected, "spent");
    }

    function test_batchPaysTheCallerItsBounty() public {
        uint256 id = _post(1 ether);
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _firstTwo();
        vm.prank(executor);
        payout.payBatch(id, entries, proof, flags);
        assertEq(token.balanceOf(executor), 2 ether, "a bounty per miner paid");
    }

    function test_aMinerClaimsAloneWithASingleProof() public {
        uint256 id = _post(1 ether);
        vm.expectEmit(true, true, true, true, address(payout));
        emit IShareStatePayout.Claimed(id, 2, miners[2], (300 * REWARD) / TOTAL);
        payout.claim(id, 2, miners[2], 300, _claimProof(2));
        assertEq(token.balanceOf(miners[2]), (300 * REWARD) / TOTAL, "claimed");
        assertEq(token.balanceOf(address(this)), 0, "no bounty for a claim");
    }

    // ------------------------------------------------------------------ nothing paid twice

    function test_noLeafIsPaidTwiceByClaims() public {
        uint256 id = _post(0);
        payout.claim(id, 1, miners[1], 200, _claimProof(1));
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutAlreadyPaid.selector, id, 1));
        payout.claim(id, 1, miners[1], 200, _claimProof(1));
    }

    function test_aBatchSkipsLeavesClaimedBeforeAndAClaimAfterABatchFails() public {
        uint256 id = _post(1 ether);
        payout.claim(id, 0, miners[0], 100, _claimProof(0));
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _all();
        vm.prank(executor);
        (uint256 count, ) = payout.payBatch(id, entries, proof, flags);
        assertEq(count, 3, "the claimed leaf skipped");
        assertEq(token.balanceOf(miners[0]), (100 * REWARD) / TOTAL, "paid once");
        assertEq(token.balanceOf(executor), 3 ether, "no bounty for the skipped leaf");
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutAlreadyPaid.selector, id, 3));
        payout.claim(id, 3, miners[3], 400, _claimProof(3));
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutNothingToPay.selector, id));
        payout.payBatch(id, entries, proof, flags);
    }

    // ------------------------------------------------------------------ corrupted proofs

    function test_aCorruptedRootProofLeafOrScoreFails() public {
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _firstTwo();
        // root
        vm.prank(pool);
        uint256 wrong = payout.post(address(token), bytes32(uint256(root) ^ 1), uint128(TOTAL), 4, REWARD, 0, 1000);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, wrong));
        payout.payBatch(wrong, entries, proof, flags);
        uint256 id = _post(0);
        // proof element
        proof[0] = bytes32(uint256(proof[0]) ^ 1);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.payBatch(id, entries, proof, flags);
        proof[0] = node23;
        // score (the entry's score bits)
        entries[1] += 1 << 160;
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.payBatch(id, entries, proof, flags);
        entries[1] -= 1 << 160;
        // miner
        entries[0] ^= 1;
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.payBatch(id, entries, proof, flags);
        entries[0] ^= 1;
        // index: another leaf's bit is refused by the proof
        entries[0] += 2 << 224;
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.payBatch(id, entries, proof, flags);
        entries[0] -= 2 << 224;
        // flags
        flags[0] = 3;
        vm.expectRevert();
        payout.payBatch(id, entries, proof, flags);
        flags[0] = 1;
        // a claim with a raised score
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.claim(id, 2, miners[2], 301, _claimProof(2));
        // and the untouched batch still pays
        payout.payBatch(id, entries, proof, flags);
        assertEq(token.balanceOf(miners[1]), (200 * REWARD) / TOTAL, "valid batch paid");
    }

    function test_anInnerNodeCannotPassAsALeaf() public {
        uint256 id = _post(0);
        // with raw leaves, OpenZeppelin accepts the inner node H(L1, L0) as a "leaf" with proof [H(L3, L2)] ...
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = node23;
        assertTrue(MerkleProof.verify(proof, root, node01), "the inner node verifies as a raw leaf");
        // ... but an entry is hashed twice over 96 bytes: reading the node's 64-byte preimage as an entry fails
        (bytes32 a, bytes32 b) = leaves[0] < leaves[1] ? (leaves[0], leaves[1]) : (leaves[1], leaves[0]);
        uint32 index = uint32(uint256(a));
        address miner = address(uint160(uint256(b)));
        uint64 score = uint64(uint256(b) >> 160);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutInvalidProof.selector, id));
        payout.claim(id, index % 4, miner, score, proof);
    }

    function testFuzz_processMultiProofAgreesWithOpenZeppelin(uint256 corruptAt, bool corrupt) public {
        ShareStateLeavesHarness harness = new ShareStateLeavesHarness();
        (, bytes32[] memory proof, uint256[] memory flags) = _firstTwo();
        bytes32[] memory batch = new bytes32[](2);
        batch[0] = leaves[0];
        batch[1] = leaves[1];
        if (corrupt) batch[corruptAt % 2] = bytes32(corruptAt);
        assertEq(harness.ours(proof, flags, batch), harness.theirs(proof, flags, batch), "same root");
        bool intact = batch[0] == leaves[0] && batch[1] == leaves[1];
        assertEq(harness.ours(proof, flags, batch) == root, intact, "valid exactly when intact");
    }

    function test_processMultiProofAgreesWithOpenZeppelin() public {
        testFuzz_processMultiProofAgreesWithOpenZeppelin(0, false);
        testFuzz_processMultiProofAgreesWithOpenZeppelin(12345, true);
    }

    // ------------------------------------------------------------------ pro-rata exactness and the remainder

    /// @dev Whatever the scores and reward: what the miners are paid plus what closing carries is the budget, exactly.
    function testFuzz_paidPlusRemainderIsTheReward(uint64[4] memory fuzzScores, uint128 reward, uint96 bounty) public {
        reward = uint128(_bound(reward, 1, 1e30));
        bounty = uint96(_bound(bounty, 0, 1e18));
        uint256 total;
        for (uint256 i; i < 4; ++i) {
            scores[i] = uint64(_bound(fuzzScores[i], 1, type(uint64).max));
            total += scores[i];
        }
        _buildTree();
        vm.prank(pool);
        uint256 id = payout.post(address(token), root, uint128(total), 4, reward + uint256(bounty) * 4, bounty, 1000);
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _firstTwo();
        vm.prank(executor);
        payout.payBatch(id, entries, proof, flags);
        payout.claim(id, 2, miners[2], scores[2], _claimProof(2));
        payout.claim(id, 3, miners[3], scores[3], _claimProof(3));
        uint256 paid = token.balanceOf(executor);
        for (uint256 i; i < 4; ++i) {
            assertEq(
                token.balanceOf(miners[i]),
                (uint256(scores[i]) * reward) / total,
                "floor(score x reward / total)"
            );
            paid += token.balanceOf(miners[i]);
        }
        uint256 remainder = payout.close(id);
        assertEq(paid + remainder, reward + uint256(bounty) * 4, "paid + remainder == budget");
        assertLe(remainder, 4 + uint256(bounty) * 2, "dust below a wei a miner, and the claims' unused bounties");
        assertEq(payout.carried(pool, address(token)), remainder, "carried");
        assertEq(token.balanceOf(address(payout)), remainder, "held == carried");
    }

    function test_paidPlusRemainderIsTheReward() public {
        testFuzz_paidPlusRemainderIsTheReward([uint64(3), 5, 7, 11], 1000 ether + 13, 1 gwei);
    }

    function test_unclaimedAfterTheDeadlineRollsIntoTheNextReward() public {
        uint256 id = _post(0);
        payout.claim(id, 0, miners[0], 100, _claimProof(0));
        vm.expectRevert(
            abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutStillOpen.selector, id, 1000, 100, TOTAL)
        );
        payout.close(id);
        vm.warp(1001);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutExpired.selector, id, 1000));
        payout.claim(id, 1, miners[1], 200, _claimProof(1));
        uint256 remainder = payout.close(id);
        assertEq(remainder, REWARD - (100 * REWARD) / TOTAL, "unclaimed and dust");
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutClosed.selector, id));
        payout.close(id);
        vm.prank(pool);
        uint256 next = payout.post(address(token), root, uint128(TOTAL), 4, 5 ether, 0, 2000);
        assertEq(payout.shareState(next).reward, 5 ether + remainder, "carried into the next reward");
        assertEq(payout.carried(pool, address(token)), 0, "taken in");
    }

    function test_postRefusesBadParameters() public {
        vm.startPrank(pool);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutZeroRoot.selector));
        payout.post(address(token), bytes32(0), 1, 1, 1, 0, 1000);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutZeroTotalScore.selector));
        payout.post(address(token), root, 0, 1, 1, 0, 1000);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutZeroLeafCount.selector));
        payout.post(address(token), root, 1, 0, 1, 0, 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutDeadlineNotInFuture.selector, 0, block.timestamp)
        );
        payout.post(address(token), root, 1, 1, 1, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutBountiesExceedBudget.selector, 8, 7));
        payout.post(address(token), root, 1, 4, 7, 2, 1000);
        vm.expectRevert(abi.encodeWithSelector(IShareStatePayout.ShareStatePayoutWrongValue.selector, 0, 5));
        payout.post(address(0), root, 1, 1, 5, 0, 1000);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ ETH, failed sends and reentrancy

    function _postEth() internal returns (uint256 id) {
        payable(pool).transfer(REWARD);
        vm.prank(pool);
        return payout.post{value: REWARD}(address(0), root, uint128(TOTAL), 4, REWARD, 0, 1000);
    }

    function test_anEthPayoutARecipientRefusesIsCreditedAndOthersArePaid() public {
        ReentrantWallet refusing = new ReentrantWallet();
        refusing.setRefuses(true);
        miners[1] = address(refusing);
        _buildTree();
        uint256 id = _postEth();
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _all();
        uint256 owed = (200 * REWARD) / TOTAL;
        vm.expectEmit(true, true, true, true, address(payout));
        emit IPayoutCredits.PayoutCredited(address(0), address(refusing), owed);
        payout.payBatch(id, entries, proof, flags);
        assertEq(miners[0].balance, (100 * REWARD) / TOTAL, "the others paid");
        assertEq(miners[3].balance, (400 * REWARD) / TOTAL, "the others paid");
        assertEq(payout.creditOf(address(0), address(refusing)), owed, "credited");
        address payable elsewhere = payable(_named("elsewhere"));
        vm.prank(address(refusing));
        payout.withdrawCredit(address(0), elsewhere);
        assertEq(elsewhere.balance, owed, "withdrawn to another address");
        vm.expectRevert(
            abi.encodeWithSelector(
                IPayoutCredits.PayoutCreditsNothingToWithdraw.selector,
                address(0),
                address(refusing)
            )
        );
        vm.prank(address(refusing));
        payout.withdrawCredit(address(0), elsewhere);
    }

    /// @dev The wallet's reentry (two first storage writes) needs more than ETH_SEND_GAS: in a batch its payment is
    /// credited; withdrawn with all the gas, it reenters `claim` for its leaf and is refused.
    function test_aMinerReenteringOnPaymentCannotBePaidTwice() public {
        ReentrantWallet reentrant = new ReentrantWallet();
        miners[2] = address(reentrant);
        _buildTree();
        uint256 id = _postEth();
        reentrant.arm(address(payout), abi.encodeCall(payout.claim, (id, 2, address(reentrant), 300, _claimProof(2))));
        (uint256[] memory entries, bytes32[] memory proof, uint256[] memory flags) = _all();
        payout.payBatch(id, entries, proof, flags);
        uint256 owed = (300 * REWARD) / TOTAL;
        assertEq(payout.creditOf(address(0), address(reentrant)), owed, "credited: it needs more than the batch gives");
        assertEq(miners[3].balance, (400 * REWARD) / TOTAL, "the next miner paid");
        vm.prank(address(reentrant));
        payout.withdrawCredit(address(0), payable(address(reentrant)));
        assertEq(reentrant.calls(), 1, "it reentered");
        assertEq(
            reentrant.lastRevert(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector),
            "and was refused"
        );
        assertEq(address(reentrant).balance, owed, "paid once");
        assertEq(address(payout).balance, REWARD - payout.shareState(id).spent, "nothing left but the dust");
    }
}
