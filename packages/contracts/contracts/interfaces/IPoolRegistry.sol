// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPoolRegistryTypes: the registry's types, events and errors, shared by both halves of its implementation.
interface IPoolRegistryTypes {
    /// @notice What a pool accepts now. Retired wins over Disabled, which wins over Broken.
    enum PoolState {
        Active, // takes delegations
        Broken, // operator self-stake below the registry minimum: takes no delegations from others
        Disabled, // switched off by its operator: takes no delegations
        Retired // closed for good by its operator: stays listed, takes no delegations; stake can leave and earn
    }

    /// @notice Everything `getPoolInfo` reports about a pool.
    struct PoolInfo {
        address operator;
        address signingAddress;
        uint256 commissionRate;
        bool selfStakeSatisfied;
        PoolState state;
        uint256 stakingLimit;
        bool isPrivate;
        string metaDataUrl;
        bytes32 metaDataContentHash;
        uint256 selfStake;
        uint256 index;
    }

    /// @notice An undelegation waiting out its thawing period.
    struct Undelegation {
        address pool;
        address delegator;
        uint256 amount;
        uint256 fee;
        uint256 releaseAt;
    }

    /// @notice A delegation on its way from one pool to another, waiting out the transfer lockout.
    struct Transfer {
        address fromPool;
        address toPool;
        address delegator;
        uint256 amount;
        uint256 fee;
        uint256 releaseAt;
    }

    // ---- events: enough to rebuild every pool and delegation from logs alone ----

