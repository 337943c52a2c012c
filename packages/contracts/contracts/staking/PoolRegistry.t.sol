// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC677} from "../interfaces/IERC677.sol";
import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolRegistry} from "./PoolRegistry.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title Unit and fuzz tests of PoolRegistry: every entry point, every reachable refusal, and the reward split.
contract PoolRegistryTest is StakingFixture {
    // ------------------------------------------------------------------ constructor

    function test_constructorStoresTheTokenThawingPeriodAndGovernanceParameters() public view {
        assertEq(address(registry.token()), address(token), "token");
        assertEq(registry.thawingPeriod(), THAWING_PERIOD, "thawingPeriod");
        assertEq(registry.transferLockoutPeriod(), TRANSFER_LOCKOUT_PERIOD, "transferLockoutPeriod");
        assertEq(registry.minSelfStake(), MIN_SELF_STAKE, "minSelfStake");
        assertEq(registry.protocolFeeRate(), PROTOCOL_FEE_RATE, "protocolFeeRate");
        assertEq(registry.feeRecipient(), feeRecipient, "feeRecipient");
        assertEq(registry.owner(), owner, "owner");
        assertEq(registry.pendingOwner(), address(0), "pendingOwner");
        assertEq(registry.PPM(), 1_000_000, "PPM");
        assertEq(registry.MAX_PROTOCOL_FEE_RATE(), 200_000, "MAX_PROTOCOL_FEE_RATE");
        assertEq(registry.REWARD_PRECISION(), 1e27, "REWARD_PRECISION");
    }

    function test_deploymentRefusesAZeroTokenOrFeeRecipientAndGovernanceThatIsNotATimelock() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAddress.selector));
        new PoolRegistry(IERC20(address(0)), THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        PoolRegistry implementation = new PoolRegistry(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAddress.selector));
        _newProxy(implementation, MIN_SELF_STAKE, PROTOCOL_FEE_RATE, address(0), owner);
        address[3] memory notTimelocks = [address(0), alice, address(token)]; // nobody, a key, a contract without it
        for (uint256 i = 0; i < notTimelocks.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryGovernanceNotTimelocked.selector, notTimelocks[i])
            );
            _newProxy(implementation, MIN_SELF_STAKE, PROTOCOL_FEE_RATE, feeRecipient, notTimelocks[i]);
        }
    }

    function test_deploymentTakesATimelockOneSecondLongerThanThawingAndRefusesAnEqualOne() public {
        PoolRegistry implementation = new PoolRegistry(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        address equal = address(_newTimelock(THAWING_PERIOD, governor));
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryGovernanceDelayTooShort.selector,
                equal,
                THAWING_PERIOD,
                THAWING_PERIOD
            )
        );
        _newProxy(implementation, MIN_SELF_STAKE, PROTOCOL_FEE_RATE, feeRecipient, equal);
        address longer = address(_newTimelock(THAWING_PERIOD + 1, governor));
        PoolRegistry deployed = _newProxy(implementation, MIN_SELF_STAKE, PROTOCOL_FEE_RATE, feeRecipient, longer);
        assertEq(deployed.owner(), longer, "a timelock one second longer than thawing governs");
    }

    function test_constructorTakesALockoutOneSecondShorterThanThawingAndRefusesAnEqualOne() public {
        PoolRegistry longest = new PoolRegistry(token, THAWING_PERIOD, THAWING_PERIOD - 1);
        assertEq(longest.transferLockoutPeriod(), THAWING_PERIOD - 1, "the longest lockout allowed");
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryTransferLockoutTooLong.selector,
                THAWING_PERIOD,
                THAWING_PERIOD
            )
        );
        new PoolRegistry(token, THAWING_PERIOD, THAWING_PERIOD);
        // without a thawing period no lockout is shorter
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTransferLockoutTooLong.selector, 0, 0));
        new PoolRegistry(token, 0, 0);
    }

    function test_initializeTakesTheProtocolFeeCapAndRefusesOneMore() public {
        PoolRegistry implementation = new PoolRegistry(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        PoolRegistry capped = _newProxy(implementation, MIN_SELF_STAKE, 200_000, feeRecipient, owner);
        assertEq(capped.protocolFeeRate(), 200_000, "protocolFeeRate at the cap");
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, 200_001, 200_000));
        _newProxy(implementation, MIN_SELF_STAKE, 200_001, feeRecipient, owner);
    }

    // ------------------------------------------------------------------ registerPool, getPoolInfo, getPools

    function test_registerPoolDeploysAVaultAndRecordsThePool() public {
        address expected = _createAddress(address(registry), 2); // the set-up pool was the registry's first CREATE
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PoolRegistered(expected, alice, bob, 250_000, "ipfs://pool", bytes32("hash"));
        vm.prank(alice);
        address second = registry.registerPool(bob, 250_000, "ipfs://pool", bytes32("hash"));

        assertEq(second, expected, "pool address is the vault's CREATE address");
        assertEq(PoolVault(second).registry(), address(registry), "vault registry");
        assertEq(address(PoolVault(second).token()), address(token), "vault token");
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(second);
        assertEq(info.operator, alice, "operator");
        assertEq(info.signingAddress, bob, "signingAddress");
        assertEq(info.commissionRate, 250_000, "commissionRate");
        assertEq(info.selfStakeSatisfied, false, "selfStakeSatisfied");
        assertEq(uint256(info.state), uint256(IPoolRegistryTypes.PoolState.Broken), "state: no self-stake yet");
        assertEq(info.stakingLimit, MAX_UINT96, "stakingLimit");
        assertEq(info.isPrivate, false, "isPrivate");
        assertEq(info.metaDataUrl, "ipfs://pool", "metaDataUrl");
        assertEq(info.metaDataContentHash, bytes32("hash"), "metaDataContentHash");
        assertEq(info.selfStake, 0, "selfStake");
        assertEq(info.index, 1, "index");
        assertEq(registry.getPoolCount(), 2, "pool count");
        assertEq(_totalStake(second), 0, "total stake");
        (, uint256 pending) = registry.getTotalStake(second);
        assertEq(pending, 0, "pending stake");
        assertEq(registry.getStake(second, alice), 0, "operator stake");
        assertEq(registry.getRewards(second, alice), 0, "operator rewards");
        assertEq(registry.isDelegatorAllowed(second, bob), true, "public pool allows anyone");
        (uint256 accounted, uint256 rewardPerStake, uint256 remainder, uint256 commission, uint256 fees) = registry
            .getPoolAccounting(second);
        assertEq(accounted + rewardPerStake + remainder + commission + fees, 0, "empty accounting");
    }

    function test_getPoolInfoReportsAnActivePoolWithItsSelfStake() public view {
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        assertEq(info.operator, operator, "operator");
        assertEq(info.signingAddress, signer, "signingAddress");
        assertEq(info.commissionRate, COMMISSION_RATE, "commissionRate");
        assertEq(info.selfStakeSatisfied, true, "selfStakeSatisfied");
        assertEq(uint256(info.state), uint256(IPoolRegistryTypes.PoolState.Active), "state");
        assertEq(info.metaDataUrl, "https://pools.example/operator.json", "metaDataUrl");
        assertEq(info.metaDataContentHash, keccak256("meta"), "metaDataContentHash");
        assertEq(info.selfStake, MIN_SELF_STAKE, "selfStake");
        assertEq(info.index, 0, "index");
    }

    function test_registerPoolRefusesAZeroSigningAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAddress.selector));
        vm.prank(alice);
        registry.registerPool(address(0), 0, "", bytes32(0));
    }

    function test_registerPoolTakesACommissionUpTo100PercentAndRefusesOneMore() public {
        uint256[4] memory accepted = [uint256(0), 1, 999_999, 1_000_000];
        for (uint256 i = 0; i < accepted.length; ++i) {
            address registered = _registerPool(alice, accepted[i]);
            assertEq(registry.getPoolInfo(registered).commissionRate, accepted[i], "commission rate");
        }
        uint256[2] memory refused = [uint256(1_000_001), type(uint256).max];
        for (uint256 i = 0; i < refused.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, refused[i], PPM)
            );
            vm.prank(alice);
            registry.registerPool(signer, refused[i], "", bytes32(0));
        }
    }

    function test_getPoolsPagesThroughPoolsInRegistrationOrder() public {
        address second = _registerPool(alice, 0);
        address third = _registerPool(bob, 0);
        address[] memory all = registry.getPools(0, 10);
        assertEq(all.length, 3, "all: length");
        assertEq(all[0], pool, "all[0]");
        assertEq(all[1], second, "all[1]");
        assertEq(all[2], third, "all[2]");
        address[] memory one = registry.getPools(1, 1);
        assertEq(one.length, 1, "(1, 1): length");
        assertEq(one[0], second, "(1, 1)[0]");
        address[] memory rest = registry.getPools(1, type(uint256).max);
        assertEq(rest.length, 2, "(1, max): length");
        assertEq(rest[1], third, "(1, max)[1]");
        assertEq(registry.getPools(2, 1)[0], third, "(2, 1)[0]");
        assertEq(registry.getPools(3, 1).length, 0, "(3, 1): past the end");
        assertEq(registry.getPools(100, 5).length, 0, "(100, 5): past the end");
        assertEq(registry.getPools(0, 0).length, 0, "(0, 0): no room");
    }

    // ------------------------------------------------------------------ operator settings

    function test_operatorSettingsRefuseEveryoneButTheOperator() public {
        address[3] memory callers = [stranger, alice, owner];
        for (uint256 i = 0; i < callers.length; ++i) {
            bytes memory refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryNotOperator.selector,
                pool,
                callers[i]
            );
            vm.startPrank(callers[i]);
            vm.expectRevert(refusal);
            registry.setStakingLimit(pool, 1e24);
            vm.expectRevert(refusal);
            registry.enablePool(pool);
            vm.expectRevert(refusal);
            registry.disablePool(pool);
            vm.expectRevert(refusal);
            registry.setPoolPrivate(pool, true);
            vm.expectRevert(refusal);
            registry.setDelegatorAllowed(pool, alice, true);
            vm.stopPrank();
        }
    }

    function test_operatorSettingsRefuseAnUnknownPool() public {
        bytes memory refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger);
        vm.startPrank(operator);
        vm.expectRevert(refusal);
        registry.setStakingLimit(stranger, 1e24);
        vm.expectRevert(refusal);
        registry.enablePool(stranger);
        vm.expectRevert(refusal);
        registry.disablePool(stranger);
        vm.expectRevert(refusal);
        registry.setPoolPrivate(stranger, true);
        vm.expectRevert(refusal);
        registry.setDelegatorAllowed(stranger, alice, true);
        vm.stopPrank();
    }

    function test_setStakingLimitTakesAnyLimitFromTheTotalStakeToUint96Max() public {
        uint256 total = MIN_SELF_STAKE;
        vm.startPrank(operator);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.StakingLimitChanged(pool, total);
        registry.setStakingLimit(pool, total);
        assertEq(registry.getPoolInfo(pool).stakingLimit, total, "limit at the total stake");

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryLimitBelowStake.selector, pool, total - 1, total)
        );
        registry.setStakingLimit(pool, total - 1);

        registry.setStakingLimit(pool, MAX_UINT96);
        assertEq(registry.getPoolInfo(pool).stakingLimit, MAX_UINT96, "limit at uint96 max");
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryLimitTooLarge.selector, MAX_UINT96 + 1, MAX_UINT96)
        );
        registry.setStakingLimit(pool, MAX_UINT96 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryLimitTooLarge.selector, type(uint256).max, MAX_UINT96)
        );
        registry.setStakingLimit(pool, type(uint256).max);
        vm.stopPrank();
    }

    function test_disablePoolRefusesEveryDelegationIncludingTheOperators() public {
        _delegate(alice, pool, 50e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PoolDisabled(pool);
        vm.prank(operator);
        registry.disablePool(pool);
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Disabled), "state");

        bytes memory refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool);
        address[2] memory delegators = [alice, operator];
        for (uint256 i = 0; i < delegators.length; ++i) {
            token.transfer(delegators[i], 1e18);
            vm.startPrank(delegators[i]);
            token.approve(address(registry), 1e18);
            vm.expectRevert(refusal);
            registry.delegate(pool, 1e18);
            vm.expectRevert(refusal);
            token.transferAndCall(address(registry), 1e18, abi.encode(pool));
            vm.stopPrank();
        }

        // stake already in still earns and can leave
        _reward(pool, 150e18);
        vm.prank(alice);
        assertEq(registry.withdrawRewards(pool), 42.75e18, "alice: a third of 150e18 less 5% and 10%");
        _undelegate(alice, pool, 50e18, 0);
        assertEq(registry.getStake(pool, alice), 0, "alice left");
    }

    function test_disabledWinsOverBroken() public {
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE + 1);
        vm.prank(operator);
        registry.disablePool(pool);
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Disabled), "state");
        token.transfer(alice, 1e18);
        vm.startPrank(alice);
        token.approve(address(registry), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool));
        registry.delegate(pool, 1e18);
        vm.stopPrank();
    }

    function test_enablePoolTakesDelegationsAgain() public {
        vm.startPrank(operator);
        registry.disablePool(pool);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PoolEnabled(pool);
        registry.enablePool(pool);
        vm.stopPrank();
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Active), "state");
        _delegate(alice, pool, 1e18);
        assertEq(registry.getStake(pool, alice), 1e18, "alice's stake");
    }

    function test_brokenPoolRefusesOthersButLetsTheOperatorMendIt() public {
        _undelegate(operator, pool, 1, 0);
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        assertEq(uint256(info.state), uint256(IPoolRegistryTypes.PoolState.Broken), "state after the operator left");
        assertEq(info.selfStakeSatisfied, false, "selfStakeSatisfied");
        assertEq(info.selfStake, MIN_SELF_STAKE - 1, "selfStake");

        token.transfer(alice, 10e18);
        vm.startPrank(alice);
        token.approve(address(registry), 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                MIN_SELF_STAKE - 1,
                MIN_SELF_STAKE
            )
        );
        registry.delegate(pool, 10e18);
        vm.stopPrank();

        _delegate(operator, pool, 1); // the operator may always add self-stake
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Active), "mended");
        vm.prank(alice);
        registry.delegate(pool, 10e18);
        assertEq(registry.getStake(pool, alice), 10e18, "alice's stake");
    }

    function test_raisingTheMinimumSelfStakeBreaksAPool() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.MinSelfStakeChanged(MIN_SELF_STAKE + 1);
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE + 1);
        assertEq(registry.minSelfStake(), MIN_SELF_STAKE + 1, "minSelfStake");
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Broken), "state");
        token.transfer(alice, 1e18);
        vm.startPrank(alice);
        token.approve(address(registry), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                MIN_SELF_STAKE,
                MIN_SELF_STAKE + 1
            )
        );
        registry.delegate(pool, 1e18);
        vm.stopPrank();
    }

    function test_privatePoolTakesOnlyAllowListedDelegatorsAndItsOperator() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PoolPrivacyChanged(pool, true);
        vm.prank(operator);
        registry.setPoolPrivate(pool, true);
        assertEq(registry.getPoolInfo(pool).isPrivate, true, "isPrivate");
        assertEq(registry.isDelegatorAllowed(pool, alice), false, "alice before the allow-list");
        assertEq(registry.isDelegatorAllowed(pool, operator), true, "the operator");

        token.transfer(alice, 3e18);
        vm.prank(alice);
        token.approve(address(registry), 3e18);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, alice)
        );
        vm.prank(alice);
        registry.delegate(pool, 1e18);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.DelegatorAllowListUpdated(pool, alice, true);
        vm.prank(operator);
        registry.setDelegatorAllowed(pool, alice, true);
        assertEq(registry.isDelegatorAllowed(pool, alice), true, "alice on the allow-list");
        vm.prank(alice);
        registry.delegate(pool, 1e18);
        _delegate(operator, pool, 1e18); // not on the list, but the operator

        vm.prank(operator);
        registry.setDelegatorAllowed(pool, alice, false);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, alice)
        );
        vm.prank(alice);
        registry.delegate(pool, 1e18);
        _undelegate(alice, pool, 1e18, 0); // stake already in can still leave

        vm.prank(operator);
        registry.setPoolPrivate(pool, false);
        vm.prank(alice);
        registry.delegate(pool, 1e18);
        assertEq(registry.getStake(pool, alice), 1e18, "alice in the public pool");
    }

    function test_setDelegatorAllowedRefusesTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAddress.selector));
        vm.prank(operator);
        registry.setDelegatorAllowed(pool, address(0), true);
    }

    // ------------------------------------------------------------------ governance

    function test_governanceSettersRefuseEveryoneButTheOwner() public {
        address[3] memory callers = [stranger, operator, feeRecipient];
        for (uint256 i = 0; i < callers.length; ++i) {
            bytes memory refusal = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, callers[i]);
            vm.startPrank(callers[i]);
            vm.expectRevert(refusal);
            registry.setProtocolFeeRate(0);
            vm.expectRevert(refusal);
            registry.setFeeRecipient(callers[i]);
            vm.expectRevert(refusal);
            registry.setMinSelfStake(0);
            vm.expectRevert(refusal);
            registry.transferOwnership(callers[i]);
            vm.expectRevert(refusal);
            registry.renounceOwnership();
            vm.stopPrank();
        }
    }

    function test_setProtocolFeeRateTakesUpToTheCapAndRefusesOneMore() public {
        uint256[4] memory accepted = [uint256(0), 1, 199_999, 200_000];
        vm.startPrank(owner);
        for (uint256 i = 0; i < accepted.length; ++i) {
            vm.expectEmit(true, true, true, true, address(registry));
            emit IPoolRegistryTypes.ProtocolFeeRateChanged(accepted[i]);
            registry.setProtocolFeeRate(accepted[i]);
            assertEq(registry.protocolFeeRate(), accepted[i], "protocolFeeRate");
        }
        uint256[2] memory refused = [uint256(200_001), type(uint256).max];
        for (uint256 i = 0; i < refused.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, refused[i], 200_000)
            );
            registry.setProtocolFeeRate(refused[i]);
        }
        vm.stopPrank();
    }

    function test_protocolFeeRateAppliesToRewardsDistributedAfterTheChange() public {
        _reward(pool, 1000e18);
        registry.distributeRewards(pool); // 5%: 50e18
        _reward(pool, 1000e18); // arrived, not yet distributed
        vm.prank(owner);
        registry.setProtocolFeeRate(200_000);
        registry.distributeRewards(pool); // 20%: 200e18
        assertEq(_protocolFeesOwed(pool), 250e18, "fees owed");
    }

    function test_setFeeRecipientRedirectsProtocolFees() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.FeeRecipientChanged(carol);
        vm.prank(owner);
        registry.setFeeRecipient(carol);
        assertEq(registry.feeRecipient(), carol, "feeRecipient");

        _reward(pool, 1000e18);
        vm.prank(stranger);
        registry.withdrawProtocolFees(pool);
        assertEq(_balance(carol), 50e18, "carol got the fees");
        assertEq(_balance(feeRecipient), 0, "the old recipient got nothing");

        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAddress.selector));
        vm.prank(owner);
        registry.setFeeRecipient(address(0));
    }

    function test_ownershipMovesInTwoStepsAndCanBeRenounced() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit Ownable2Step.OwnershipTransferStarted(owner, alice);
        vm.prank(owner);
        registry.transferOwnership(alice);
        assertEq(registry.owner(), owner, "owner until accepted");
        assertEq(registry.pendingOwner(), alice, "pendingOwner");

        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        vm.prank(bob);
        registry.acceptOwnership();

        vm.expectEmit(true, true, true, true, address(registry));
        emit Ownable.OwnershipTransferred(owner, alice);
        vm.prank(alice);
        registry.acceptOwnership();
        assertEq(registry.owner(), alice, "new owner");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner));
        vm.prank(owner);
        registry.setMinSelfStake(0);

        vm.prank(alice);
        registry.renounceOwnership();
        assertEq(registry.owner(), address(0), "renounced");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        registry.setMinSelfStake(0);
    }

    // ------------------------------------------------------------------ delegate

    function test_delegatePullsTheTokensIntoTheVault() public {
        token.transfer(alice, 1000e18);
        vm.prank(alice);
        token.approve(address(registry), 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.Delegated(pool, alice, 1000e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, pool, 1000e18);
        vm.prank(alice);
        registry.delegate(pool, 1000e18);

        assertEq(registry.getStake(pool, alice), 1000e18, "alice's stake");
        assertEq(_totalStake(pool), MIN_SELF_STAKE + 1000e18, "total stake");
        assertEq(_balance(pool), MIN_SELF_STAKE + 1000e18, "vault balance");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 1000e18, "accounted");
        assertEq(_balance(alice), 0, "alice's balance");
        assertEq(_balance(address(registry)), 0, "the registry holds nothing");
        assertEq(token.allowance(alice, address(registry)), 0, "allowance used");
    }

    function test_delegateRefusesZeroAnUnknownPoolAndAMissingAllowance() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        registry.delegate(pool, 0);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        registry.delegate(stranger, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(registry), 0, 1e18)
        );
        registry.delegate(pool, 1e18);
        vm.stopPrank();
    }

    function test_delegateFillsTheStakingLimitExactlyAndRefusesOneWeiMore() public {
        uint256[4] memory headrooms = [uint256(1), 2, 123_456_789, 1e18];
        token.transfer(alice, 10e18);
        vm.prank(alice);
        token.approve(address(registry), type(uint256).max);
        for (uint256 i = 0; i < headrooms.length; ++i) {
            uint256 total = _totalStake(pool);
            uint256 limit = total + headrooms[i];
            vm.prank(operator);
            registry.setStakingLimit(pool, limit);

            vm.expectRevert(
                abi.encodeWithSelector(
                    IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                    pool,
                    total,
                    limit,
                    headrooms[i] + 1
                )
            );
            vm.prank(alice);
            registry.delegate(pool, headrooms[i] + 1);

            vm.prank(alice);
            registry.delegate(pool, headrooms[i]);
            assertEq(_totalStake(pool), limit, "filled to the limit");

            vm.expectRevert(
                abi.encodeWithSelector(
                    IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                    pool,
                    limit,
                    limit,
                    1
                )
            );
            vm.prank(alice);
            registry.delegate(pool, 1);
        }
    }

    function testFuzz_delegateRespectsTheStakingLimit(uint256 headroom, uint256 amount) public {
        headroom = _bound(headroom, 0, 1e27);
        amount = _bound(amount, 1, 2e27);
        uint256 total = _totalStake(pool);
        uint256 stake = registry.getStake(pool, alice);
        uint256 limit = total + headroom;
        vm.prank(operator);
        registry.setStakingLimit(pool, limit);
        token.transfer(alice, amount);
        vm.prank(alice);
        token.approve(address(registry), amount);
        if (amount > headroom) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                    pool,
                    total,
                    limit,
                    amount
                )
            );
        }
        vm.prank(alice);
        registry.delegate(pool, amount);
        assertEq(registry.getStake(pool, alice), stake + (amount > headroom ? 0 : amount), "alice's stake");
    }

    function test_delegateRespectsTheStakingLimit() public {
        testFuzz_delegateRespectsTheStakingLimit(100, 101);
        testFuzz_delegateRespectsTheStakingLimit(100, 100);
    }

    function test_delegatePaysTheRewardsAlreadyEarned() public {
        _delegate(alice, pool, 900e18);
        _reward(pool, 1000e18); // fee 50e18, commission 95e18, delegators 855e18 over 1000e18 of stake
        assertEq(registry.getRewards(pool, alice), 769.5e18, "alice's rewards before the delegation");

        token.transfer(alice, 100e18);
        vm.prank(alice);
        token.approve(address(registry), 100e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.Delegated(pool, alice, 100e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(pool, alice, 769.5e18);
        vm.prank(alice);
        registry.delegate(pool, 100e18);

        assertEq(_balance(alice), 769.5e18, "alice was paid her rewards");
        assertEq(registry.getStake(pool, alice), 1000e18, "alice's stake");
        assertEq(registry.getRewards(pool, alice), 0, "nothing left to claim");
    }

    function test_delegateRefusesWhatWouldOverflowTheVaultsCounters() public {
        uint256 reward = MAX_UINT96 - 10 - MIN_SELF_STAKE;
        _reward(pool, reward);
        assertEq(registry.distributeRewards(pool), reward, "distributed");
        assertEq(_accounted(pool), MAX_UINT96 - 10, "accounted");

        token.transfer(alice, 11);
        vm.prank(alice);
        token.approve(address(registry), 11);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryVaultFull.selector, pool, MAX_UINT96 - 10, 11)
        );
        vm.prank(alice);
        registry.delegate(pool, 11);
        vm.prank(alice);
        registry.delegate(pool, 10);
        assertEq(_accounted(pool), MAX_UINT96, "accounted at the top");
    }

    // ------------------------------------------------------------------ ERC-677 delegation

    function test_transferAndCallDelegatesInOneCall() public {
        token.transfer(alice, 500e18);
        bytes memory data = abi.encode(pool);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(alice, address(registry), 500e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC677.Transfer(alice, address(registry), 500e18, data);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.Delegated(pool, alice, 500e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(address(registry), pool, 500e18);
        vm.prank(alice);
        assertEq(token.transferAndCall(address(registry), 500e18, data), true, "transferAndCall returns true");

        assertEq(registry.getStake(pool, alice), 500e18, "alice's stake");
        assertEq(_totalStake(pool), MIN_SELF_STAKE + 500e18, "total stake");
        assertEq(_balance(pool), MIN_SELF_STAKE + 500e18, "vault balance");
        assertEq(_balance(address(registry)), 0, "the registry passed the tokens on");
        assertEq(_balance(alice), 0, "alice's balance");
    }

    function test_transferAndCallRefusesDataThatIsNotOnePoolAddress() public {
        bytes32 word = bytes32(uint256(uint160(pool)));
        bytes[7] memory malformed = [
            bytes(""),
            hex"00",
            _slice(abi.encode(pool), 31), // one byte short
            abi.encodePacked(word, uint8(0)), // one byte long
            abi.encode(pool, pool),
            abi.encode(uint256(word) | (1 << 160)), // a word wider than an address
            abi.encode(type(uint256).max)
        ];
        token.transfer(alice, 1e18);
        for (uint256 i = 0; i < malformed.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryInvalidPoolData.selector, malformed[i])
            );
            vm.prank(alice);
            token.transferAndCall(address(registry), 1e18, malformed[i]);
        }
        assertEq(_balance(alice), 1e18, "alice kept her tokens");
    }

    function test_transferAndCallRefusesZeroAnUnknownPoolAndThePoolsRules() public {
        token.transfer(alice, 1e18);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        token.transferAndCall(address(registry), 0, abi.encode(pool));
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        token.transferAndCall(address(registry), 1e18, abi.encode(stranger));
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, address(0)));
        token.transferAndCall(address(registry), 1e18, abi.encode(address(0)));
        vm.stopPrank();

        // the delegator is the token's sender, not the token
        vm.prank(operator);
        registry.setPoolPrivate(pool, true);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, alice)
        );
        vm.prank(alice);
        token.transferAndCall(address(registry), 1e18, abi.encode(pool));

        vm.prank(operator);
        registry.setPoolPrivate(pool, false);
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE * 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                MIN_SELF_STAKE,
                MIN_SELF_STAKE * 2
            )
        );
        vm.prank(alice);
        token.transferAndCall(address(registry), 1e18, abi.encode(pool));
        assertEq(_balance(alice), 1e18, "alice kept her tokens");
    }

    function test_onTokenTransferRefusesCallersOtherThanTheToken() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnsupportedToken.selector, alice));
        vm.prank(alice);
        registry.onTokenTransfer(alice, 1e18, abi.encode(pool));

        StakingToken other = new StakingToken("Other", "OTH", alice, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnsupportedToken.selector, address(other))
        );
        vm.prank(alice);
        other.transferAndCall(address(registry), 1e18, abi.encode(pool));
    }

    // ------------------------------------------------------------------ undelegate and finalizeUndelegate

    function test_undelegateStartsThawingAndKeepsTheTokensInTheVault() public {
        _delegate(alice, pool, 1000e18);
        vm.warp(1000);
        uint256 expectedId = _undelegationId(alice, 0, 0);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.Undelegated(expectedId, pool, alice, 400e18, 3e18, 1000 + THAWING_PERIOD);
        uint256 id = _undelegate(alice, pool, 400e18, 3e18);

        assertEq(id, expectedId, "id");
        assertEq(registry.getStake(pool, alice), 600e18, "alice's stake");
        assertEq(_totalStake(pool), MIN_SELF_STAKE + 600e18, "total stake");
        assertEq(_balance(pool), MIN_SELF_STAKE + 1000e18, "the thawing tokens stay in the vault");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 1000e18, "accounted");
        assertEq(_balance(alice), 0, "nothing paid yet");
        IPoolRegistryTypes.Undelegation memory u = registry.getUndelegation(id);
        assertEq(u.pool, pool, "pool");
        assertEq(u.delegator, alice, "delegator");
        assertEq(u.amount, 400e18, "amount");
        assertEq(u.fee, 3e18, "fee");
        assertEq(u.releaseAt, 1000 + THAWING_PERIOD, "releaseAt");
    }

    function test_undelegationIdsOfTwoPoolsEncodeNoncePoolIndexAndDelegator() public {
        address second = _registerPool(bob, 0);
        _delegate(bob, second, MIN_SELF_STAKE);
        _delegate(alice, pool, 10);
        _delegate(alice, second, 10);

        uint256 first = _undelegate(alice, pool, 1, 0);
        uint256 again = _undelegate(alice, pool, 1, 0);
        uint256 otherPool = _undelegate(bob, second, 1, 0);
        uint256 otherPoolAgain = _undelegate(alice, second, 1, 0);
        assertEq(first, uint256(uint160(alice)), "nonce 0, pool 0");
        assertEq(again, (1 << 192) | uint256(uint160(alice)), "nonce 1, pool 0");
        assertEq(otherPool, (1 << 160) | uint256(uint160(bob)), "nonce 0, pool 1");
        assertEq(otherPoolAgain, (1 << 192) | (1 << 160) | uint256(uint160(alice)), "nonce 1, pool 1");
        assertEq(registry.getUndelegation(otherPool).pool, second, "decoded pool");
        assertEq(registry.getUndelegation(otherPool).delegator, bob, "decoded delegator");
        assertEq(registry.getUndelegation(again).pool, pool, "decoded pool");
        assertEq(registry.getUndelegation(again).delegator, alice, "decoded delegator");
    }

    function testFuzz_undelegationIdsEncodeNoncePoolIndexAndDelegator(
        address delegator,
        uint256 extraPools,
        uint256 undelegations
    ) public {
        vm.assume(delegator.code.length == 0 && uint160(delegator) > 0xff && delegator != address(vm));
        extraPools = _bound(extraPools, 0, 6);
        undelegations = _bound(undelegations, 1, 6);
        vm.prank(owner);
        registry.setMinSelfStake(0);
        address target = pool;
        for (uint256 i = 0; i < extraPools; ++i) {
            target = _registerPool(alice, 0);
        }
        _delegate(delegator, target, undelegations);
        for (uint256 nonce = 0; nonce < undelegations; ++nonce) {
            uint256 id = _undelegate(delegator, target, 1, 0);
            assertEq(id, _undelegationId(delegator, extraPools, nonce), "id");
            IPoolRegistryTypes.Undelegation memory u = registry.getUndelegation(id);
            assertEq(u.pool, target, "decoded pool");
            assertEq(u.delegator, delegator, "decoded delegator");
            assertEq(u.amount, 1, "amount");
        }
    }

    function test_undelegationIdsEncodeNoncePoolIndexAndDelegator() public {
        testFuzz_undelegationIdsEncodeNoncePoolIndexAndDelegator(alice, 3, 4);
    }

    function test_undelegateTakesTheWholeStakeAndRefusesOneWeiMore() public {
        _delegate(alice, pool, 5e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
                pool,
                alice,
                5e18,
                5e18 + 1
            )
        );
        _undelegate(alice, pool, 5e18 + 1, 0);
        _undelegate(alice, pool, 5e18, 0);
        assertEq(registry.getStake(pool, alice), 0, "alice's stake");
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryInsufficientStake.selector, pool, alice, 0, 1)
        );
        _undelegate(alice, pool, 1, 0);
    }

    function test_undelegateRefusesZeroAFeeAboveTheAmountAndAnUnknownPool() public {
        _delegate(alice, pool, 5e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        _undelegate(alice, pool, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryFeeExceedsAmount.selector, 101, 100));
        _undelegate(alice, pool, 100, 101);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        _undelegate(alice, stranger, 1, 0);
        uint256 id = _undelegate(alice, pool, 100, 100); // a fee of the whole amount is allowed
        assertEq(registry.getUndelegation(id).fee, 100, "fee");
    }

    function test_undelegatePaysTheRewardsAlreadyEarned() public {
        _delegate(alice, pool, 900e18);
        _reward(pool, 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(pool, alice, 769.5e18);
        _undelegate(alice, pool, 900e18, 0);
        assertEq(_balance(alice), 769.5e18, "alice was paid her rewards");
        assertEq(_accounted(pool), 2000e18 - 769.5e18, "accounted: less what was paid");
        assertEq(registry.getRewards(pool, alice), 0, "nothing left to claim");
    }

    function test_finalizeUndelegateWaitsOutTheThawingPeriodAndPaysTheFeeToTheCaller() public {
        _delegate(alice, pool, 1000e18);
        vm.warp(1000);
        uint256 id = _undelegate(alice, pool, 400e18, 3e18);
        uint256 releaseAt = 1000 + THAWING_PERIOD;

        vm.warp(releaseAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUndelegationNotDue.selector, id, releaseAt)
        );
        vm.prank(keeper);
        registry.finalizeUndelegate(id);

        vm.warp(releaseAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(id, pool, alice, 400e18, 3e18, keeper);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(pool, alice, 397e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(pool, keeper, 3e18);
        vm.prank(keeper);
        registry.finalizeUndelegate(id);

        assertEq(_balance(alice), 397e18, "alice got the amount less the fee");
        assertEq(_balance(keeper), 3e18, "the caller got the fee");
        assertEq(_balance(pool), MIN_SELF_STAKE + 600e18, "vault balance");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 600e18, "accounted");

        bytes memory unknown = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, id);
        vm.expectRevert(unknown);
        registry.getUndelegation(id);
        vm.expectRevert(unknown);
        vm.prank(keeper);
        registry.finalizeUndelegate(id);
    }

    function test_finalizeUndelegateByTheDelegatorPaysThemTheFeeToo() public {
        _delegate(alice, pool, 10e18);
        uint256 id = _undelegate(alice, pool, 10e18, 1e18);
        vm.warp(block.timestamp + THAWING_PERIOD);
        vm.prank(alice);
        registry.finalizeUndelegate(id);
        assertEq(_balance(alice), 10e18, "alice got everything");
    }

    function test_finalizeUndelegatePaysNothingWhereTheFeeOrTheRestIsZero() public {
        _delegate(alice, pool, 10e18);
        uint256 wholeFee = _undelegate(alice, pool, 4e18, 4e18);
        uint256 noFee = _undelegate(alice, pool, 6e18, 0);
        vm.warp(block.timestamp + THAWING_PERIOD);
        vm.prank(keeper);
        registry.finalizeUndelegate(wholeFee);
        assertEq(_balance(alice), 0, "alice: all of it was fee");
        assertEq(_balance(keeper), 4e18, "keeper: the fee");
        vm.prank(keeper);
        registry.finalizeUndelegate(noFee);
        assertEq(_balance(alice), 6e18, "alice: no fee");
        assertEq(_balance(keeper), 4e18, "keeper: nothing more");
    }

    function test_finalizeUndelegateRefusesAnUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, 12_345));
        registry.finalizeUndelegate(12_345);
    }

    function test_thawingStakeEarnsNothing() public {
        _delegate(alice, pool, 100e18);
        _delegate(bob, pool, 100e18);
        _undelegate(alice, pool, 100e18, 0);
        _reward(pool, 1000e18); // delegators' 855e18 over operator 100e18 + bob 100e18
        assertEq(registry.getRewards(pool, alice), 0, "alice is thawing");
        assertEq(registry.getRewards(pool, bob), 427.5e18, "bob");
        assertEq(registry.getRewards(pool, operator), 427.5e18 + 95e18, "operator: share and commission");
    }

    function testFuzz_delegatingAndUndelegatingReturnsEveryWei(uint256 amount, uint256 part, uint256 fee) public {
        amount = _bound(amount, 1, 1e27);
        part = _bound(part, 1, amount);
        fee = _bound(fee, 0, part);
        _delegate(alice, pool, amount);
        uint256 first = _undelegate(alice, pool, part, fee);
        uint256 second = part == amount ? 0 : _undelegate(alice, pool, amount - part, 0);
        vm.warp(block.timestamp + THAWING_PERIOD);
        vm.startPrank(keeper);
        registry.finalizeUndelegate(first);
        if (second != 0) registry.finalizeUndelegate(second);
        vm.stopPrank();
        assertEq(_balance(alice), amount - fee, "alice");
        assertEq(_balance(keeper), fee, "keeper");
        assertEq(_balance(pool), MIN_SELF_STAKE, "vault: the operator's stake");
        assertEq(_accounted(pool), MIN_SELF_STAKE, "accounted");
    }

    function test_delegatingAndUndelegatingReturnsEveryWei() public {
        testFuzz_delegatingAndUndelegatingReturnsEveryWei(1000e18, 400e18, 7);
    }

    // ------------------------------------------------------------------ rewards

    function test_withdrawRewardsPaysEachDelegatorTheirShareAndTheOperatorItsCommission() public {
        _delegate(alice, pool, 300e18);
        _delegate(bob, pool, 600e18);
        _reward(pool, 2000e18); // fee 100e18, commission 190e18, delegators 1710e18 over 1000e18 of stake
        assertEq(registry.getRewards(pool, alice), 513e18, "alice's preview");
        assertEq(registry.getRewards(pool, bob), 1026e18, "bob's preview");
        assertEq(registry.getRewards(pool, operator), 171e18 + 190e18, "operator's preview");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 2000e18, 100e18, 190e18, 1710e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(pool, alice, 513e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(pool, alice, 513e18);
        vm.prank(alice);
        assertEq(registry.withdrawRewards(pool), 513e18, "alice");
        vm.prank(bob);
        assertEq(registry.withdrawRewards(pool), 1026e18, "bob");
        vm.prank(operator);
        assertEq(registry.withdrawRewards(pool), 361e18, "operator");

        assertEq(_balance(alice), 513e18, "alice's balance");
        assertEq(_balance(bob), 1026e18, "bob's balance");
        assertEq(_balance(operator), 361e18, "operator's balance");
        assertEq(_commissionOwed(pool), 0, "commission paid");
        assertEq(_protocolFeesOwed(pool), 100e18, "fees owed");
        assertEq(_accounted(pool), 1000e18 + 100e18, "accounted: stake and fees");
        address[3] memory paid = [alice, bob, operator];
        for (uint256 i = 0; i < paid.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, paid[i])
            );
            vm.prank(paid[i]);
            registry.withdrawRewards(pool);
        }
    }

    function test_withdrawRewardsRefusesWhenThereIsNothingOrNoSuchPool() public {
        _delegate(alice, pool, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, alice));
        vm.prank(alice);
        registry.withdrawRewards(pool);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, stranger)
        );
        vm.prank(stranger);
        registry.withdrawRewards(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(alice);
        registry.withdrawRewards(stranger);
    }

    function test_rewardsArrivingWhileNobodyStakesGoToTheOperatorsCommission() public {
        _undelegate(operator, pool, MIN_SELF_STAKE, 0);
        assertEq(_totalStake(pool), 0, "nobody stakes");
        _reward(pool, 1000e18);
        assertEq(registry.getRewards(pool, operator), 950e18, "operator's preview: all but the fee");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 950e18, 0);
        assertEq(registry.distributeRewards(pool), 1000e18, "distributed");
        assertEq(_commissionOwed(pool), 950e18, "commission owed");
        (, uint256 rewardPerStake, uint256 remainder, , ) = registry.getPoolAccounting(pool);
        assertEq(rewardPerStake + remainder, 0, "nothing went to the accumulator");

        vm.prank(operator);
        assertEq(registry.withdrawRewards(pool), 950e18, "operator");
        assertEq(_balance(operator), 950e18, "operator's balance");
    }

    function test_rewardSharesRoundDownAndTheDustIsPaidWithALaterReward() public {
        vm.startPrank(owner);
        registry.setProtocolFeeRate(0);
        registry.setMinSelfStake(0);
        vm.stopPrank();
        address even = _registerPool(carol, 0);
        _delegate(alice, even, 1);
        _delegate(bob, even, 1);
        _delegate(carol, even, 1);

        _reward(even, 2); // 2/3 wei each: every share rounds down to 0
        registry.distributeRewards(even);
        (, uint256 rewardPerStake, uint256 remainder, , ) = registry.getPoolAccounting(even);
        assertEq(rewardPerStake, 666_666_666_666_666_666_666_666_666, "rewardPerStake");
        assertEq(remainder, 2, "remainder");
        assertEq(registry.getRewards(even, alice), 0, "alice after 2 wei");

        _reward(even, 1); // the kept remainder completes each share to exactly 1 wei
        registry.distributeRewards(even);
        (, rewardPerStake, remainder, , ) = registry.getPoolAccounting(even);
        assertEq(rewardPerStake, 1e27, "rewardPerStake");
        assertEq(remainder, 0, "remainder");
        address[3] memory delegators = [alice, bob, carol];
        for (uint256 i = 0; i < delegators.length; ++i) {
            vm.prank(delegators[i]);
            assertEq(registry.withdrawRewards(even), 1, "one wei each");
        }
        assertEq(_balance(even), 3, "only the stake is left");
    }

    function test_redelegateRewardsAddsThemToTheStake() public {
        _delegate(alice, pool, 900e18);
        _reward(pool, 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsRedelegated(pool, alice, 769.5e18);
        vm.prank(alice);
        assertEq(registry.redelegateRewards(pool), 769.5e18, "redelegated");

        assertEq(registry.getStake(pool, alice), 1669.5e18, "alice's stake");
        assertEq(_totalStake(pool), 1769.5e18, "total stake");
        assertEq(_balance(pool), 2000e18, "the tokens stayed in the vault");
        assertEq(_accounted(pool), 2000e18, "accounted");
        assertEq(registry.getRewards(pool, alice), 0, "nothing left to claim");

        vm.prank(operator);
        assertEq(registry.redelegateRewards(pool), 85.5e18 + 95e18, "operator: share and commission");
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE + 180.5e18, "operator's stake");
        assertEq(_commissionOwed(pool), 0, "commission redelegated");
    }

    function test_redelegateRewardsFillsTheStakingLimitExactlyAndRefusesOneWeiMore() public {
        _delegate(alice, pool, 900e18);
        _reward(pool, 1000e18);
        uint256 total = 1000e18;
        uint256 rewards = 769.5e18;
        vm.prank(operator);
        registry.setStakingLimit(pool, total + rewards - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                pool,
                total,
                total + rewards - 1,
                rewards
            )
        );
        vm.prank(alice);
        registry.redelegateRewards(pool);

        vm.prank(operator);
        registry.setStakingLimit(pool, total + rewards);
        vm.prank(alice);
        assertEq(registry.redelegateRewards(pool), rewards, "redelegated up to the limit");
        assertEq(_totalStake(pool), total + rewards, "total at the limit");
    }

    function test_redelegateRewardsAppliesThePoolsRules() public {
        _delegate(alice, pool, 900e18);
        _reward(pool, 1000e18);

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, stranger)
        );
        vm.prank(stranger);
        registry.redelegateRewards(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(alice);
        registry.redelegateRewards(stranger);

        vm.prank(operator);
        registry.disablePool(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool));
        vm.prank(alice);
        registry.redelegateRewards(pool);
        vm.startPrank(operator);
        registry.enablePool(pool);
        registry.setPoolPrivate(pool, true);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, alice)
        );
        vm.prank(alice);
        registry.redelegateRewards(pool);
        vm.prank(operator);
        registry.setPoolPrivate(pool, false);
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                MIN_SELF_STAKE,
                MIN_SELF_STAKE + 1
            )
        );
        vm.prank(alice);
        registry.redelegateRewards(pool);

        // the operator mends its pool with its own rewards
        vm.prank(operator);
        registry.redelegateRewards(pool);
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Active), "mended");
        vm.prank(alice);
        assertEq(registry.redelegateRewards(pool), 769.5e18, "alice, once the pool is mended");
    }

    function test_distributeRewardsTakesInWhatArrivedOnce() public {
        assertEq(registry.distributeRewards(pool), 0, "nothing arrived");
        _reward(pool, 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.prank(stranger);
        assertEq(registry.distributeRewards(pool), 1000e18, "distributed");
        (uint256 accounted, uint256 rewardPerStake, uint256 remainder, uint256 commission, uint256 fees) = registry
            .getPoolAccounting(pool);
        assertEq(accounted, MIN_SELF_STAKE + 1000e18, "accounted");
        assertEq(rewardPerStake, (855e18 * PRECISION) / MIN_SELF_STAKE, "rewardPerStake");
        assertEq(remainder, 0, "remainder");
        assertEq(commission, 95e18, "commission");
        assertEq(fees, 50e18, "fees");
        assertEq(registry.distributeRewards(pool), 0, "taken in once");

        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        registry.distributeRewards(stranger);
    }

    function test_distributeRewardsLeavesWhatDoesNotFitThePackedCountersForLater() public {
        _reward(pool, MAX_UINT96);
        assertEq(registry.distributeRewards(pool), MAX_UINT96 - MIN_SELF_STAKE, "distributed up to the room");
        assertEq(_accounted(pool), MAX_UINT96, "accounted full");
        assertEq(_balance(pool) - _accounted(pool), MIN_SELF_STAKE, "left over");
        assertEq(registry.distributeRewards(pool), 0, "no room");

        vm.prank(operator);
        registry.withdrawRewards(pool);
        assertEq(registry.distributeRewards(pool), MIN_SELF_STAKE, "the rest, once there is room");
    }

    function test_withdrawProtocolFeesPaysTheFeeRecipient() public {
        _reward(pool, 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.ProtocolFeesWithdrawn(pool, feeRecipient, 50e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(pool, feeRecipient, 50e18);
        vm.prank(stranger);
        assertEq(registry.withdrawProtocolFees(pool), 50e18, "fees");
        assertEq(_balance(feeRecipient), 50e18, "fee recipient's balance");
        assertEq(_protocolFeesOwed(pool), 0, "fees owed");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 950e18, "accounted");

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, feeRecipient)
        );
        registry.withdrawProtocolFees(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        registry.withdrawProtocolFees(stranger);
    }

    function test_gettersRefuseAnUnknownPoolOrUndelegation() public {
        bytes memory unknown = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger);
        vm.expectRevert(unknown);
        registry.getPoolInfo(stranger);
        vm.expectRevert(unknown);
        registry.getStake(stranger, alice);
        vm.expectRevert(unknown);
        registry.getRewards(stranger, alice);
        vm.expectRevert(unknown);
        registry.getTotalStake(stranger);
        vm.expectRevert(unknown);
        registry.isDelegatorAllowed(stranger, alice);
        vm.expectRevert(unknown);
        registry.getPoolAccounting(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, 1));
        registry.getUndelegation(1);
    }

    // ------------------------------------------------------------------ the reward split, to the wei

    /// @dev What one reward should become, computed here independently of the registry.
    struct ExpectedSplit {
        address pool;
        uint256 count;
        uint256 total;
        uint256 protocolFee;
        uint256 commission;
        uint256 toDelegators;
    }

    /// @dev One reward R over 2..5 delegators (the operator first): the fee, the commission and each share are
    /// computed here independently, every share is the exact floor or 1 wei less, and nothing is lost.
    function testFuzz_rewardSplitIsExact(
        uint256 reward,
        uint256[5] memory stakes,
        uint256 count,
        uint256 feeRate,
        uint256 commissionRate
    ) public {
        ExpectedSplit memory e;
        e.count = _bound(count, 2, 5);
        feeRate = _bound(feeRate, 0, 200_000);
        commissionRate = _bound(commissionRate, 0, PPM);
        reward = _bound(reward, 1, 1e27);
        vm.prank(owner);
        registry.setProtocolFeeRate(feeRate);
        vm.prank(carol);
        e.pool = registry.registerPool(signer, commissionRate, "", bytes32(0));

        address[5] memory delegators = [carol, alice, bob, stranger, keeper];
        for (uint256 i = 0; i < e.count; ++i) {
            stakes[i] = _bound(stakes[i], i == 0 ? MIN_SELF_STAKE : 1, 1e27);
            _delegate(delegators[i], e.pool, stakes[i]);
            e.total += stakes[i];
        }
        _reward(e.pool, reward);
        e.protocolFee = (reward * feeRate) / PPM;
        e.commission = ((reward - e.protocolFee) * commissionRate) / PPM;
        e.toDelegators = reward - e.protocolFee - e.commission;

        uint256[5] memory shares;
        for (uint256 i = 0; i < e.count; ++i) {
            shares[i] = registry.getRewards(e.pool, delegators[i]) - (i == 0 ? e.commission : 0);
            uint256 exact = (e.toDelegators * stakes[i]) / e.total;
            assertTrue(shares[i] == exact || shares[i] + 1 == exact, "a share is the floor or 1 wei less");
        }

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(e.pool, reward, e.protocolFee, e.commission, e.toDelegators);
        registry.distributeRewards(e.pool);
        assertEq(_commissionOwed(e.pool), e.commission, "commission owed");
        assertEq(_protocolFeesOwed(e.pool), e.protocolFee, "fees owed");

        _withdrawEveryShareAndCheckTheDust(e, delegators, shares);
    }

    function _withdrawEveryShareAndCheckTheDust(
        ExpectedSplit memory e,
        address[5] memory delegators,
        uint256[5] memory shares
    ) private {
        (, uint256 rewardPerStake, , , ) = registry.getPoolAccounting(e.pool);
        uint256 paid;
        uint256 unsettled; // scaled reward of delegators whose share rounded to 0: they cannot withdraw it yet
        for (uint256 i = 0; i < e.count; ++i) {
            uint256 owed = shares[i] + (i == 0 ? e.commission : 0);
            if (owed == 0) unsettled += registry.getStake(e.pool, delegators[i]) * rewardPerStake;
            assertEq(registry.getRewards(e.pool, delegators[i]), owed, "the preview matches the distribution");
            uint256 before = _balance(delegators[i]);
            if (owed == 0) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector,
                        e.pool,
                        delegators[i]
                    )
                );
            }
            vm.prank(delegators[i]);
            registry.withdrawRewards(e.pool);
            assertEq(_balance(delegators[i]) - before, owed, "withdrawn as previewed");
            paid += shares[i];
        }

        (uint256 accounted, , uint256 remainder, uint256 commissionLeft, uint256 feesLeft) = registry.getPoolAccounting(
            e.pool
        );
        assertEq(commissionLeft, 0, "commission paid");
        uint256 dust = accounted - e.total - feesLeft;
        assertEq(paid + dust, e.toDelegators, "shares and dust add up to the delegators' part");
        assertEq(remainder + unsettled, dust * PRECISION, "the dust is exactly the kept and the unsettled reward");
        assertLe(dust, 2 * e.count, "dust: under 1 wei per share from the split and 1 from the settlement");

        if (e.protocolFee == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, e.pool, feeRecipient)
            );
        }
        registry.withdrawProtocolFees(e.pool);
        assertEq(_balance(feeRecipient), e.protocolFee, "fee recipient");
    }

    function test_rewardSplitIsExact() public {
        uint256[5] memory stakes = [uint256(100e18), 1, 333e18, 7, 0];
        testFuzz_rewardSplitIsExact(1_000_000_007, stakes, 4, 50_000, 123_457);
    }

    // ------------------------------------------------------------------ helpers

    function _slice(bytes memory data, uint256 length) private pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; ++i) out[i] = data[i];
    }
}
