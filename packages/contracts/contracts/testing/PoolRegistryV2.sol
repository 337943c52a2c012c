// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PoolRegistry} from "../staking/PoolRegistry.sol";

/// @title PoolRegistryV2: a next version of the registry for the upgrade tests. It keeps every byte of v1's storage
/// and adds its own state in a namespace of its own, set by a reinitializer.
contract PoolRegistryV2 is PoolRegistry {
    /// @custom:storage-location erc7201:poolnet.storage.PoolRegistryV2Test
    struct V2Storage {
        string greeting;
    }

    // keccak256(abi.encode(uint256(keccak256("poolnet.storage.PoolRegistryV2Test")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE =
        keccak256(abi.encode(uint256(keccak256("poolnet.storage.PoolRegistryV2Test")) - 1)) & ~bytes32(uint256(0xff));

    constructor(
        IERC20 token_,
        uint256 thawingPeriod_,
        uint256 transferLockoutPeriod_
    ) PoolRegistry(token_, thawingPeriod_, transferLockoutPeriod_) {}

    /// @notice Runs once, in the upgrade's own transaction.
    function initializeV2(string calldata greeting_) external reinitializer(2) {
        _v2().greeting = greeting_;
    }

    function version() external pure returns (uint256) {
        return 2;
    }

    function greeting() external view returns (string memory) {
        return _v2().greeting;
    }

    function _v2() private pure returns (V2Storage storage $) {
        bytes32 location = V2_STORAGE;
        assembly {
            $.slot := location
        }
    }
}
