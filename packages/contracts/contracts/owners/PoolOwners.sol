// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC677Receiver} from "../interfaces/IERC677.sol";
import {IPoolOwners} from "../interfaces/IPoolOwners.sol";

/// @title PoolOwners: LinkPool's owners' contract (whitepaper §6.2.2). It receives the protocol fees and shares every
/// token it receives among its owners, pro rata to their shares, in O(1) per owner.
/// @notice Creators hold 75%, granted by the contract owner; a sale in ETH sells the other 25% (1000 ETH at a 4000 ETH
/// valuation); the contract owner locks the shares when it ends. Shares stay transferable.
/// @dev Exactness: the holders' shares and the reserve's always add up to exactly TOTAL_SHARES, so a distribution of
/// `amount` owes a holder of `share` exactly `share * amount / TOTAL_SHARES`. Each token therefore needs no
/// reward-per-share accumulator and no remainder: its counter is the cumulative amount distributed, and a holder is
/// settled by adding `share * (distributed - settledAt)` to its earnings kept in units of 1/TOTAL_SHARES wei. Nothing
/// is ever rounded: a holder is paid the whole wei of its earnings and its sub-wei fraction stays its own, to be paid
/// when it adds up to a wei. So at any time a holder has been paid plus can withdraw exactly the floor of what it is
/// owed, and the tokens held beyond what holders can withdraw are those fractions, less than one wei per holder.
contract PoolOwners is IPoolOwners, IERC677Receiver, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice 100% of the shares: the sale's valuation in wei, so one share is what one wei of ETH buys.
    uint256 public constant TOTAL_SHARES = 4000 ether;
    /// @notice The creators' part, granted by the contract owner: 75%.
    uint256 public constant CREATOR_SHARES = 3000 ether;
    /// @notice The most ETH the sale takes, buying the other 25%.
    uint256 public constant HARD_CAP = 1000 ether;
    /// @notice The least one contribution may be (it buys 0.1%), unless less than that is left below the cap.
    uint256 public constant MIN_CONTRIBUTION = 4 ether;
    /// @notice The most tokens distributed: every share change settles both holders in each of them.
    uint256 public constant MAX_TOKENS = 8;
    /// @notice What one token's cumulative distribution may reach (packed counters); arrivals beyond it wait.
    uint256 public constant MAX_DISTRIBUTED = type(uint120).max;

    /// @dev The holder of the shares nobody holds yet.
    address private constant RESERVE = address(0);

    /// @notice Where the sale's ETH is paid, with every contribution.
    address payable public immutable wallet;

    /// @dev One slot per holder (gas savings): every share change reads it.
    struct Holder {
        uint72 share; // <= TOTAL_SHARES < 2^72
        uint72 granted;
        uint72 contributed;
    }

    /// @dev One slot per token (gas savings): read by every distribution and withdrawal.
    struct TokenBook {
        uint120 distributed; // every amount ever distributed
        uint120 accounted; // distributed and not withdrawn: what the holders are owed, fractions included
        bool listed;
    }

    /// @dev A holder's earnings in one token, as of its last settlement.
    struct Earnings {
        uint256 settledAt; // the token's `distributed` when last settled
        uint256 owedScaled; // unpaid earnings times TOTAL_SHARES: whole wei and the holder's own sub-wei fraction
    }

    mapping(address account => Holder) private _holders;
    mapping(IERC20 token => TokenBook) private _books;
    mapping(IERC20 token => mapping(address account => Earnings)) private _earnings;
    IERC20[] private _tokens;
    // one slot, read and written by every contribution (gas savings)
    uint128 private _totalContributed;
    uint120 private _creatorSharesGranted;
    bool private _locked;

    /// @param wallet_ where the sale's ETH is paid
    /// @param owner_ the contract owner: grants the creators' shares, lists tokens, locks the shares
    constructor(address payable wallet_, address owner_) Ownable(owner_) {
        if (wallet_ == address(0)) revert PoolOwnersZeroAddress();
        wallet = wallet_;
        _holders[RESERVE].share = uint72(TOTAL_SHARES);
    }

    // ------------------------------------------------------------------ the sale and the creators' shares

    /// @inheritdoc IPoolOwners
    function contribute() external payable nonReentrant returns (uint256 share) {
        if (_locked) revert PoolOwnersSharesLocked();
        uint256 contributed = _totalContributed;
        uint256 room = HARD_CAP - contributed;
        if (room == 0 || msg.value > room) revert PoolOwnersHardCapExceeded(msg.value, room);
        uint256 minimum = room < MIN_CONTRIBUTION ? room : MIN_CONTRIBUTION;
        if (msg.value < minimum) revert PoolOwnersContributionTooSmall(msg.value, minimum);

        share = msg.value; // one share per wei: exact, whatever the value
        _totalContributed = uint128(contributed + share); // <= HARD_CAP
        _holders[msg.sender].contributed += uint72(share);
        emit Contributed(msg.sender, share);
        _moveShare(RESERVE, msg.sender, share); // the reserve holds at least the unsold part of the sale

        (bool paid, ) = wallet.call{value: share}("");
        if (!paid) revert PoolOwnersPaymentFailed(wallet, share);
    }

    /// @inheritdoc IPoolOwners
    function setOwnerShare(address account, uint256 granted) external onlyOwner nonReentrant {
        if (_locked) revert PoolOwnersSharesLocked();
        if (account == address(0)) revert PoolOwnersZeroAddress();
        Holder storage holder = _holders[account];
        uint256 previous = holder.granted;
        uint256 total = _creatorSharesGranted;
        uint256 maxGranted = previous + CREATOR_SHARES - total;
        if (granted > maxGranted) revert PoolOwnersCreatorSharesExceeded(account, granted, maxGranted);
        if (granted < previous && holder.share < previous - granted) {
            revert PoolOwnersInsufficientShare(account, holder.share, previous - granted);
        }

        holder.granted = uint72(granted); // <= CREATOR_SHARES
        _creatorSharesGranted = uint120(total + granted - previous);
        emit OwnerShareSet(account, granted);
        // the reserve holds at least the creators' part not yet granted, since the sale sells at most HARD_CAP
        if (granted > previous) _moveShare(RESERVE, account, granted - previous);
        else if (granted < previous) _moveShare(account, RESERVE, previous - granted);
    }

    /// @inheritdoc IPoolOwners
    function lockShares() external onlyOwner nonReentrant {
        if (_locked) revert PoolOwnersSharesLocked();
        address recipient = msg.sender;
        // first, so that what arrived before the lock is shared with the reserve as it stood, and a fold of the logs
        // moves the reserve's earnings after its last distribution
        _settleInEveryToken(RESERVE, recipient);
        _locked = true;
        uint256 unallocated = _holders[RESERVE].share;
        emit SharesLocked(recipient, unallocated);

        uint256 count = _tokens.length;
        for (uint256 i = 0; i < count; ++i) {
            mapping(address account => Earnings) storage earnings = _earnings[_tokens[i]];
            uint256 owed = earnings[RESERVE].owedScaled;
            if (owed != 0) {
                earnings[recipient].owedScaled += owed;
                earnings[RESERVE].owedScaled = 0;
            }
        }
        if (unallocated != 0) {
            _holders[RESERVE].share = 0;
            _holders[recipient].share += uint72(unallocated);
            emit ShareTransferred(RESERVE, recipient, unallocated);
        }
    }

    // ------------------------------------------------------------------ shares

    /// @inheritdoc IPoolOwners
    function transferShare(address to, uint256 share) external nonReentrant {
        if (to == address(0)) revert PoolOwnersZeroAddress();
        if (share == 0) revert PoolOwnersZeroAmount();
        uint256 held = _holders[msg.sender].share;
        if (share > held) revert PoolOwnersInsufficientShare(msg.sender, held, share);
        _moveShare(msg.sender, to, share);
    }

    // ------------------------------------------------------------------ tokens

    /// @inheritdoc IPoolOwners
    function addToken(IERC20 token) external onlyOwner {
        if (address(token) == address(0)) revert PoolOwnersZeroAddress();
        TokenBook storage book = _books[token];
        if (book.listed) revert PoolOwnersTokenAlreadyListed(address(token));
        if (_tokens.length == MAX_TOKENS) revert PoolOwnersTooManyTokens(MAX_TOKENS);
        book.listed = true;
        _tokens.push(token);
        emit TokenAdded(token);
    }

    /// @notice ERC-677 entry: a listed token's `transferAndCall` may send tokens here; they wait for `distribute`.
    /// @dev Requirements: the caller is a listed token (so an unlisted token's transfer fails instead of waiting).
    function onTokenTransfer(address, uint256, bytes calldata) external view {
        if (!_books[IERC20(msg.sender)].listed) revert PoolOwnersUnknownToken(msg.sender);
    }

    /// @inheritdoc IPoolOwners
    function distribute(IERC20 token) external nonReentrant returns (uint256 amount) {
        (amount, ) = _distribute(token, _listedBook(token));
    }

    /// @inheritdoc IPoolOwners
    function withdraw(IERC20 token) external nonReentrant returns (uint256 amount) {
        (TokenBook storage book, Earnings storage earnings) = _settleForWithdrawal(token);
        amount = earnings.owedScaled / TOTAL_SHARES;
        if (amount == 0) revert PoolOwnersNothingToWithdraw(address(token), msg.sender);
        _pay(token, book, earnings, amount);
    }

    /// @inheritdoc IPoolOwners
    function withdrawAmount(IERC20 token, uint256 amount) external nonReentrant {
        (TokenBook storage book, Earnings storage earnings) = _settleForWithdrawal(token);
        if (amount == 0) revert PoolOwnersZeroAmount();
        uint256 balance = earnings.owedScaled / TOTAL_SHARES;
        if (amount > balance) revert PoolOwnersInsufficientBalance(address(token), msg.sender, balance, amount);
        _pay(token, book, earnings, amount);
    }

    // ------------------------------------------------------------------ getters

    /// @inheritdoc IPoolOwners
    function withdrawable(IERC20 token, address account) external view returns (uint256 amount) {
        TokenBook storage book = _listedBook(token);
        uint256 distributed = book.distributed + _arrived(token, book);
        Earnings storage earnings = _earnings[token][account];
        uint256 accrued = _holders[account].share * (distributed - earnings.settledAt);
        return (earnings.owedScaled + accrued) / TOTAL_SHARES;
    }

    /// @inheritdoc IPoolOwners
    function shareOf(address account) external view returns (uint256 share) {
        return _holders[account].share;
    }

    /// @inheritdoc IPoolOwners
    function grantedShareOf(address account) external view returns (uint256 granted) {
        return _holders[account].granted;
    }

    /// @inheritdoc IPoolOwners
    function contributionOf(address contributor) external view returns (uint256 value) {
        return _holders[contributor].contributed;
    }

    /// @inheritdoc IPoolOwners
    function totalContributed() external view returns (uint256 value) {
        return _totalContributed;
    }

    /// @inheritdoc IPoolOwners
    function creatorSharesGranted() external view returns (uint256 granted) {
        return _creatorSharesGranted;
    }

    /// @inheritdoc IPoolOwners
    function locked() external view returns (bool) {
        return _locked;
    }

    /// @inheritdoc IPoolOwners
    function tokens() external view returns (IERC20[] memory listed) {
        return _tokens;
    }

    /// @inheritdoc IPoolOwners
    function getTokenAccounting(IERC20 token) external view returns (uint256 distributed, uint256 accounted) {
        TokenBook storage book = _listedBook(token);
        return (book.distributed, book.accounted);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Moves `share` from `from` to `to` (the caller checked `from` holds it), both settled first.
    function _moveShare(address from, address to, uint256 share) private {
        _settleInEveryToken(from, to);
        _holders[from].share -= uint72(share);
        _holders[to].share += uint72(share); // the shares add up to TOTAL_SHARES < 2^72
        emit ShareTransferred(from, to, share);
    }

    /// @dev Distributes what arrived of every listed token, then settles `a` and `b` in it, so that a share change
    /// after this splits neither past distributions nor tokens that arrived before it. O(MAX_TOKENS).
    function _settleInEveryToken(address a, address b) private {
        uint256 shareA = _holders[a].share;
        uint256 shareB = _holders[b].share;
        uint256 count = _tokens.length;
        for (uint256 i = 0; i < count; ++i) {
            IERC20 token = _tokens[i];
            (, uint256 distributed) = _distribute(token, _books[token]);
            _settle(_earnings[token][a], shareA, distributed);
            _settle(_earnings[token][b], shareB, distributed);
        }
    }

    function _settleForWithdrawal(IERC20 token) private returns (TokenBook storage book, Earnings storage earnings) {
        book = _listedBook(token);
        (, uint256 distributed) = _distribute(token, book);
        earnings = _earnings[token][msg.sender];
        _settle(earnings, _holders[msg.sender].share, distributed);
    }

    /// @dev Adds what `share` earned since the last settlement; exact, nothing rounded (see the contract's @dev).
    function _settle(Earnings storage earnings, uint256 share, uint256 distributed) private {
        uint256 since = distributed - earnings.settledAt;
        if (since == 0) return;
        // share * since < 2^72 * 2^120: no overflow; a holder without shares only moves its mark (gas savings)
        if (share != 0) earnings.owedScaled += share * since;
        earnings.settledAt = distributed;
    }

    /// @dev Takes what arrived of `token` since the last call into account. O(1).
    /// @return amount what was taken in
    /// @return distributed the token's counter after it
    function _distribute(IERC20 token, TokenBook storage book) private returns (uint256 amount, uint256 distributed) {
        distributed = book.distributed;
        amount = _arrived(token, book);
        if (amount == 0) return (0, distributed);
        distributed += amount;
        book.distributed = uint120(distributed); // capped at MAX_DISTRIBUTED by _arrived
        book.accounted += uint120(amount); // accounted <= distributed
        emit Distributed(token, amount);
    }

    /// @dev What arrived of `token` and is not yet distributed, cut to what the counters can still take.
    function _arrived(IERC20 token, TokenBook storage book) private view returns (uint256 amount) {
        uint256 balance = token.balanceOf(address(this));
        uint256 accounted = book.accounted;
        if (balance <= accounted) return 0;
        amount = balance - accounted;
        uint256 room = MAX_DISTRIBUTED - book.distributed;
        if (amount > room) amount = room;
    }

    function _pay(IERC20 token, TokenBook storage book, Earnings storage earnings, uint256 amount) private {
        unchecked {
            // amount <= owedScaled / TOTAL_SHARES, and every holder's owed is part of accounted
            earnings.owedScaled -= amount * TOTAL_SHARES;
            book.accounted -= uint120(amount);
        }
        emit Withdrawn(token, msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    function _listedBook(IERC20 token) private view returns (TokenBook storage book) {
        book = _books[token];
        if (!book.listed) revert PoolOwnersUnknownToken(address(token));
    }
}
