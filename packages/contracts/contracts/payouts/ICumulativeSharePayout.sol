// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPayoutCredits} from "./IPayoutCredits.sol";

/// @title ICumulativeSharePayout: persistent cumulative share states (the seed's design 2). A pool keeps one ledger per
/// reward token; each root it posts commits every miner's cumulative entitlement, everything the miner has earned
/// since the ledger opened, and replaces the last root. A miner is owed its cumulative amount less what it was paid,
/// so a miner left out of one round's batches loses nothing: the next root still owes it.
/// @notice Leaves: `(address miner, uint256 cumulative)` in OpenZeppelin's standard tree (see `ShareStateLeaves`);
/// `cumulative` is in the token's units (the pool's scoring turns share scores into amounts off-chain, as it turns
/// shares into scores for a posted share state) and below 2^96. Funding: a root's total (the sum of its leaves, as
/// the pool declares it) must be funded when it is posted, never decreases, and bounds what the ledger ever pays:
/// whatever the leaves say, the ledger never pays more than its total, so never more than it was funded with.
interface ICumulativeSharePayout is IPayoutCredits {
    /// @notice One ledger, as `ledger` returns it.
    struct LedgerView {
        address pool;
        address token;
        bytes32 root;
        uint64 epoch;
        uint256 total;
        uint256 funded;
        uint256 paid;
    }

    error CumulativePayoutUnknownLedger(uint256 id);
    error CumulativePayoutNotThePool(uint256 id, address caller, address pool);
    error CumulativePayoutZeroRoot();
    error CumulativePayoutNoRoot(uint256 id);
    /// @notice A root's total must be funded when it is posted.
    error CumulativePayoutUnderfunded(uint256 id, uint256 total, uint256 funded);
    /// @notice Cumulative entitlements only grow: a root's total is at least the last one's.
    error CumulativePayoutTotalDecreased(uint256 id, uint256 total, uint256 previous);
    error CumulativePayoutFundingTooLarge(uint256 funded, uint256 max);
    error CumulativePayoutWrongValue(uint256 sent, uint256 expected);
    error CumulativePayoutFundingShort(uint256 received, uint256 expected);
    error CumulativePayoutNotAToken(address token);
    error CumulativePayoutNothingToWithdraw(uint256 id);
    /// @notice The batch or claim was made against another root than the ledger's current one.
    error CumulativePayoutStaleEpoch(uint256 id, uint64 epoch, uint64 current);
    error CumulativePayoutEmptyBatch(uint256 id);
    error CumulativePayoutInvalidProof(uint256 id);
    /// @notice Every miner of the batch (or the claim's) was already paid its cumulative amount.
    error CumulativePayoutNothingToPay(uint256 id);
    /// @notice The ledger would pay more than its root's total: the pool's leaves add up to more than it declared.
    error CumulativePayoutExceedsTotal(uint256 id, uint256 paid, uint256 total);

    event LedgerOpened(uint256 indexed id, address indexed pool, address indexed token);
    /// @notice `amount` was added to ledger `id`'s funding by `from`.
    event LedgerFunded(uint256 indexed id, address indexed from, uint256 amount);
    /// @notice Ledger `id`'s root number `epoch` replaced the last one.
    event RootPosted(uint256 indexed id, uint64 indexed epoch, bytes32 root, uint256 total);
    /// @notice `executor` paid `count` miners of ledger `id` `amount` in all, against root `epoch`.
    event BatchPaid(uint256 indexed id, uint64 indexed epoch, address indexed executor, uint256 count, uint256 amount);
    /// @notice `miner` was paid `amount` alone, bringing what it was paid to `cumulative`.
    event Claimed(uint256 indexed id, address indexed miner, uint256 cumulative, uint256 amount);
    /// @notice The pool took back `amount`, funding beyond its root's total.
    event SurplusWithdrawn(uint256 indexed id, address to, uint256 amount);

    /// @notice Opens a ledger for the caller (its pool) in `token` (address(0): ETH).
    /// @dev Requirements: an ERC-20 `token` has code.
    /// @return id the ledger's number, from 0
    function open(address token) external returns (uint256 id);

    /// @notice Adds `amount` to ledger `id`'s funding (anyone may fund it).
    /// @dev Requirements: the ledger exists; ETH: `msg.value == amount`; an ERC-20: no value, the caller approved
    /// `amount` and the contract receives exactly that; the funding fits in 128 bits.
    function fund(uint256 id, uint256 amount) external payable;

    /// @notice Funds ledger `id` with `amount`, then replaces its root with `root`, whose leaves add up to `total`.
    /// @dev Requirements: the caller is the ledger's pool; `root` is not zero; `total` is at least the last root's
    /// and no more than the funding (after `amount`); the funding requirements of `fund`.
    /// @return epoch the new root's number, from 1
    function post(uint256 id, bytes32 root, uint128 total, uint256 amount) external payable returns (uint64 epoch);

    /// @notice Pays a batch of miners of ledger `id` what their cumulative amounts in the current root owe them,
    /// verified by one multiproof; anyone may call. A miner already paid its cumulative amount is skipped; a payout
    /// that cannot be sent is credited to its miner.
    /// @dev Requirements: the ledger's current root is `epoch`; `entries` (packed `cumulative << 160 | miner`, in the
    /// multiproof's leaf order) is not empty and owes someone something; `proof` and `proofFlagBits` (packed,
    /// `entries.length + proof.length − 1` flags) prove every entry against the root; the ledger's paid total stays
    /// within the root's total.
    /// @return count the miners paid
    /// @return amount what they were paid in all
    function payBatch(
        uint256 id,
        uint64 epoch,
        uint256[] calldata entries,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external returns (uint256 count, uint256 amount);

    /// @notice Pays `miner` what its leaf of ledger `id`'s current root owes it, with a single proof; anyone may call.
    /// @dev Requirements: as `payBatch`, for one leaf.
    /// @return amount what the miner was paid (or credited)
    function claim(
        uint256 id,
        uint64 epoch,
        address miner,
        uint96 cumulative,
        bytes32[] calldata proof
    ) external returns (uint256 amount);

    /// @notice Sends the pool the funding beyond its root's total (what no root has committed yet) to `to`.
    /// @dev Requirements: the caller is the ledger's pool; there is a surplus; the transfer succeeds.
    /// @return amount what was sent
    function withdrawSurplus(uint256 id, address payable to) external returns (uint256 amount);

    /// @notice Ledger `id`.
    /// @dev Requirements: it exists.
    function ledger(uint256 id) external view returns (LedgerView memory view_);

    /// @notice How many ledgers were opened (their ids are 0 .. count − 1).
    function ledgerCount() external view returns (uint256 count);

    /// @notice What `miner` has been paid (or credited) from ledger `id` so far.
    function paidTo(uint256 id, address miner) external view returns (uint256 amount);
}
