// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolOwners} from "../owners/PoolOwners.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {TestBase} from "./TestBase.sol";
import {vm} from "./Vm.sol";

/// @title OwnersFixture: a token and a PoolOwners listing it, its creators granted their 75%, for the Solidity tests.
abstract contract OwnersFixture is TestBase {
    uint256 internal constant TOTAL_SHARES = 4000 ether;
    uint256 internal constant CREATOR_SHARES = 3000 ether;
    uint256 internal constant HARD_CAP = 1000 ether;
    uint256 internal constant MIN_CONTRIBUTION = 4 ether;
    uint256 internal constant SUPPLY = 1e30;
    /// @dev Granted by `setUp`: 50% and 25%, the creators' whole part.
    uint256 internal constant CREATOR_A_SHARE = 2000 ether;
    uint256 internal constant CREATOR_B_SHARE = 1000 ether;

    address internal immutable owner = _named("owner");
    address internal immutable wallet = _named("wallet");
    address internal immutable creatorA = _named("creatorA");
    address internal immutable creatorB = _named("creatorB");
    address internal immutable alice = _named("alice");
    address internal immutable bob = _named("bob");
    address internal immutable carol = _named("carol");
    address internal immutable keeper = _named("keeper");
    address internal immutable stranger = _named("stranger");

    StakingToken internal token;
    PoolOwners internal owners;

    function setUp() public virtual {
        token = new StakingToken("Pool Stake", "STK", address(this), SUPPLY);
        owners = new PoolOwners(payable(wallet), owner);
        vm.startPrank(owner);
        owners.addToken(token);
        owners.setOwnerShare(creatorA, CREATOR_A_SHARE);
        owners.setOwnerShare(creatorB, CREATOR_B_SHARE);
        vm.stopPrank();
    }

    /// @dev Gives `contributor` `value` wei (the test contract holds plenty) and contributes it.
    function _contribute(address contributor, uint256 value) internal returns (uint256 share) {
        payable(contributor).transfer(value);
        vm.prank(contributor);
        return owners.contribute{value: value}();
    }

    /// @dev Tokens arrive at the owners' contract, as protocol fees would.
    function _send(uint256 amount) internal {
        token.transfer(address(owners), amount);
    }

    function _transferShare(address from, address to, uint256 share) internal {
        vm.prank(from);
        owners.transferShare(to, share);
    }

    function _withdraw(address account) internal returns (uint256) {
        vm.prank(account);
        return owners.withdraw(token);
    }

    function _withdrawable(address account) internal view returns (uint256) {
        return owners.withdrawable(token, account);
    }

    function _accounted() internal view returns (uint256 accounted) {
        (, accounted) = owners.getTokenAccounting(token);
    }

    function _balance(address account) internal view returns (uint256) {
        return IERC20(address(token)).balanceOf(account);
    }
}
