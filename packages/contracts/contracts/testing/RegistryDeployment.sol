// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolRegistry} from "../staking/PoolRegistry.sol";

/// @title RegistryDeployment: deploys a registry the way production does, for the Solidity tests: an implementation,
/// an ERC-1967 proxy initialized in the same transaction, and a TimelockController as governance.
abstract contract RegistryDeployment {
    /// @dev A TimelockController where `proposer` proposes, anyone executes, and nobody administers.
    function _newTimelock(uint256 delay, address proposer) internal returns (TimelockController) {
        address[] memory proposers = new address[](1);
        proposers[0] = proposer;
        address[] memory executors = new address[](1);
        executors[0] = address(0);
        return new TimelockController(delay, proposers, executors, address(0));
    }

    /// @dev A proxy of `implementation`, initialized in the same transaction (so nobody can initialize it first).
    function _newProxy(
        PoolRegistry implementation,
        uint256 minSelfStake,
        uint256 protocolFeeRate,
        address recipient,
        address governance
    ) internal returns (PoolRegistry) {
        bytes memory init = abi.encodeCall(
            PoolRegistry.initialize,
            (minSelfStake, protocolFeeRate, recipient, governance)
        );
        return PoolRegistry(address(new ERC1967Proxy(address(implementation), init)));
    }

    /// @dev A whole registry: implementation and proxy.
    function _newRegistry(
        IERC20 token,
        uint256 thawingPeriod,
        uint256 transferLockoutPeriod,
        uint256 minSelfStake,
        uint256 protocolFeeRate,
        address recipient,
        address governance
    ) internal returns (PoolRegistry) {
        PoolRegistry implementation = new PoolRegistry(token, thawingPeriod, transferLockoutPeriod);
        return _newProxy(implementation, minSelfStake, protocolFeeRate, recipient, governance);
    }
}
