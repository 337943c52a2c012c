// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IPoolOwners: the protocol-fee recipient, owned in shares by its creators and the contributors of a sale.
/// @notice Shares are counted at the sale's valuation: one share is what one wei of ETH buys, so 100% is
/// TOTAL_SHARES = 4000 ether and every contribution's share is its value exactly (4 ETH → 0.1%, 13.6 ETH → 0.34%).
/// Shares nobody holds yet (the unsold part of the sale, the creators' part not yet granted) are the reserve, the
/// holder `address(0)`: it earns like any holder, so every distribution is shared out of exactly 100%, and
/// `lockShares` gives it, with what it earned, to the contract owner.
/// Tokens are distributed pro rata to shares through one cumulative counter per token: no loop over owners anywhere.
/// A share change settles both holders in every listed token, so the listed tokens are few (MAX_TOKENS) and chosen by
/// the contract owner.
interface IPoolOwners {
    // ---- events: enough to rebuild every holder's share and earnings from logs alone ----

    /// @notice `token` is distributed from now on; tokens of it that arrived before are taken in at the next
    /// distribution.
    event TokenAdded(IERC20 indexed token);
    /// @notice `contributor` paid `value` wei to the wallet; its `value` shares arrive in the `ShareTransferred` from
    /// the reserve that follows.
    event Contributed(address indexed contributor, uint256 value);
    /// @notice The contract owner set the creators' shares granted to `owner` to `granted`; the difference moves in
    /// the `ShareTransferred` between the reserve and `owner` that follows.
    event OwnerShareSet(address indexed owner, uint256 granted);
    /// @notice `share` moved from `from` to `to`, after both were settled in every listed token. `address(0)` is the
    /// reserve.
    event ShareTransferred(address indexed from, address indexed to, uint256 share);
    /// @notice The sale ended and shares can no longer be granted; the reserve's `unallocated` shares and its unpaid
    /// earnings went to `owner`.
    event SharesLocked(address indexed owner, uint256 unallocated);
    /// @notice `amount` of `token` that arrived was shared out among the holders.
    event Distributed(IERC20 indexed token, uint256 amount);
    event Withdrawn(IERC20 indexed token, address indexed owner, uint256 amount);

    // ---- errors: one per refusal, with what the caller needs to understand it ----

    error PoolOwnersZeroAddress();
    error PoolOwnersZeroAmount();
    error PoolOwnersSharesLocked();
    /// @param minimum MIN_CONTRIBUTION, or what is left below the hard cap when that is less
    error PoolOwnersContributionTooSmall(uint256 value, uint256 minimum);
    /// @param room what is left below the hard cap
    error PoolOwnersHardCapExceeded(uint256 value, uint256 room);
    /// @param maxGranted the most `owner` may be granted: its grant plus what is left of the creators' part
    error PoolOwnersCreatorSharesExceeded(address owner, uint256 granted, uint256 maxGranted);
    error PoolOwnersInsufficientShare(address owner, uint256 share, uint256 requested);
    error PoolOwnersUnknownToken(address token);
    error PoolOwnersTokenAlreadyListed(address token);
    error PoolOwnersTooManyTokens(uint256 maxTokens);
    error PoolOwnersNothingToWithdraw(address token, address owner);
    error PoolOwnersInsufficientBalance(address token, address owner, uint256 balance, uint256 amount);
    error PoolOwnersPaymentFailed(address wallet, uint256 value);

    // ---- the sale and the creators' shares ----

    /// @notice Buys shares with the ETH sent: `msg.value` shares (4 ETH → 0.1%), paid on to the wallet at once.
    /// Repeatable.
    /// @dev Requirements: the shares are not locked; the hard cap is not reached and `totalContributed + msg.value`
    /// stays within it (a contribution that would cross it is refused whole); `msg.value` >= MIN_CONTRIBUTION, unless
    /// less than that is left below the cap and `msg.value` is exactly what is left; the wallet accepts the ETH.
    /// @return share the shares bought, `msg.value`
    function contribute() external payable returns (uint256 share);