    event PoolRegistered(
        address indexed pool,
        address indexed operator,
        address signingAddress,
        uint256 commissionRate,
        string metaDataUrl,
        bytes32 metaDataContentHash
    );
    event StakingLimitChanged(address indexed pool, uint256 stakingLimit);
    event PoolEnabled(address indexed pool);
    event PoolDisabled(address indexed pool);
    event PoolPrivacyChanged(address indexed pool, bool isPrivate);
    event PoolRetired(address indexed pool);
    event MetaDataUpdated(address indexed pool, string metaDataUrl, bytes32 metaDataContentHash);
    event DelegatorAllowListUpdated(address indexed pool, address indexed delegator, bool allowed);
    event Delegated(address indexed pool, address indexed delegator, uint256 amount);
    event Undelegated(
        uint256 indexed id,
        address indexed pool,
        address indexed delegator,
        uint256 amount,
        uint256 fee,
        uint256 releaseAt
    );
    /// @notice `amount` is the undelegated amount, as in `Undelegated`: the delegator received `amount - fee`, the
    /// caller `fee`.
    event UndelegationFinalized(
        uint256 indexed id,
        address indexed pool,
        address indexed delegator,
        uint256 amount,
        uint256 fee,
        address caller
    );
    /// @notice `amount` left `fromPool`'s stake at once; `amount - fee` joins the delegator's stake in `toPool` when
    /// the transfer is finalized, from `releaseAt`, and `fee` goes to whoever finalizes it.
    /// @dev Indexed by both pools and the delegator (what a pool's or a wallet's filter asks for); the id, which
    /// encodes them with a nonce, is in the data.
    event DelegationTransferred(
        uint256 id,
        address indexed fromPool,
        address indexed toPool,
        address indexed delegator,
        uint256 amount,
        uint256 fee,
        uint256 releaseAt
    );
    /// @notice `amount` is the transferred amount, as in `DelegationTransferred`: `amount - fee` joined the
    /// delegator's stake in `toPool`, and the caller received `fee`.
    event TransferFinalized(
        uint256 id,
        address indexed fromPool,
        address indexed toPool,
        address indexed delegator,
        uint256 amount,
        uint256 fee,
        address caller
    );
    /// @notice A reward that arrived at the pool's vault was taken into account and split.
    event RewardsDistributed(
        address indexed pool,
        uint256 amount,
        uint256 protocolFee,
        uint256 commission,
        uint256 toDelegators
    );
    event RewardsWithdrawn(address indexed pool, address indexed delegator, uint256 amount);
    event RewardsRedelegated(address indexed pool, address indexed delegator, uint256 amount);
    event ProtocolFeesWithdrawn(address indexed pool, address indexed recipient, uint256 amount);
    event ProtocolFeeRateChanged(uint256 rate);
    event FeeRecipientChanged(address indexed recipient);
    event MinSelfStakeChanged(uint256 amount);
    event MaxCommissionIncreaseChanged(uint256 increase);
    /// @notice `delegator` lets anyone add its rewards from `pool` to its stake there, for `feePercentage` (ppm) of
    /// them.
    event AutoRewardsDelegationEnabled(address indexed pool, address indexed delegator, uint256 feePercentage);
    event AutoRewardsDelegationDisabled(address indexed pool, address indexed delegator);
    /// @notice `amount` of `delegator`'s rewards were taken: `amount - fee` joined its stake, `caller` received `fee`.
    event AutoRewardsDelegated(
        address indexed pool,
        address indexed delegator,
        address indexed caller,
        uint256 amount,
        uint256 fee
    );
    /// @notice The operator of `pool` asked for `newRate`; it can be finalized from `effectiveAt`. Replaces any
    /// change the pool had pending.
    event CommissionRateChangeRequested(uint256 indexed id, address indexed pool, uint256 newRate, uint256 effectiveAt);
    event CommissionRateChanged(address indexed pool, uint256 oldRate, uint256 newRate);
    /// @notice Governance added `target` to the public whitelist of contracts pools may pay penalties into.
    event PenaltyContractAdded(address indexed target);
    event PenaltyContractRemoved(address indexed target);
    /// @notice The operator of `pool` paid `amount` of the pool's tokens into the whitelisted `target`, backed by
    /// their self-stake.
    event PenaltyLocked(address indexed pool, address indexed target, uint256 amount);
    /// @notice `from` returned `amount` locked tokens to the pool's vault: they are in its accounts again.
    event PenaltyReturned(address indexed pool, address indexed from, uint256 amount);
    /// @notice The oracle node `oracle` (the pool's signing key) bound itself to `pool`: the payments its aggregators
    /// owe it are collected into that pool's vault, for good.
    event OracleBound(address indexed oracle, address indexed pool);
    /// @notice `amount` of what `aggregator` owed `oracle` was paid into `pool`'s vault, where it is a reward.
    event OraclePaymentCollected(
        address indexed pool,
        address indexed aggregator,
        address indexed oracle,
        uint256 amount
    );
    /// @notice A penalty that will not come back was taken out of the operator's self-stake.
    event PenaltyWrittenOff(address indexed pool, address indexed operator, uint256 amount);

    // ---- errors: one per refusal, with what the caller needs to understand it ----

