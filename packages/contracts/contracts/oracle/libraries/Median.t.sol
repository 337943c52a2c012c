// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../../testing/TestBase.sol";
import {vm} from "../../testing/Vm.sol";
import {Median} from "./Median.sol";

/// @dev Calls the library externally, so that a test can expect its revert.
contract MedianCaller {
    function calculate(int256[] calldata list) external pure returns (int256) {
        return Median.calculateInPlace(list);
    }
}

/// @title Tests of Median against a plain sort: any values, any length up to the 77 submissions of a round, and the
/// rounding of an even length's average.
contract MedianTest is TestBase {
    /// @notice The median of up to 77 arbitrary int256 values is the middle of their plain sort (or the average of
    /// the two middle values, rounded toward zero).
    function testFuzz_medianMatchesAPlainSort(int256[77] memory values, uint256 length, uint256 spread) public pure {
        length = _bound(length, 1, 77);
        spread = _bound(spread, 0, 3);
        int256[] memory list = new int256[](length);
        for (uint256 i = 0; i < length; ++i) {
            // narrow spreads make ties, which a partition must handle
            list[i] = spread == 0 ? values[i] : values[i] % int256(10 ** spread);
        }
        int256 expected = _reference(list);
        assertEq(uint256(Median.calculateInPlace(list)), uint256(expected), "median");
    }

    function test_medianMatchesAPlainSort() public pure {
        int256[77] memory values;
        for (uint256 i = 0; i < 77; ++i) values[i] = int256(uint256(keccak256(abi.encode(i))));
        for (uint256 length = 1; length <= 77; ++length) {
            testFuzz_medianMatchesAPlainSort(values, length, 0);
            testFuzz_medianMatchesAPlainSort(values, length, 1);
        }
    }

    /// @notice Inputs sorted, reversed, all equal, and organ-pipe: the shapes that trip quickselects.
    function test_medianOfAdversarialShapes() public pure {
        for (uint256 length = 1; length <= 40; ++length) {
            int256[][4] memory shapes;
            for (uint256 s = 0; s < 4; ++s) shapes[s] = new int256[](length);
            for (uint256 i = 0; i < length; ++i) {
                shapes[0][i] = int256(i);
                shapes[1][i] = -int256(i);
                shapes[2][i] = 7;
                shapes[3][i] = int256(i < length / 2 ? i : length - i);
            }
            for (uint256 s = 0; s < 4; ++s) {
                int256 expected = _reference(shapes[s]);
                assertEq(uint256(Median.calculateInPlace(shapes[s])), uint256(expected), "median");
            }
        }
    }

    function test_theAverageOfTheMiddleValuesRoundsTowardZero() public pure {
        int256[2][10] memory cases = [
            [int256(3), 4],
            [int256(-3), -4],
            [int256(-3), 4],
            [int256(3), -4],
            [int256(-1), 0],
            [int256(1), 0],
            [type(int256).max, type(int256).max - 1],
            [type(int256).min, type(int256).min + 1],
            [type(int256).min, type(int256).max],
            [type(int256).max, type(int256).max]
        ];
        int256[10] memory expected = [
            int256(3),
            -3,
            0,
            0,
            0,
            0,
            type(int256).max - 1,
            type(int256).min + 1,
            0,
            type(int256).max
        ];
        for (uint256 i = 0; i < cases.length; ++i) {
            assertEq(uint256(Median.average(cases[i][0], cases[i][1])), uint256(expected[i]), "average");
            assertEq(uint256(Median.average(cases[i][1], cases[i][0])), uint256(expected[i]), "symmetric");
        }
    }

    function testFuzz_averageRoundsTowardZero(int256 a, int256 b) public pure {
        assertEq(uint256(Median.average(a, b)), uint256(_referenceAverage(a, b)), "average");
    }

    function test_averageRoundsTowardZero() public pure {
        testFuzz_averageRoundsTowardZero(-7, 2);
    }

    function test_anEmptyListHasNoMedian() public {
        MedianCaller caller = new MedianCaller();
        vm.expectRevert(abi.encodeWithSelector(Median.MedianEmptyList.selector));
        caller.calculate(new int256[](0));
    }

    function _reference(int256[] memory list) internal pure returns (int256) {
        int256[] memory sorted = new int256[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            uint256 j = i;
            for (; j > 0 && sorted[j - 1] > list[i]; --j) sorted[j] = sorted[j - 1];
            sorted[j] = list[i];
        }
        uint256 middle = list.length / 2;
        if (list.length % 2 == 1) return sorted[middle];
        return _referenceAverage(sorted[middle - 1], sorted[middle]);
    }

    /// @dev Chainlink's SignedSafeMath.avg, the rule the aggregator keeps.
    function _referenceAverage(int256 a, int256 b) internal pure returns (int256) {
        if ((a < 0 && b > 0) || (a > 0 && b < 0)) return (a + b) / 2;
        return a / 2 + b / 2 + ((a % 2) + (b % 2)) / 2;
    }
}