    /// @notice Sets the creators' shares granted to `owner` to `granted`, moving the difference between the reserve
    /// and `owner`.
    /// @dev Requirements: the caller is the contract owner; the shares are not locked; `owner` is not zero; the
    /// grants together stay within CREATOR_SHARES; a lowered grant is taken back from what `owner` holds, so it must
    /// hold the difference.
    function setOwnerShare(address owner, uint256 granted) external;

    /// @notice Ends the sale and freezes the grants; the reserve's shares and unpaid earnings go to the contract owner,
    /// so from now on the holders' shares add up to exactly 100%.
    /// @dev Requirements: the caller is the contract owner; the shares are not locked yet.
    function lockShares() external;

    // ---- shares ----

    /// @notice Gives `share` of the caller's shares to `to`. Both are settled in every listed token first, so what the
    /// caller earned so far stays theirs and `to` earns on the share from now on.
    /// @dev Requirements: `to` is not zero; 0 < `share` <= the caller's share; every listed token's `balanceOf`
    /// answers.
    function transferShare(address to, uint256 share) external;

    // ---- tokens ----

    /// @notice Lists `token` for distribution.
    /// @dev Requirements: the caller is the contract owner; `token` is not zero, not listed, and fewer than MAX_TOKENS
    /// are listed.
    function addToken(IERC20 token) external;

    /// @notice Takes the tokens of `token` that arrived since the last distribution into account and shares them out
    /// pro rata to shares. Anyone may call it; every share change and withdrawal does it first. O(1).
    /// @dev Requirements: `token` is listed.
    /// @return amount the amount taken in (zero if nothing arrived)
    function distribute(IERC20 token) external returns (uint256 amount);

    /// @notice Pays the caller everything it can withdraw of `token`.
    /// @dev Requirements: `token` is listed; there is at least one whole wei to pay.
    /// @return amount what was paid
    function withdraw(IERC20 token) external returns (uint256 amount);

    /// @notice Pays the caller `amount` of what it can withdraw of `token`.
    /// @dev Requirements: `token` is listed; 0 < `amount` <= `withdrawable(token, msg.sender)`.
    function withdrawAmount(IERC20 token, uint256 amount) external;

    // ---- getters ----

    /// @notice What `owner` could withdraw of `token` now, counting tokens that arrived but are not yet distributed.
    /// @dev Requirements: `token` is listed.
    function withdrawable(IERC20 token, address owner) external view returns (uint256 amount);

    /// @notice `owner`'s share, in TOTAL_SHARES (100%). The reserve's is `shareOf(address(0))`.
    function shareOf(address owner) external view returns (uint256 share);

    /// @notice The creators' shares the contract owner granted to `owner` (still counted after `owner` gave any away).
    function grantedShareOf(address owner) external view returns (uint256 granted);

    /// @notice The ETH `contributor` paid in, all contributions together.
    function contributionOf(address contributor) external view returns (uint256 value);

    /// @notice The ETH paid in by every contributor together.
    function totalContributed() external view returns (uint256 value);

    /// @notice The creators' shares granted so far, at most CREATOR_SHARES.
    function creatorSharesGranted() external view returns (uint256 granted);

    /// @notice Whether `lockShares` was called: the sale is over and grants are frozen.
    function locked() external view returns (bool);

    /// @notice The listed tokens, in the order they were added.
    function tokens() external view returns (IERC20[] memory listed);

    /// @notice Accounting of one listed token, for indexers and invariant checks.
    /// @return distributed every amount of it ever distributed, the counter holders are settled against
    /// @return accounted what of it this contract holds and knows about: distributed and not yet withdrawn
    function getTokenAccounting(IERC20 token) external view returns (uint256 distributed, uint256 accounted);
}
