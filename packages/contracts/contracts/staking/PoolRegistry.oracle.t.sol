// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {FluxAggregator} from "../oracle/FluxAggregator.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Oracle payments belong to the pool: an oracle node's aggregator payments can only be paid into its pool's
/// vault, where they are a reward shared like any other.
contract PoolRegistryOracleTest is StakingFixture {
    uint128 internal constant PAYMENT = 3e18;

    FluxAggregator internal aggregator;

    function setUp() public override {
        super.setUp();
        _delegate(alice, pool, 900e18);
        // the aggregator counts round 0 as answered a timeout ago, as Chainlink's does
        vm.warp(block.timestamp + 1 days);
        aggregator = new FluxAggregator(address(token), PAYMENT, 600, address(0), 1, 1e30, 8, "LINK / USD");
        token.transfer(address(aggregator), 1000e18);
        aggregator.updateAvailableFunds();
    }

    /// @dev Adds `oracle` to the aggregator with `admin` as its admin (one oracle answers alone).
    function _addOracle(address oracle, address admin) internal {
        address[] memory none = new address[](0);
        address[] memory oracles = new address[](1);
        oracles[0] = oracle;
        address[] memory admins = new address[](1);
        admins[0] = admin;
        aggregator.changeOracles(none, oracles, admins, 1, 1, 0);
    }

    function _bind(address oracle, address toPool) internal {
        vm.prank(oracle);
        registry.bindOracle(toPool);
    }

    // ------------------------------------------------------------------ binding

    function test_bindOracleBindsThePoolsSigningKeyForGood() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.OracleBound(signer, pool);
        _bind(signer, pool);
        assertEq(registry.getOraclePool(signer), pool, "bound");
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryOracleAlreadyBound.selector, signer, pool)
        );
        _bind(signer, pool);
    }

    function test_onlyThePoolsSigningKeyMayBindToIt() public {
        address[3] memory callers = [operator, alice, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotSigningAddress.selector, pool, callers[i])
            );
            vm.prank(callers[i]);
            registry.bindOracle(pool);
        }
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(signer);
        registry.bindOracle(stranger);
    }

    function test_aSecondPoolNamingTheSameKeyCannotTakeItsPayments() public {
        _bind(signer, pool);
        address copycat = _registerPool(stranger, COMMISSION_RATE); // declares the same signing address
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryOracleAlreadyBound.selector, signer, pool)
        );
        _bind(signer, copycat);
        _addOracle(signer, address(registry));
        vm.prank(signer);
        aggregator.submit(1, 700e8);
        uint256 before = _balance(copycat);
        registry.collectOraclePayment(address(aggregator), signer);
        assertEq(_balance(copycat), before, "nothing reached the copycat");
        assertEq(_balance(pool), _accounted(pool), "the real pool took it all in");
    }

    // ------------------------------------------------------------------ collecting

    function test_collectOraclePaymentPaysThePoolsVaultAndSharesItAsAReward() public {
        _bind(signer, pool);
        _addOracle(signer, address(registry));
        vm.prank(signer);
        aggregator.submit(1, 700e8);
        assertEq(aggregator.withdrawablePayment(signer), PAYMENT, "the node earned one payment");

        uint256 vaultBefore = _balance(pool);
        uint256 aliceBefore = registry.getRewards(pool, alice);
        vm.prank(keeper);
        uint256 collected = registry.collectOraclePayment(address(aggregator), signer);
        assertEq(collected, PAYMENT, "collected");
        assertEq(_balance(pool), vaultBefore + PAYMENT, "paid into the vault");
        assertEq(_accounted(pool), _balance(pool), "and distributed at once");
        assertEq(aggregator.withdrawablePayment(signer), 0, "nothing left owed");
        uint256 toDelegators = PAYMENT - (PAYMENT * PROTOCOL_FEE_RATE) / PPM;
        toDelegators -= (toDelegators * COMMISSION_RATE) / PPM;
        // alice holds 900 of the 1,000 staked
        uint256 aliceShare = (toDelegators * 900e18) / 1000e18;
        uint256 aliceGot = registry.getRewards(pool, alice) - aliceBefore;
        assertTrue(aliceGot == aliceShare || aliceGot + 1 == aliceShare, "alice's pro-rata share, to the wei");

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, signer)
        );
        registry.collectOraclePayment(address(aggregator), signer);
    }

    function test_anUnboundOracleIsRefused() public {
        _addOracle(signer, address(registry));
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryOracleNotBound.selector, signer));
        registry.collectOraclePayment(address(aggregator), signer);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryOracleNotBound.selector, signer));
        registry.acceptOracleAdmin(address(aggregator), signer);
    }

    function test_neitherTheNodesKeyNorTheOperatorCanWithdrawThePaymentElsewhere() public {
        _bind(signer, pool);
        _addOracle(signer, address(registry));
        vm.prank(signer);
        aggregator.submit(1, 700e8);
        address[2] memory callers = [signer, operator];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(); // the aggregator refuses anyone but the oracle's admin: the registry
            vm.prank(callers[i]);
            aggregator.withdrawPayment(signer, callers[i], PAYMENT);
            vm.expectRevert();
            vm.prank(callers[i]);
            aggregator.transferAdmin(signer, callers[i]);
        }
        assertEq(aggregator.withdrawablePayment(signer), PAYMENT, "still owed, to the pool");
    }

    function test_anOracleWhoseAdminOffersItToTheRegistryIsTakenOverByAnyone() public {
        _bind(signer, pool);
        _addOracle(signer, operator); // added with the operator as admin
        vm.prank(operator);
        aggregator.transferAdmin(signer, address(registry));
        vm.prank(stranger);
        registry.acceptOracleAdmin(address(aggregator), signer);
        assertEq(aggregator.getAdmin(signer), address(registry), "the registry is the admin now");
        vm.prank(signer);
        aggregator.submit(1, 700e8);
        registry.collectOraclePayment(address(aggregator), signer);
        assertEq(aggregator.withdrawablePayment(signer), 0, "collected into the pool");
    }
}
