// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// forwarding arbitrary calls is the point of InstantTimelock
// solhint-disable avoid-low-level-calls

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolRegistry} from "../staking/PoolRegistry.sol";
import {PoolVault} from "../staking/PoolVault.sol";

/// @title PoolRegistryDrainer: a malicious registry implementation for the tests: the real registry, same token,
/// plus a function that pays a vault's whole balance to whoever governance wants. It is what an upgrade could install,
/// so the tests show that the timelock lets every delegator leave before it runs.
contract PoolRegistryDrainer is PoolRegistry {
    constructor(
        IERC20 token_,
        uint256 thawingPeriod_,
        uint256 transferLockoutPeriod_
    ) PoolRegistry(token_, thawingPeriod_, transferLockoutPeriod_) {}

    /// @notice Pays everything `pool`'s vault holds to `to`. No check at all: installing this code is the attack.
    /// @return amount what was taken
    function drain(address pool, address to) external returns (uint256 amount) {
        amount = token.balanceOf(pool);
        PoolVault(pool).pay(to, amount);
    }
}

/// @title InstantTimelock: a fake governance for the tests. It reports a delay longer than any thawing period, which
/// is all the registry can ask of it, but runs whatever its attacker asks at once.
contract InstantTimelock {
    /// @notice Who it obeys.
    address public immutable attacker;

    error InstantTimelockUnauthorized(address caller);

    constructor(address attacker_) {
        attacker = attacker_;
    }

    /// @notice The delay it claims: forever.
    function getMinDelay() external pure returns (uint256) {
        return type(uint256).max;
    }

    /// @notice Calls `target` with `data` now, and bubbles up its revert.
    /// @dev Requirements: the caller is the attacker.
    function run(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != attacker) revert InstantTimelockUnauthorized(msg.sender);
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