    error PoolRegistryUnknownPool(address pool);
    error PoolRegistryZeroAmount();
    error PoolRegistryZeroAddress();
    error PoolRegistryRateTooHigh(uint256 rate, uint256 maxRate);
    error PoolRegistryNotOperator(address pool, address caller);
    error PoolRegistryPoolDisabled(address pool);
    error PoolRegistryPoolRetired(address pool);
    error PoolRegistryPoolBroken(address pool, uint256 selfStake, uint256 minSelfStake);
    error PoolRegistryDelegatorNotAllowed(address pool, address delegator);
    /// @dev `totalStake` counts the stake pending into the pool from transfers: its room is reserved.
    error PoolRegistryStakingLimitExceeded(address pool, uint256 totalStake, uint256 stakingLimit, uint256 amount);
    /// @dev `totalStake` counts the stake pending into the pool from transfers.
    error PoolRegistryLimitBelowStake(address pool, uint256 stakingLimit, uint256 totalStake);
    error PoolRegistryLimitTooLarge(uint256 stakingLimit, uint256 maxLimit);
    error PoolRegistryInsufficientStake(address pool, address delegator, uint256 stake, uint256 amount);
    error PoolRegistryFeeExceedsAmount(uint256 fee, uint256 amount);
    error PoolRegistryUnknownUndelegation(uint256 id);
    error PoolRegistryUndelegationNotDue(uint256 id, uint256 releaseAt);
    error PoolRegistryNothingToWithdraw(address pool, address account);
    error PoolRegistryUnsupportedToken(address token);
    error PoolRegistryInvalidPoolData(bytes data);
    /// @dev `accounted` counts the tokens pending into the pool's vault from transfers.
    error PoolRegistryVaultFull(address pool, uint256 accounted, uint256 amount);
    error PoolRegistryTooManyPools();
    error PoolRegistryTransferLockoutTooLong(uint256 transferLockoutPeriod, uint256 thawingPeriod);
    error PoolRegistryTransferToSamePool(address pool);
    error PoolRegistrySelfStakeNotTransferable(address pool, address operator);
    error PoolRegistryUnknownTransfer(uint256 id);
    error PoolRegistryTransferNotDue(uint256 id, uint256 releaseAt);
    error PoolRegistryAutoDelegationWithoutStake(address pool, address delegator);
    error PoolRegistryAutoDelegationNotEnabled(address pool, address delegator);
    error PoolRegistryCommissionIncreaseTooLarge(
        address pool,
        uint256 currentRate,
        uint256 newRate,
        uint256 maxIncrease
    );
    error PoolRegistryUnknownCommissionRateChange(uint256 id);
    error PoolRegistryCommissionRateChangeNotDue(uint256 id, uint256 effectiveAt);
    error PoolRegistryGovernanceNotTimelocked(address governor);
    error PoolRegistryGovernanceDelayTooShort(address governor, uint256 delay, uint256 thawingPeriod);
    error PoolRegistryIncompatibleUpgrade(address implementation);
    error PoolRegistryInvalidPenaltyContract(address target);
    error PoolRegistryPenaltyContractListed(address target);
    error PoolRegistryNotPenaltyContract(address target);
    error PoolRegistryTooManyPenaltyContracts();
    error PoolRegistryPenaltyExceedsSelfStake(address pool, uint256 locked, uint256 selfStake, uint256 amount);
    error PoolRegistryExceedsLockedPenalties(address pool, uint256 locked, uint256 amount);
    error PoolRegistryStakeLockedInPenalties(address pool, uint256 selfStakeAfter, uint256 locked);
    error PoolRegistryExtensionCalledDirectly();
    error PoolRegistryNotSigningAddress(address pool, address caller);
    error PoolRegistryOracleAlreadyBound(address oracle, address pool);
    error PoolRegistryOracleNotBound(address oracle);
}

/// @title IPoolRegistry: the delegation standard (seed 001) over an ERC-20/677 stake token.
/// @notice Function names follow Aion's PoolRegistry; where Aion took the call's value, an `amount` of the stake
/// token is taken instead (pulled with `transferFrom`, or received through ERC-677 `transferAndCall`).
/// Rates are parts per million: 1_000_000 = 100%.
interface IPoolRegistry is IPoolRegistryTypes {
    // ---- pools ----

    /// @notice Registers a pool operated by the caller and deploys its vault.
    /// @dev Requirements: `signingAddress` is not zero; `commissionRate` <= 1_000_000.
    /// @return pool the pool's address (its vault)
    function registerPool(
        address signingAddress,
        uint256 commissionRate,
        string calldata metaDataUrl,
        bytes32 metaDataContentHash
    ) external returns (address pool);

    /// @notice Sets the most stake the pool takes.
    /// @dev Requirements: the caller is the operator; `totalStake` <= `stakingLimit` <= 2^96-1.
    function setStakingLimit(address pool, uint256 stakingLimit) external;

    /// @notice Lets the pool take delegations again. Requirements: the caller is the operator.
    function enablePool(address pool) external;

