// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TestBase: the checks and input helpers the Solidity tests share, since there is no forge-std here.
/// @dev A failed check reverts with what was compared.
abstract contract TestBase {
    error AssertionFailed(string what);
    error AssertEqUintFailed(string what, uint256 actual, uint256 expected);
    error AssertEqAddressFailed(string what, address actual, address expected);
    error AssertEqBytes32Failed(string what, bytes32 actual, bytes32 expected);
    error AssertEqBytesFailed(string what, bytes actual, bytes expected);
    error AssertLeFailed(string what, uint256 actual, uint256 bound);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqUintFailed(what, actual, expected);
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqAddressFailed(what, actual, expected);
    }

    function assertEq(bool actual, bool expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailed(what);
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert AssertEqBytes32Failed(what, actual, expected);
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory what) internal pure {
        if (keccak256(actual) != keccak256(expected)) revert AssertEqBytesFailed(what, actual, expected);
    }

    function assertEq(string memory actual, string memory expected, string memory what) internal pure {
        assertEq(bytes(actual), bytes(expected), what);
    }

    function assertLe(uint256 actual, uint256 bound, string memory what) internal pure {
        if (actual > bound) revert AssertLeFailed(what, actual, bound);
    }

    /// @dev Maps any fuzz input onto [min, max] without discarding it, keeping the edges reachable (forge-std's
    /// `bound`): in-range inputs stay, 0..3 map to min.., max-3..max map to ..max, the rest wraps.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert AssertionFailed("bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1; // 0 only for the full range, returned above
        if (x <= 3 && size > x) return min + x;
        if (x >= type(uint256).max - 3 && size > type(uint256).max - x) return max - (type(uint256).max - x);
        return min + (x % size);
    }

    /// @dev A fixed, code-free address named after `name`, so traces stay readable.
    function _named(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }

    /// @dev The CREATE address of `deployer`'s contract number `nonce` (1 <= nonce < 128, one-byte RLP).
    function _createAddress(address deployer, uint256 nonce) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes2(0xd694), deployer, uint8(nonce))))));
    }
}
