// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IShareStatePayout} from "./IShareStatePayout.sol";
import {PayoutCredits} from "./PayoutCredits.sol";
import {ShareStateLeaves} from "./ShareStateLeaves.sol";

/// @title ShareStatePayout: posted share states, each paying one reward pro rata to share score in large batches.
/// @notice See `IShareStatePayout`. Every share state keeps its own budget: the paid score never exceeds the posted
/// total and an index is below the posted leaf count, so whatever the pool posts, a share state never pays out more
/// than it was funded with, and the contract always holds what its open share states, carries and credits owe.
/// @dev The batch path is the hot one (≥ 1,000 miners a transaction): one cold read of the share state, the paid
/// bitmap read and written once per 256 adjacent indexes, one multiproof, then the transfers, so that a miner costs
/// little more than the bare ERC-20 transfer.
contract ShareStatePayout is IShareStatePayout, PayoutCredits {
    using SafeERC20 for IERC20;

    /// @dev Five slots; `payBatch` reads them all and writes the last.
    struct ShareState {
        bytes32 root;
        address pool;
        uint40 deadline;
        uint32 leafCount;
        bool closed;
        address token;
        uint96 bountyPerMiner;
        uint128 reward; // < 2^128, so score (< 2^64) × reward cannot overflow
        uint128 totalScore;
        uint128 paidScore;
        uint128 spent; // paid, credited and bounties
    }

    /// @dev What `_markEntries` found in a batch.
    /// @dev A batch as `_markEntries` finds it; the assembly addresses its fields by offset, so keep their order.
    struct Marked {
        uint256 leafCount; // 0x00
        uint256 reward; // 0x20
        uint256 totalScore; // 0x40
        bytes32[] leaves; // 0x60
        uint256[] skipped; // 0x80: bit i, entry i was already paid
        uint256 count; // 0xa0
        uint256 amount; // 0xc0
        uint256 score; // 0xe0
    }

    ShareState[] private _states;
    mapping(uint256 id => mapping(uint256 word => uint256 bits)) private _paidBitmaps;
    mapping(address pool => mapping(address token => uint256)) private _carried;

    /// @inheritdoc IShareStatePayout
    // solhint-disable-next-line function-max-lines
    function post(
        address token,
        bytes32 root,
        uint128 totalScore,
        uint32 leafCount,
        uint256 amount,
        uint96 bountyPerMiner,
        uint40 deadline
    ) external payable nonReentrant returns (uint256 id) {
        if (root == bytes32(0)) revert ShareStatePayoutZeroRoot();
        if (totalScore == 0) revert ShareStatePayoutZeroTotalScore();
        if (leafCount == 0) revert ShareStatePayoutZeroLeafCount();
        if (deadline <= block.timestamp) revert ShareStatePayoutDeadlineNotInFuture(deadline, block.timestamp);
        uint256 carriedIn = _carried[msg.sender][token];
        uint256 budget = amount + carriedIn;
        if (budget > type(uint128).max) revert ShareStatePayoutBudgetTooLarge(budget, type(uint128).max);
        uint256 bounties = uint256(bountyPerMiner) * leafCount;
        if (bounties > budget) revert ShareStatePayoutBountiesExceedBudget(bounties, budget);

        id = _states.length;
        _states.push(
            ShareState({
                root: root,
                pool: msg.sender,
                deadline: deadline,
                leafCount: leafCount,
                closed: false,
                token: token,
                bountyPerMiner: bountyPerMiner,
                reward: uint128(budget - bounties),
                totalScore: totalScore,
                paidScore: 0,
                spent: 0
            })
        );
        if (carriedIn != 0) _carried[msg.sender][token] = 0;
        emit ShareStatePosted(
            id,
            msg.sender,
            token,
            root,
            totalScore,
            leafCount,
            budget - bounties,
            bountyPerMiner,
            deadline,
            carriedIn
        );

        if (token == address(0)) {
            if (msg.value != amount) revert ShareStatePayoutWrongValue(msg.value, amount);
        } else {
            if (msg.value != 0) revert ShareStatePayoutWrongValue(msg.value, 0);
            if (token.code.length == 0) revert ShareStatePayoutNotAToken(token);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(token).balanceOf(address(this)) - before;
            if (received != amount) revert ShareStatePayoutFundingShort(received, amount);
        }
    }

    /// @inheritdoc IShareStatePayout
    function payBatch(
        uint256 id,
        uint256[] calldata entries,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external nonReentrant returns (uint256 count, uint256 amount) {
        ShareState storage state = _openState(id);
        if (entries.length == 0) revert ShareStatePayoutEmptyBatch(id);
        // effects first: the leaves, the paid bits (entries already paid are marked skipped), the totals
        Marked memory marked;
        (marked.leafCount, marked.reward, marked.totalScore) = (state.leafCount, state.reward, state.totalScore);
        _markEntries(id, entries, marked);
        if (marked.count == 0) revert ShareStatePayoutNothingToPay(id);
        if (ShareStateLeaves.processMultiProof(proof, proofFlagBits, marked.leaves) != state.root) {
            revert ShareStatePayoutInvalidProof(id);
        }
        uint256 bounty = _bookBatch(id, state, marked);
        _payEntries(state.token, entries, marked.skipped, marked.reward, marked.totalScore);
        if (bounty != 0) _pay(state.token, msg.sender, bounty);
        return (marked.count, marked.amount);
    }

    /// @inheritdoc IShareStatePayout
    function claim(
        uint256 id,
        uint32 index,
        address miner,
        uint64 score,
        bytes32[] calldata proof
    ) external nonReentrant returns (uint256 amount) {
        ShareState storage state = _openState(id);
        if (index >= state.leafCount) revert ShareStatePayoutIndexOutOfRange(id, index, state.leafCount);
        _setPaidBit(id, index);
        if (!MerkleProof.verifyCalldata(proof, state.root, ShareStateLeaves.postedLeaf(index, miner, score))) {
            revert ShareStatePayoutInvalidProof(id);
        }
        uint256 totalScore = state.totalScore;
        uint256 paidScore = state.paidScore + score;
        if (paidScore > totalScore) revert ShareStatePayoutScoreExceedsTotal(id, paidScore, totalScore);
        amount = (uint256(score) * state.reward) / totalScore;
        state.paidScore = uint128(paidScore);
        state.spent += uint128(amount);
        emit Claimed(id, index, miner, amount);
        if (amount != 0) _pay(state.token, miner, amount);
    }

    /// @inheritdoc IShareStatePayout
    function close(uint256 id) external nonReentrant returns (uint256 remainder) {
        ShareState storage state = _existingState(id);
        if (state.closed) revert ShareStatePayoutClosed(id);
        uint256 paidScore = state.paidScore;
        if (block.timestamp <= state.deadline && paidScore < state.totalScore) {
            revert ShareStatePayoutStillOpen(id, state.deadline, paidScore, state.totalScore);
        }
        remainder = _budgetOf(state) - state.spent;
        state.closed = true;
        _carried[state.pool][state.token] += remainder;
        emit ShareStateClosed(id, remainder);
    }

    /// @inheritdoc IShareStatePayout
    function shareState(uint256 id) external view returns (ShareStateView memory view_) {
        ShareState storage state = _existingState(id);
        return
            ShareStateView({
                root: state.root,
                pool: state.pool,
                token: state.token,
                deadline: state.deadline,
                leafCount: state.leafCount,
                totalScore: state.totalScore,
                reward: state.reward,
                bountyPerMiner: state.bountyPerMiner,
                paidScore: state.paidScore,
                spent: state.spent,
                closed: state.closed
            });
    }

    /// @inheritdoc IShareStatePayout
    function shareStateCount() external view returns (uint256 count) {
        return _states.length;
    }

    /// @inheritdoc IShareStatePayout
    function isPaid(uint256 id, uint256 index) external view returns (bool paid) {
        return (_paidBitmaps[id][index >> 8] >> (index & 255)) & 1 == 1;
    }

    /// @inheritdoc IShareStatePayout
    function carried(address pool, address token) external view returns (uint256 amount) {
        return _carried[pool][token];
    }

    /// @inheritdoc IShareStatePayout
    function payoutOf(uint256 id, uint256 score) external view returns (uint256 amount) {
        ShareState storage state = _existingState(id);
        return (score * state.reward) / state.totalScore;
    }

    /// @dev Hashes every entry's leaf, sets its paid bit, and sums the score and payouts of those not paid before.
    /// One assembly loop (gas savings: it runs once per miner, and in Solidity its state does not fit the stack):
    /// the leaf is hashed past the free pointer; the bitmap word is read and written once per run of adjacent
    /// indexes (a rewrite of an unchanged word costs 100 gas), its index kept in scratch memory at 0x00 and the
    /// bitmap's slot at 0x20, where the word's slot is hashed.
    // solhint-disable-next-line function-max-lines
    function _markEntries(uint256 id, uint256[] calldata entries, Marked memory marked) private {
        bytes32[] memory leaves = new bytes32[](entries.length);
        uint256[] memory skipped = new uint256[]((entries.length >> 8) + 1);
        marked.leaves = leaves;
        marked.skipped = skipped;
        uint256 leafCount = marked.leafCount;
        assembly ("memory-safe") {
            mstore(0x00, id)
            mstore(0x20, _paidBitmaps.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, not(0))
            let wordSlot := 0
            let word := 0
            let count := 0
            let amount := 0
            for {
                let i := 0
            } lt(i, entries.length) {
                i := add(i, 1)
            } {
                let entry := calldataload(add(entries.offset, shl(5, i)))
                let index := shr(224, entry)
                if iszero(lt(index, leafCount)) {
                    let ptr := mload(0x40)
                    mstore(ptr, shl(224, 0xd89852de)) // ShareStatePayoutIndexOutOfRange(uint256,uint256,uint256)
                    mstore(add(ptr, 0x04), id)
                    mstore(add(ptr, 0x24), index)
                    mstore(add(ptr, 0x44), leafCount)
                    revert(ptr, 0x64)
                }
                let entryScore := and(shr(160, entry), 0xffffffffffffffff)
                {
                    let ptr := mload(0x40)
                    mstore(ptr, index)
                    mstore(add(ptr, 0x20), and(entry, 0xffffffffffffffffffffffffffffffffffffffff))
                    mstore(add(ptr, 0x40), entryScore)
                    mstore(ptr, keccak256(ptr, 0x60))
                    mstore(add(leaves, shl(5, add(i, 1))), keccak256(ptr, 0x20))
                }
                if iszero(eq(shr(8, index), mload(0x00))) {
                    if wordSlot {
                        sstore(wordSlot, word)
                    }
                    mstore(0x00, shr(8, index))
                    wordSlot := keccak256(0x00, 0x40)
                    word := sload(wordSlot)
                }
                entry := shl(and(index, 255), 1) // the leaf's bit
                switch and(word, entry)
                case 0 {
                    word := or(word, entry)
                    // score < 2^64 and reward < 2^128: neither the product nor the sums overflow
                    mstore(add(marked, 0xe0), add(mload(add(marked, 0xe0)), entryScore))
                    amount := add(amount, div(mul(entryScore, mload(add(marked, 0x20))), mload(add(marked, 0x40))))
                    count := add(count, 1)
                }
                default {
                    let at := add(skipped, shl(5, add(shr(8, i), 1)))
                    mstore(at, or(mload(at), shl(and(i, 255), 1)))
                }
            }
            if wordSlot {
                sstore(wordSlot, word)
            }
            mstore(add(marked, 0xa0), count)
            mstore(add(marked, 0xc0), amount)
        }
    }

    /// @dev Books a verified batch into its share state and returns the caller's bounty.
    function _bookBatch(uint256 id, ShareState storage state, Marked memory marked) private returns (uint256 bounty) {
        uint256 totalScore = state.totalScore;
        uint256 paidScore = state.paidScore + marked.score;
        if (paidScore > totalScore) revert ShareStatePayoutScoreExceedsTotal(id, paidScore, totalScore);
        bounty = uint256(state.bountyPerMiner) * marked.count;
        state.paidScore = uint128(paidScore);
        state.spent += uint128(marked.amount + bounty); // within the budget: paid score ≤ total, count ≤ leafCount
        emit BatchPaid(id, msg.sender, marked.count, marked.amount, bounty);
    }

    /// @dev Pays every entry not skipped its share of the reward, or credits it.
    function _payEntries(
        address token,
        uint256[] calldata entries,
        uint256[] memory skipped,
        uint256 reward,
        uint256 totalScore
    ) private {
        uint256 length = entries.length;
        for (uint256 i; i < length;) {
            uint256 entry = entries[i];
            // unchecked: score < 2^64 and reward < 2^128; i < length
            unchecked {
                if ((skipped[i >> 8] >> (i & 255)) & 1 == 0) {
                    uint256 paid = (uint256(uint64(entry >> 160)) * reward) / totalScore;
                    if (paid != 0) _pay(token, address(uint160(entry)), paid);
                }
                ++i;
            }
        }
    }

    /// @dev Sets leaf `index`'s paid bit; refuses a leaf already paid.
    function _setPaidBit(uint256 id, uint256 index) private {
        mapping(uint256 word => uint256 bits) storage bitmap = _paidBitmaps[id];
        uint256 word = bitmap[index >> 8];
        uint256 bit = 1 << (index & 255);
        if (word & bit != 0) revert ShareStatePayoutAlreadyPaid(id, index);
        bitmap[index >> 8] = word | bit;
    }

    /// @dev The whole budget: the reward and every bounty.
    function _budgetOf(ShareState storage state) private view returns (uint256) {
        return uint256(state.reward) + uint256(state.bountyPerMiner) * state.leafCount;
    }

    function _existingState(uint256 id) private view returns (ShareState storage state) {
        if (id >= _states.length) revert ShareStatePayoutUnknownState(id);
        return _states[id];
    }

    function _openState(uint256 id) private view returns (ShareState storage state) {
        state = _existingState(id);
        if (state.closed) revert ShareStatePayoutClosed(id);
        if (block.timestamp > state.deadline) revert ShareStatePayoutExpired(id, state.deadline);
    }
}
