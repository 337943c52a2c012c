// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title CompactInt: signed values kept in fewer than 256 bits where they fit, so that they share a slot.
/// @notice Answers and submissions are int256, but real ones (prices with 8 or 18 decimals) fit in 96 bits with room
/// to spare. A value is kept in `bits` bits as `value + 2^(bits-1)` (offset binary), which is never 0 for a value
/// that fits, so 0 marks a value that does not: its owner keeps it whole in a slot of its own, which only such values
/// touch. Offset binary also means that a zero slot reads as "look in the whole slot", which holds 0 too: a field
/// nobody wrote reads as 0, and a slot can be written to a nonzero value ahead of use (so that its first real write
/// costs 2,900 gas, not 20,000) by storing the encoding of 0 in it.
library CompactInt {
    /// @notice `value` in `bits` bits (at most 255), or 0 if it does not fit.
    function pack(int256 value, uint256 bits) internal pure returns (uint256 packed) {
        int256 bias = int256(1 << (bits - 1));
        // the bounds make the sum positive and below 2^bits: no overflow, no zero (gas savings)
        unchecked {
            if (value > -bias && value < bias) packed = uint256(value + bias);
        }
    }

    /// @notice The value `pack` kept in `packed`, which must not be 0.
    function unpack(uint256 packed, uint256 bits) internal pure returns (int256) {
        // packed < 2^bits <= 2^255: no overflow (gas savings)
        unchecked {
            return int256(packed) - int256(1 << (bits - 1));
        }
    }

    /// @notice The encoding of 0 in `bits` bits.
    function zero(uint256 bits) internal pure returns (uint256) {
        return 1 << (bits - 1);
    }
}
