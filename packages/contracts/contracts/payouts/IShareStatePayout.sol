// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPayoutCredits} from "./IPayoutCredits.sol";

/// @title IShareStatePayout: posted share states (the seed's design 1). A pool commits, for one reward, a Merkle root
/// over its miners' share scores; anyone pays miners from the reward in batches verified by one multiproof.
/// @notice Leaves: `(uint256 index, address miner, uint256 score)` in OpenZeppelin's standard tree (see
/// `ShareStateLeaves`); `index` (0 .. leafCount − 1, unique) is the leaf's bit in the paid bitmap. A miner is paid
/// `floor(score × reward / totalScore)` once. What is not paid when the share state closes (the rounding dust, the
/// unused bounties, what was not claimed by the deadline) is carried into the pool's next share state in that token.
interface IShareStatePayout is IPayoutCredits {
    /// @notice One share state, as `shareState` returns it.
    struct ShareStateView {
        bytes32 root;
        address pool;
        address token;
        uint256 deadline;
        uint256 leafCount;
        uint256 totalScore;
        uint256 reward;
        uint256 bountyPerMiner;
        uint256 paidScore;
        uint256 spent;
        bool closed;
    }

    error ShareStatePayoutUnknownState(uint256 id);
    error ShareStatePayoutClosed(uint256 id);
    error ShareStatePayoutExpired(uint256 id, uint256 deadline);
    /// @notice A share state closes after its deadline, or once its whole score is paid.
    error ShareStatePayoutStillOpen(uint256 id, uint256 deadline, uint256 paidScore, uint256 totalScore);
    error ShareStatePayoutZeroRoot();
    error ShareStatePayoutZeroTotalScore();
    error ShareStatePayoutZeroLeafCount();
    error ShareStatePayoutDeadlineNotInFuture(uint256 deadline, uint256 timestamp);
    error ShareStatePayoutBudgetTooLarge(uint256 budget, uint256 max);
    error ShareStatePayoutBountiesExceedBudget(uint256 bounties, uint256 budget);
    error ShareStatePayoutWrongValue(uint256 sent, uint256 expected);
    error ShareStatePayoutFundingShort(uint256 received, uint256 expected);
    error ShareStatePayoutNotAToken(address token);
    error ShareStatePayoutEmptyBatch(uint256 id);
    error ShareStatePayoutInvalidProof(uint256 id);
    error ShareStatePayoutIndexOutOfRange(uint256 id, uint256 index, uint256 leafCount);
    error ShareStatePayoutAlreadyPaid(uint256 id, uint256 index);
    /// @notice Every entry of the batch was already paid.
    error ShareStatePayoutNothingToPay(uint256 id);
    /// @notice The leaves paid add up to more than the posted total score: the pool posted a wrong total.
    error ShareStatePayoutScoreExceedsTotal(uint256 id, uint256 paidScore, uint256 totalScore);

    /// @notice `pool` posted share state `id`; `reward` is shared pro rata, `bountyPerMiner` goes to a batch's caller
    /// for each miner it pays; `carriedIn` of the reward came from the pool's earlier share states.
    event ShareStatePosted(
        uint256 indexed id,
        address indexed pool,
        address indexed token,
        bytes32 root,
        uint256 totalScore,
        uint256 leafCount,
        uint256 reward,
        uint256 bountyPerMiner,
        uint256 deadline,
        uint256 carriedIn
    );
    /// @notice `executor` paid `count` miners of share state `id` `amount` in all, and was paid `bounty`.
    event BatchPaid(uint256 indexed id, address indexed executor, uint256 count, uint256 amount, uint256 bounty);
    /// @notice Leaf `index` of share state `id` was paid alone: `amount` to `miner`.
    event Claimed(uint256 indexed id, uint256 indexed index, address indexed miner, uint256 amount);
    /// @notice Share state `id` closed; `remainder` was carried to its pool's next share state in its token.
    event ShareStateClosed(uint256 indexed id, uint256 remainder);

    /// @notice Posts a share state and funds it in the same call. The budget is `amount` plus everything carried from
    /// the caller's closed share states in `token`; the bounties (`bountyPerMiner × leafCount`) come out of it and the
    /// rest is the reward.
    /// @dev Requirements:
    /// - `root`, `totalScore`, `leafCount` are not zero; `deadline` is in the future;
    /// - ETH (`token` is address(0)): `msg.value == amount`; an ERC-20: no value, `token` has code, the caller approved
    ///   `amount` and the contract receives exactly that (no fee-on-transfer tokens);
    /// - the budget fits in 128 bits and covers the bounties.
    /// @return id the share state's number, from 0
    function post(
        address token,
        bytes32 root,
        uint128 totalScore,
        uint32 leafCount,
        uint256 amount,
        uint96 bountyPerMiner,
        uint40 deadline
    ) external payable returns (uint256 id);

    /// @notice Pays a batch of miners of share state `id`, verified by one multiproof; anyone may call, for the
    /// bounty. Entries already paid are skipped (so a miner claiming first cannot block a batch); a payout that cannot
    /// be sent is credited to its miner.
    /// @dev Requirements:
    /// - the share state exists, is not closed, its deadline has not passed;
    /// - `entries` (packed `index << 224 | score << 160 | miner`, in the multiproof's leaf order) is not empty, every
    ///   index below `leafCount`, at least one not yet paid;
    /// - `proof` and `proofFlagBits` (packed, `entries.length + proof.length − 1` flags) prove every entry against
    ///   the root;
    /// - the paid score stays within the total score.
    /// @return count the miners paid
    /// @return amount what they were paid in all
    function payBatch(
        uint256 id,
        uint256[] calldata entries,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external returns (uint256 count, uint256 amount);

    /// @notice Pays one leaf of share state `id` to its miner, with a single proof; anyone may call, without bounty.
    /// @dev Requirements: the share state is open and its deadline not passed; `index < leafCount`; the leaf is not
    /// paid; `proof` proves it; the paid score stays within the total.
    /// @return amount what the miner was paid (or credited)
    function claim(
        uint256 id,
        uint32 index,
        address miner,
        uint64 score,
        bytes32[] calldata proof
    ) external returns (uint256 amount);

    /// @notice Closes share state `id` and carries what it did not pay to its pool's next share state in its token.
    /// @dev Requirements: the share state exists and is open, and its deadline has passed or its whole score is paid.
    /// @return remainder what was carried
    function close(uint256 id) external returns (uint256 remainder);

    /// @notice Share state `id`.
    /// @dev Requirements: it exists.
    function shareState(uint256 id) external view returns (ShareStateView memory state);

    /// @notice How many share states were posted (their ids are 0 .. count − 1).
    function shareStateCount() external view returns (uint256 count);

    /// @notice Whether leaf `index` of share state `id` was paid.
    function isPaid(uint256 id, uint256 index) external view returns (bool paid);

    /// @notice What `pool`'s next share state in `token` takes in from its closed ones.
    function carried(address pool, address token) external view returns (uint256 amount);

    /// @notice What a leaf of `score` is paid from share state `id`: `floor(score × reward / totalScore)`.
    /// @dev Requirements: the share state exists.
    function payoutOf(uint256 id, uint256 score) external view returns (uint256 amount);
}
