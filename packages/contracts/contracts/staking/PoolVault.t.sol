// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title Tests of PoolVault: only the registry that created a vault can move its tokens.
contract PoolVaultTest is StakingFixture {
    /// @dev A vault this test created, so the test is its registry.
    PoolVault internal ownVault;

    function setUp() public override {
        super.setUp();
        ownVault = new PoolVault(token);
        token.transfer(address(ownVault), 100e18);
    }

    function test_constructorRecordsTheCreatorAsRegistryAndTheToken() public view {
        assertEq(ownVault.registry(), address(this), "registry");
        assertEq(address(ownVault.token()), address(token), "token");
        assertEq(PoolVault(pool).registry(), address(registry), "a pool's vault belongs to its registry");
        assertEq(address(PoolVault(pool).token()), address(token), "a pool's vault holds the stake token");
    }

    function test_payMovesTokensForTheRegistry() public {
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(address(ownVault), alice, 30e18);
        ownVault.pay(alice, 30e18);
        assertEq(_balance(alice), 30e18, "alice");
        assertEq(_balance(address(ownVault)), 70e18, "vault");
    }

    function test_payRefusesMoreThanTheVaultHolds() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                address(ownVault),
                100e18,
                100e18 + 1
            )
        );
        ownVault.pay(alice, 100e18 + 1);
    }

    function test_payRefusesOperatorsTheOwnerAndTheToken() public {
        address[4] memory callers = [alice, operator, owner, address(token)];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            ownVault.pay(callers[i], 1);
        }
        // a pool's own operator cannot empty its vault either: only the registry pays, and only what is owed
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, operator));
        vm.prank(operator);
        PoolVault(pool).pay(operator, MIN_SELF_STAKE);
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, address(this)));
        PoolVault(pool).pay(address(this), 1);
        assertEq(_balance(pool), MIN_SELF_STAKE, "the pool's vault kept its tokens");
    }

    function testFuzz_payRefusesAnyoneButTheRegistry(address caller, address to, uint256 amount) public {
        vm.assume(caller != address(this));
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, caller));
        vm.prank(caller);
        ownVault.pay(to, amount);
        assertEq(_balance(address(ownVault)), 100e18, "vault");
    }

    function test_payRefusesAnyoneButTheRegistry() public {
        testFuzz_payRefusesAnyoneButTheRegistry(alice, alice, 1);
    }
}
