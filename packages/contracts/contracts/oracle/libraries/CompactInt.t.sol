// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../../testing/TestBase.sol";
import {CompactInt} from "./CompactInt.sol";

/// @title Tests of CompactInt: every value that fits comes back, none packs to the marker, every other one does.
contract CompactIntTest is TestBase {
    function testFuzz_aValueThatFitsComesBackAndOthersPackToTheMarker(int256 value, bool wide) public pure {
        uint256 bits = wide ? 128 : 96;
        int256 bias = int256(1 << (bits - 1));
        uint256 packed = CompactInt.pack(value, bits);
        bool fits = value > -bias && value < bias;
        assertEq(packed != 0, fits, "0 only for values that do not fit");
        assertLe(packed, (uint256(1) << bits) - 1, "within the field");
        if (fits) assertEq(uint256(CompactInt.unpack(packed, bits)), uint256(value), "round trip");
    }

    function test_aValueThatFitsComesBackAndOthersPackToTheMarker() public pure {
        int256[8] memory values = [
            int256(0),
            -1,
            int256(type(int96).max),
            int256(type(int96).min),
            int256(type(int96).min) + 1,
            int256(type(int128).max) + 1,
            type(int256).min,
            type(int256).max
        ];
        for (uint256 i = 0; i < values.length; ++i) {
            testFuzz_aValueThatFitsComesBackAndOthersPackToTheMarker(values[i], false);
            testFuzz_aValueThatFitsComesBackAndOthersPackToTheMarker(values[i], true);
        }
        assertEq(CompactInt.unpack(CompactInt.zero(96), 96) == 0, true, "zero's encoding");
    }
}
