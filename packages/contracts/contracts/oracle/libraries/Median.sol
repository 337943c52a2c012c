// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Median: the median of a list of signed integers, in memory.
/// @notice The middle value of the sorted list, or for an even length the average of the two middle values rounded
/// toward zero (the rule of Chainlink's aggregators, so that both report the same answer from the same submissions).
library Median {
    error MedianEmptyList();

    /// @notice The median of `list`, whose order it changes.
    /// @dev Requirements: `list` is not empty. A quickselect with a median-of-three pivot: O(n) comparisons expected,
    /// and on sorted, reversed, constant and organ-pipe inputs; only values crafted against the pivot rule make it
    /// quadratic, bounded for the at most 77 submissions of a round.
    function calculateInPlace(int256[] memory list) internal pure returns (int256) {
        uint256 length = list.length;
        if (length == 0) revert MedianEmptyList();
        uint256 middle = length >> 1;
        int256 upper = select(list, middle);
        if (length & 1 == 1) return upper;
        // select leaves the values below the middle one in front of it: the other middle value is the largest of them
        return average(maxOfFirst(list, middle), upper);
    }

    /// @notice The `k`-th smallest value of `list` (from 0), which it leaves at index `k` with no larger value before
    /// it and no smaller one after it (Hoare's quickselect).
    /// @dev Requirements: `k` < `list.length`, unchecked.
    function select(int256[] memory list, uint256 k) internal pure returns (int256 kth) {
        // memory addresses of the range still holding the target, and of the target
        uint256 low;
        uint256 high;
        uint256 target;
        assembly ("memory-safe") {
            low := add(list, 0x20)
            high := add(low, shl(5, sub(mload(list), 1)))
            target := add(low, shl(5, k))
        }
        // narrow [low, high] to the part holding `target` until it is that one element; addresses stay within the
        // list (gas savings)
        unchecked {
            while (low < high) {
                uint256 split = _partition(low, high);
                if (target > split) low = split + 0x20;
                else high = split;
            }
        }
        assembly ("memory-safe") {
            kth := mload(target)
        }
    }

    /// @dev Hoare's partition of the values at memory addresses [low, high], low < high: returns `split`, with
    /// low <= split < high, such that no value in [low, split] is above any in (split, high].
    function _partition(uint256 low, uint256 high) private pure returns (uint256 split) {
        assembly ("memory-safe") {
            // the median of the first, middle and last values: sorted, reversed and organ-pipe inputs stay linear, and
            // two of the three are not below it, one of them before `high`, so `split` stays below `high`
            let first := mload(low)
            let middle := mload(add(low, shl(5, shr(6, sub(high, low)))))
            let last := mload(high)
            if sgt(first, middle) {
                let swapped := first
                first := middle
                middle := swapped
            }
            let pivot := middle
            if slt(last, middle) {
                pivot := last
                if slt(last, first) {
                    pivot := first
                }
            }
            let i := sub(low, 0x20)
            split := add(high, 0x20)
            for {} 1 {} {
                for {
                    i := add(i, 0x20)
                } slt(mload(i), pivot) {
                    i := add(i, 0x20)
                } {}
                for {
                    split := sub(split, 0x20)
                } sgt(mload(split), pivot) {
                    split := sub(split, 0x20)
                } {}
                if iszero(lt(i, split)) {
                    break
                }
                let swapped := mload(i)
                mstore(i, mload(split))
                mstore(split, swapped)
            }
        }
    }

    /// @notice The largest of the first `count` values of `list`.
    /// @dev Requirements: 0 < `count` <= `list.length`, unchecked.
    function maxOfFirst(int256[] memory list, uint256 count) internal pure returns (int256 largest) {
        assembly ("memory-safe") {
            let at := add(list, 0x20)
            let end := add(at, shl(5, count))
            largest := mload(at)
            for {
                at := add(at, 0x20)
            } lt(at, end) {
                at := add(at, 0x20)
            } {
                let value := mload(at)
                if sgt(value, largest) {
                    largest := value
                }
            }
        }
    }

    /// @notice (a + b) / 2 rounded toward zero, for any two int256 (no intermediate overflows).
    function average(int256 a, int256 b) internal pure returns (int256) {
        // floor((a + b) / 2): halves by arithmetic shift, plus 1 when both dropped a half
        int256 floor = (a >> 1) + (b >> 1) + (a & b & 1);
        // a negative average with a half left over rounds toward zero, one above its floor
        if (floor < 0 && (a ^ b) & 1 == 1) return floor + 1;
        return floor;
    }
}