    /// @notice Stops the pool taking delegations; stake already in can still leave and earn.
    /// @dev Requirements: the caller is the operator.
    function disablePool(address pool) external;

    /// @notice Closes the pool for good: it stays listed as retired and takes no delegations, not even from its
    /// operator; stake already in keeps earning and can leave, and rewards can be withdrawn.
    /// @dev Requirements: the caller is the operator; the pool is not retired yet.
    function retirePool(address pool) external;

    /// @notice Points the pool at new metadata (the metadata proxy checks the content against the hash).
    /// @dev Requirements: the caller is the operator.
    function updateMetaData(address pool, string calldata metaDataUrl, bytes32 metaDataContentHash) external;

    /// @notice Makes the pool private (only allow-listed delegators may add stake) or public.
    /// @dev Requirements: the caller is the operator.
    function setPoolPrivate(address pool, bool isPrivate) external;

    /// @notice Adds `delegator` to, or removes it from, a private pool's allow-list.
    /// @dev Requirements: the caller is the operator; `delegator` is not zero.
    function setDelegatorAllowed(address pool, address delegator, bool allowed) external;

    // ---- delegation ----

    /// @notice Delegates `amount` of the stake token (pulled from the caller) to `pool`.
    /// @dev Requirements: the pool exists and is enabled; unless the caller is the operator, the pool is not broken
    /// and, if private, the caller is allow-listed; the new total stays within the staking limit; `amount` > 0.
    function delegate(address pool, uint256 amount) external;

    /// @notice Removes `amount` of the caller's stake at once; the tokens thaw for `thawingPeriod` seconds.
    /// @dev Requirements: 0 < `amount` <= the caller's stake; `fee` <= `amount`.
    /// @param fee paid out of `amount` to whoever calls `finalizeUndelegate`
    /// @return id the pending undelegation
    function undelegate(address pool, uint256 amount, uint256 fee) external returns (uint256 id);

    /// @notice Pays a thawed undelegation to its delegator and its fee to the caller. Anyone may call it.
    /// @dev Requirements: `id` is pending and its thawing period has passed.
    function finalizeUndelegate(uint256 id) external;

    /// @notice Finalizes every undelegation in `ids` that is due, in one transaction (for keepers and pools that
    /// finalize on their delegators' behalf). Unknown, already finalized and still thawing ids are skipped, not
    /// reverted. Each fee goes to the caller.
    /// @return finalized how many were finalized
    function finalizeUndelegations(uint256[] calldata ids) external returns (uint256 finalized);

    /// @notice Moves `amount` of the caller's stake from `fromPool` to `toPool`. It stops earning in `fromPool` at once
    /// (the caller's rewards there are paid out, as on `undelegate`), earns nowhere during the transfer lockout, and
    /// joins the caller's stake in `toPool` when anyone finalizes the transfer, less `fee`, which goes to the
    /// finalizer. The room in `toPool` is reserved now: the transfer lands even if `toPool` is disabled, retired or
    /// broken by then. `fromPool` may be in any state (a delegator can always leave a broken pool this way).
    /// @dev Requirements: both pools exist and differ; 0 < `amount` <= the caller's stake in `fromPool`;
    /// `fee` <= `amount`; the caller is not `fromPool`'s operator (self-stake cannot be transferred); `toPool` takes
    /// a delegation of `amount - fee` from the caller now, as `delegate` would, counting stake already pending into
    /// it against its staking limit and its vault's room.
    /// @param fee paid out of `amount` to whoever calls `finalizeTransfer`
    /// @return id the pending transfer
    function transferDelegation(
        address fromPool,
        address toPool,
        uint256 amount,
        uint256 fee
    ) external returns (uint256 id);

    /// @notice Lands a transfer whose lockout has passed: `amount - fee` joins the delegator's stake in `toPool`
    /// (their rewards there so far are paid out first) and the caller receives `fee`. Anyone may call it.
    /// @dev Requirements: `id` is pending and its transfer lockout has passed.
    function finalizeTransfer(uint256 id) external;

