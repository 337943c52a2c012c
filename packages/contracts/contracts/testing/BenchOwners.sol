// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolOwners} from "../interfaces/IPoolOwners.sol";

/// @title BenchOwners: makes many distinct PoolOwners holders in few transactions (benchmarks and tests only).
/// @dev It buys shares in the sale, then gives a small share to each of `count` fresh addresses with `transferShare`,
/// so each holder is a real, separate one.
contract BenchOwners {
    IPoolOwners public immutable owners;
    /// @notice How many holders `spread` has made so far.
    uint256 public made;

    constructor(IPoolOwners owners_) {
        owners = owners_;
    }

    /// @notice Buys shares in the sale with the ETH sent.
    function contribute() external payable {
        owners.contribute{value: msg.value}();
    }

    /// @notice Gives `share` to each of `count` new holders.
    function spread(uint256 count, uint256 share) external {
        uint256 first = made;
        for (uint256 i = first; i < first + count; ++i) {
            owners.transferShare(holderAt(i), share);
        }
        made = first + count;
    }

    /// @notice The address of holder number `i`: code-free and unique to this contract.
    function holderAt(uint256 i) public view returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(address(this), i)))));
    }
}
