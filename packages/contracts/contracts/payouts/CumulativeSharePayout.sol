// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ICumulativeSharePayout} from "./ICumulativeSharePayout.sol";
import {PayoutCredits} from "./PayoutCredits.sol";
import {ShareStateLeaves} from "./ShareStateLeaves.sol";

/// @title CumulativeSharePayout: persistent cumulative share states, one ledger per pool and token, each root
/// replacing the last, each miner paid its cumulative amount less what it was paid before.
/// @notice See `ICumulativeSharePayout`. The books of a ledger: `paid ≤ total ≤ funded` at all times (a root's total
/// is funded when posted and never decreases; a payment that would take `paid` past `total` reverts), so a ledger
/// never pays out more than it was funded with, and the contract always holds `funded − paid` of every ledger plus
/// the credits.
/// @dev Unlike a posted share state there is no paid bitmap: what each miner was paid is stored (one slot a miner),
/// since a miner may be paid several times across roots as its cumulative amount grows.
contract CumulativeSharePayout is ICumulativeSharePayout, PayoutCredits {
    using SafeERC20 for IERC20;

    /// @dev Five slots.
    struct Ledger {
        address pool;
        uint64 epoch; // 0 until the first root
        address token;
        bytes32 root;
        uint128 total;
        uint128 funded;
        uint128 paid;
    }

    Ledger[] private _ledgers;
    mapping(uint256 id => mapping(address miner => uint256)) private _paid;

    /// @inheritdoc ICumulativeSharePayout
    function open(address token) external returns (uint256 id) {
        if (token != address(0) && token.code.length == 0) revert CumulativePayoutNotAToken(token);
        id = _ledgers.length;
        _ledgers.push(
            Ledger({pool: msg.sender, epoch: 0, token: token, root: bytes32(0), total: 0, funded: 0, paid: 0})
        );
        emit LedgerOpened(id, msg.sender, token);
    }

    /// @inheritdoc ICumulativeSharePayout
    function fund(uint256 id, uint256 amount) external payable nonReentrant {
        _fund(id, _existing(id), amount);
    }

    /// @inheritdoc ICumulativeSharePayout
    function post(
        uint256 id,
        bytes32 root,
        uint128 total,
        uint256 amount
    ) external payable nonReentrant returns (uint64 epoch) {
        Ledger storage book = _ownLedger(id);
        if (root == bytes32(0)) revert CumulativePayoutZeroRoot();
        if (total < book.total) revert CumulativePayoutTotalDecreased(id, total, book.total);
        _fund(id, book, amount);
        if (total > book.funded) revert CumulativePayoutUnderfunded(id, total, book.funded);
        epoch = book.epoch + 1;
        (book.root, book.total, book.epoch) = (root, total, epoch);
        emit RootPosted(id, epoch, root, total);
    }

    /// @inheritdoc ICumulativeSharePayout
    function payBatch(
        uint256 id,
        uint64 epoch,
        uint256[] calldata entries,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external nonReentrant returns (uint256 count, uint256 amount) {
        Ledger storage book = _current(id, epoch);
        if (entries.length == 0) revert CumulativePayoutEmptyBatch(id);
        // effects first: the leaves, and each miner's paid amount raised to its cumulative one
        (bytes32[] memory leaves, uint256[] memory owed) = _markEntries(id, entries);
        for (uint256 i; i < owed.length; ++i) {
            if (owed[i] != 0) {
                amount += owed[i];
                ++count;
            }
        }
        if (count == 0) revert CumulativePayoutNothingToPay(id);
        if (ShareStateLeaves.processMultiProof(proof, proofFlagBits, leaves) != book.root) {
            revert CumulativePayoutInvalidProof(id);
        }
        _book(id, book, amount);
        emit BatchPaid(id, epoch, msg.sender, count, amount);
        address token = book.token;
        for (uint256 i; i < owed.length; ++i) if (owed[i] != 0) _pay(token, address(uint160(entries[i])), owed[i]);
    }

    /// @inheritdoc ICumulativeSharePayout
    function claim(
        uint256 id,
        uint64 epoch,
        address miner,
        uint96 cumulative,
        bytes32[] calldata proof
    ) external nonReentrant returns (uint256 amount) {
        Ledger storage book = _current(id, epoch);
        if (!MerkleProof.verifyCalldata(proof, book.root, ShareStateLeaves.cumulativeLeaf(miner, cumulative))) {
            revert CumulativePayoutInvalidProof(id);
        }
        uint256 already = _paid[id][miner];
        if (cumulative <= already) revert CumulativePayoutNothingToPay(id);
        amount = cumulative - already;
        _paid[id][miner] = cumulative;
        _book(id, book, amount);
        emit Claimed(id, miner, cumulative, amount);
        _pay(book.token, miner, amount);
    }

    /// @inheritdoc ICumulativeSharePayout
    function withdrawSurplus(uint256 id, address payable to) external nonReentrant returns (uint256 amount) {
        Ledger storage book = _ownLedger(id);
        amount = book.funded - book.total; // total ≤ funded, always
        if (amount == 0) revert CumulativePayoutNothingToWithdraw(id);
        book.funded = book.total;
        emit SurplusWithdrawn(id, to, amount);
        if (!_trySend(book.token, to, amount, gasleft())) revert PayoutCreditsTransferFailed(book.token, to, amount);
    }

    /// @inheritdoc ICumulativeSharePayout
    function ledger(uint256 id) external view returns (LedgerView memory view_) {
        Ledger storage book = _existing(id);
        return
            LedgerView({
                pool: book.pool,
                token: book.token,
                root: book.root,
                epoch: book.epoch,
                total: book.total,
                funded: book.funded,
                paid: book.paid
            });
    }

    /// @inheritdoc ICumulativeSharePayout
    function ledgerCount() external view returns (uint256 count) {
        return _ledgers.length;
    }

    /// @inheritdoc ICumulativeSharePayout
    function paidTo(uint256 id, address miner) external view returns (uint256 amount) {
        return _paid[id][miner];
    }

    /// @dev Hashes every entry's leaf and raises its miner's paid amount to the entry's cumulative one; `owed[i]` is
    /// what entry `i` is to be paid (0 if its miner was paid as much before).
    function _markEntries(
        uint256 id,
        uint256[] calldata entries
    ) private returns (bytes32[] memory leaves, uint256[] memory owed) {
        mapping(address miner => uint256) storage paidTo_ = _paid[id];
        uint256 length = entries.length;
        leaves = new bytes32[](length);
        owed = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            uint256 entry = entries[i];
            leaves[i] = ShareStateLeaves.cumulativeLeaf(entry);
            address miner = address(uint160(entry));
            uint256 cumulative = entry >> 160;
            uint256 already = paidTo_[miner];
            if (cumulative > already) {
                paidTo_[miner] = cumulative;
                owed[i] = cumulative - already;
            }
        }
    }

    /// @dev Adds `amount` to the ledger's paid total, within its root's total.
    function _book(uint256 id, Ledger storage book, uint256 amount) private {
        uint256 paid = book.paid + amount;
        if (paid > book.total) revert CumulativePayoutExceedsTotal(id, paid, book.total);
        book.paid = uint128(paid); // ≤ total < 2^128
    }

    /// @dev Takes `amount` of the ledger's token from the caller into its funding.
    function _fund(uint256 id, Ledger storage book, uint256 amount) private {
        uint256 funded = book.funded + amount;
        if (funded > type(uint128).max) revert CumulativePayoutFundingTooLarge(funded, type(uint128).max);
        book.funded = uint128(funded);
        if (amount != 0) emit LedgerFunded(id, msg.sender, amount);
        address token = book.token;
        if (token == address(0)) {
            if (msg.value != amount) revert CumulativePayoutWrongValue(msg.value, amount);
        } else {
            if (msg.value != 0) revert CumulativePayoutWrongValue(msg.value, 0);
            if (amount == 0) return;
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(token).balanceOf(address(this)) - before;
            if (received != amount) revert CumulativePayoutFundingShort(received, amount);
        }
    }

    function _existing(uint256 id) private view returns (Ledger storage book) {
        if (id >= _ledgers.length) revert CumulativePayoutUnknownLedger(id);
        return _ledgers[id];
    }

    function _ownLedger(uint256 id) private view returns (Ledger storage book) {
        book = _existing(id);
        if (msg.sender != book.pool) revert CumulativePayoutNotThePool(id, msg.sender, book.pool);
    }

    /// @dev The ledger, if `epoch` is its current root.
    function _current(uint256 id, uint64 epoch) private view returns (Ledger storage book) {
        book = _existing(id);
        if (book.epoch == 0) revert CumulativePayoutNoRoot(id);
        if (epoch != book.epoch) revert CumulativePayoutStaleEpoch(id, epoch, book.epoch);
    }
}