    /// @notice Finalizes every transfer in `ids` that is due, in one transaction. Unknown, already finalized and
    /// still locked ids are skipped, not reverted. Each fee goes to the caller.
    /// @return finalized how many were finalized
    function finalizeTransfers(uint256[] calldata ids) external returns (uint256 finalized);

    /// @notice Pays the caller's rewards from `pool` (the operator's include the pool's commission).
    /// @dev Requirements: there is something to pay.
    function withdrawRewards(address pool) external returns (uint256 amount);

    /// @notice Adds the caller's rewards from `pool` to their stake in it.
    /// @dev Requirements: there are rewards; the same as `delegate` for the pool's state and limit.
    function redelegateRewards(address pool) external returns (uint256 amount);

    /// @notice Takes any tokens that arrived at the pool's vault into account as a reward and splits it.
    /// Anyone may call it; every stake change does it first.
    /// @return reward the amount taken in (zero if nothing arrived)
    function distributeRewards(address pool) external returns (uint256 reward);

    /// @notice Pays the protocol fees a pool has collected to the fee recipient. Anyone may call it.
    /// @dev Requirements: there are fees to pay.
    function withdrawProtocolFees(address pool) external returns (uint256 amount);

    // ---- auto-redelegation (the seed's strategy 2: a bounty for whoever does it) ----

    /// @notice Lets anyone add the caller's rewards from `pool` to its stake there (`autoDelegateRewards`), paying
    /// them `feePercentage` of the rewards each time. Enabling again changes the fee.
    /// @dev Requirements: the pool exists; the caller has stake in it; `feePercentage` <= 1_000_000.
    function enableAutoRewardsDelegation(address pool, uint256 feePercentage) external;

    /// @notice Stops anyone else redelegating the caller's rewards from `pool`.
    /// @dev Requirements: the pool exists; it is enabled for the caller.
    function disableAutoRewardsDelegation(address pool) external;

    /// @notice The seed's spelling of `disableAutoRewardsDelegation`, kept as an alias.
    function disableAutoRewardsDedelegation(address pool) external;

    /// @notice Adds `delegator`'s rewards from `pool` (the operator's include the commission) to its stake there,
    /// less the fee it chose, which goes to the caller. Anyone may call it.
    /// @dev Requirements: auto-redelegation is enabled for `delegator`; it has stake in the pool and rewards; the
    /// pool takes a delegation of the rewards less the fee from it, as `redelegateRewards` would.
    /// @return amount the rewards taken: `amount - fee` joined the stake
    /// @return fee paid to the caller
    function autoDelegateRewards(address pool, address delegator) external returns (uint256 amount, uint256 fee);

    /// @return enabled whether anyone may redelegate `delegator`'s rewards from `pool`
    /// @return feePercentage the caller's share of them, in ppm
    function getAutoRewardsDelegation(
        address pool,
        address delegator
    ) external view returns (bool enabled, uint256 feePercentage);

    // ---- commission changes ----

    /// @notice Asks for the pool's commission rate to become `newRate` after a lockout of `thawingPeriod`, so that a
    /// delegator who disagrees can leave before it applies. Replaces any change the pool had pending (its lockout
    /// starts again).
    /// @dev Requirements: the caller is the operator; `newRate` <= 1_000_000 and at most `maxCommissionIncrease`
    /// above the current rate.
    /// @return id the pending change
    function requestCommissionRateChange(address pool, uint256 newRate) external returns (uint256 id);

    /// @notice Applies a requested change: rewards that arrived before are distributed at the old rate first.
    /// @dev Requirements: `id` is the pool's pending change; the caller is the operator; its lockout has passed.
    function finalizeCommissionRateChange(uint256 id) external;

    // ---- penalties (seed 000 §6.1.3.2): pooled tokens leave a vault only to their owners or to these contracts ----

