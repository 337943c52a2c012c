// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolRegistry} from "../staking/PoolRegistry.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {RegistryDeployment} from "./RegistryDeployment.sol";
import {TestBase} from "./TestBase.sol";
import {vm} from "./Vm.sol";

/// @title StakingFixture: a token, a registry (behind its proxy, governed by a timelock) and one pool with its
/// operator's self-stake, for the Solidity tests.
abstract contract StakingFixture is TestBase, RegistryDeployment {
    uint256 internal constant SUPPLY = 1e30; // above 2^96, so a vault can be filled past its packed counters
    uint256 internal constant THAWING_PERIOD = 7 days;
    uint256 internal constant TRANSFER_LOCKOUT_PERIOD = 2 days;
    uint256 internal constant MIN_SELF_STAKE = 100e18;
    uint256 internal constant PROTOCOL_FEE_RATE = 50_000; // 5%
    uint256 internal constant COMMISSION_RATE = 100_000; // 10%
    uint256 internal constant PPM = 1_000_000;
    uint256 internal constant PRECISION = 1e27;
    uint256 internal constant MAX_UINT96 = type(uint96).max;
    /// @dev Governance waits a day longer than the thawing period.
    uint256 internal constant GOVERNANCE_DELAY = THAWING_PERIOD + 1 days;

    /// @dev Proposes governance actions to the timelock.
    address internal immutable governor = _named("governor");
    address internal immutable feeRecipient = _named("feeRecipient");
    address internal immutable operator = _named("operator");
    address internal immutable signer = _named("signer");
    address internal immutable alice = _named("alice");
    address internal immutable bob = _named("bob");
    address internal immutable carol = _named("carol");
    address internal immutable keeper = _named("keeper");
    address internal immutable stranger = _named("stranger");

    StakingToken internal token;
    /// @dev The registry's governance. Tests that only check what a governance action does prank as it; the tests of
    /// the timelock itself go through `schedule` and `execute`.
    TimelockController internal timelock;
    /// @dev `address(timelock)`: the registry's owner.
    address internal owner;
    PoolRegistry internal registry;
    /// @dev Registered by `setUp` with COMMISSION_RATE, its operator holding exactly MIN_SELF_STAKE.
    address internal pool;

    function setUp() public virtual {
        token = new StakingToken("Pool Stake", "STK", address(this), SUPPLY);
        timelock = _newTimelock(GOVERNANCE_DELAY, governor);
        owner = address(timelock);
        registry = _newRegistry(
            token,
            THAWING_PERIOD,
            TRANSFER_LOCKOUT_PERIOD,
            MIN_SELF_STAKE,
            PROTOCOL_FEE_RATE,
            feeRecipient,
            owner
        );
        pool = _registerPool(operator, COMMISSION_RATE);
        _delegate(operator, pool, MIN_SELF_STAKE);
    }

    /// @dev Schedules `data` as a call to the registry through the timelock, waits the delay and executes it.
    function _govern(bytes memory data) internal {
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
    }

    function _registerPool(address poolOperator, uint256 commissionRate) internal returns (address) {
        vm.prank(poolOperator);
        return registry.registerPool(signer, commissionRate, "https://pools.example/operator.json", keccak256("meta"));
    }

    /// @dev Gives `delegator` `amount` tokens and delegates them with approve + `delegate`.
    function _delegate(address delegator, address toPool, uint256 amount) internal {
        token.transfer(delegator, amount);
        vm.startPrank(delegator);
        token.approve(address(registry), amount);
        registry.delegate(toPool, amount);
        vm.stopPrank();
    }

    /// @dev A reward arrives: tokens sent straight to the pool's vault, as an aggregator's payout would.
    function _reward(address toPool, uint256 amount) internal {
        token.transfer(toPool, amount);
    }

    function _undelegate(address delegator, address fromPool, uint256 amount, uint256 fee) internal returns (uint256) {
        vm.prank(delegator);
        return registry.undelegate(fromPool, amount, fee);
    }

    function _totalStake(address ofPool) internal view returns (uint256 total) {
        (total, ) = registry.getTotalStake(ofPool);
    }

    /// @dev Stake transferred to `ofPool` and not landed yet.
    function _pendingStake(address ofPool) internal view returns (uint256 pending) {
        (, pending) = registry.getTotalStake(ofPool);
    }

    function _accounted(address ofPool) internal view returns (uint256 accounted) {
        (accounted, , , , ) = registry.getPoolAccounting(ofPool);
    }

    function _commissionOwed(address ofPool) internal view returns (uint256 commissionOwed) {
        (, , , commissionOwed, ) = registry.getPoolAccounting(ofPool);
    }

    function _protocolFeesOwed(address ofPool) internal view returns (uint256 protocolFeesOwed) {
        (, , , , protocolFeesOwed) = registry.getPoolAccounting(ofPool);
    }

    function _balance(address account) internal view returns (uint256) {
        return IERC20(address(token)).balanceOf(account);
    }

    /// @dev The id the registry gives an undelegation: nonce << 192 | pool index << 160 | delegator.
    function _undelegationId(address delegator, uint256 poolIndex, uint256 nonce) internal pure returns (uint256) {
        return (nonce << 192) | (poolIndex << 160) | uint256(uint160(delegator));
    }

    /// @dev The id the registry gives a transfer: nonce << 224 | toPool index << 192 | fromPool index << 160 |
    /// delegator, the nonce counting transfers out of fromPool from 1.
    function _transferId(
        address delegator,
        uint256 fromIndex,
        uint256 toIndex,
        uint256 nonce
    ) internal pure returns (uint256) {
        return (nonce << 224) | (toIndex << 192) | (fromIndex << 160) | uint256(uint160(delegator));
    }
}