    /// @notice Pays `amount` of the pool's tokens into the whitelisted penalty contract `target`. What is locked in
    /// penalties is backed by the operator's self-stake, which cannot drop below it, so delegated tokens are never at
    /// risk. Refunds come back through `returnPenalty`; tokens sent straight to the vault are a reward like any other.
    /// @dev Requirements: the caller is the pool's operator; `target` is whitelisted; `amount` > 0; locked penalties
    /// plus `amount` do not exceed the operator's self-stake.
    function lockPenalty(address pool, address target, uint256 amount) external;

    /// @notice Brings `amount` of the pool's locked penalties back: pulls them from the caller (who approved the
    /// registry) into the vault and into its accounts. Anyone may return them, e.g. the operator a refund was paid to.
    /// @dev Requirements: `amount` > 0 and at most what is locked.
    function returnPenalty(address pool, uint256 amount) external;

    /// @notice Takes `amount` of a penalty that will not come back out of the operator's self-stake and out of what
    /// is locked. Requirements: the caller is the pool's operator; `amount` is at most what is locked.
    function writeOffPenalty(address pool, uint256 amount) external;

    /// @notice The public whitelist of penalty contracts.
    function getPenaltyContracts() external view returns (address[] memory targets);

    function isPenaltyContract(address target) external view returns (bool listed);

    /// @notice Tokens of `pool` that are out in penalty contracts.
    function getLockedInPenalties(address pool) external view returns (uint256 locked);

    // ---- oracle payments (issue 4): an oracle's aggregator payments can only ever be paid into its pool ----

    /// @notice Binds the caller, a pool's signing key, to that pool for good: the registry becomes able to collect
    /// the payments aggregators owe it, and only into that pool's vault. Aggregators name the registry as the oracle's
    /// admin, so neither the operator nor the key holder can withdraw the payments elsewhere.
    /// @dev Requirements: the caller is `pool`'s signing address; it is not bound yet (to any pool).
    function bindOracle(address pool) external;

    /// @notice Accepts the registry as `oracle`'s admin in `aggregator`, after the old admin offered it there
    /// (`transferAdmin`). Anyone may call it. Requirements: `oracle` is bound to a pool.
    function acceptOracleAdmin(address aggregator, address oracle) external;

    /// @notice Pays what `aggregator` owes `oracle` into the vault of the pool it is bound to and distributes it as a
    /// reward. Anyone may call it (the keeper does). Requirements: `oracle` is bound; something is withdrawable.
    function collectOraclePayment(address aggregator, address oracle) external returns (uint256 amount);

    /// @notice The pool `oracle` is bound to, or zero.
    function getOraclePool(address oracle) external view returns (address pool);

    // ---- getters ----

    function getPoolInfo(address pool) external view returns (PoolInfo memory info);

    function getStake(address pool, address delegator) external view returns (uint256 stake);

    /// @notice The rewards `delegator` could withdraw now, counting tokens that arrived but are not yet distributed.
    function getRewards(address pool, address delegator) external view returns (uint256 rewards);

    /// @return total the pool's stake
    /// @return pending stake transferred to the pool and not finalized yet (what will join: amounts less fees); it
    /// earns nothing until it lands, and counts against the staking limit
    function getTotalStake(address pool) external view returns (uint256 total, uint256 pending);

    function getUndelegation(uint256 id) external view returns (Undelegation memory undelegation);

    /// @notice A transfer between pools not finalized yet; its delegator and both pools are read from the id.
    /// @dev Requirements: `id` is pending.
    function getTransfer(uint256 id) external view returns (Transfer memory transfer);

    function isDelegatorAllowed(address pool, address delegator) external view returns (bool allowed);

    function getPoolCount() external view returns (uint256 count);

    /// @notice Pools by registration order, `offset` first, at most `limit` of them.
    function getPools(uint256 offset, uint256 limit) external view returns (address[] memory pools);
}
