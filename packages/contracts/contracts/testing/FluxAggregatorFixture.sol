// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregator} from "../oracle/FluxAggregator.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {TestBase} from "./TestBase.sol";
import {vm} from "./Vm.sol";
import {vmExtra} from "./VmExtra.sol";

/// @title FluxAggregatorFixture: a LINK-like ERC-677 token and a funded FluxAggregator without oracles, for the
/// Solidity tests; oracles, their admins and the round helpers the tests share.
abstract contract FluxAggregatorFixture is TestBase {
    uint128 internal constant PAYMENT = 0.1 ether;
    uint32 internal constant TIMEOUT = 1 hours;
    int256 internal constant MIN_VALUE = 1;
    int256 internal constant MAX_VALUE = 1e40; // beyond 128 bits, so the widest submissions take the spill path
    uint8 internal constant DECIMALS = 8;
    string internal constant DESCRIPTION = "ETH / USD";
    uint256 internal constant SUPPLY = 1e30;
    uint256 internal constant FUNDING = 1000 ether;
    uint256 internal constant START = 1_700_000_000;
    uint256 internal constant MAX_ORACLE_COUNT = 77;
    uint256 internal constant RESERVE_ROUNDS = 2;

    address internal immutable owner = _named("owner");
    address internal immutable stranger = _named("stranger");
    address internal immutable requester = _named("requester");
    /// @dev Where the tests' transactions come from, for `oracleRoundState`'s off-chain check.
    address internal immutable nodeAccount = _named("node");

    StakingToken internal token;
    FluxAggregator internal aggregator;

    function setUp() public virtual {
        vm.warp(START);
        token = new StakingToken("Chainlink Token", "LINK", address(this), SUPPLY);
        aggregator = _deploy(PAYMENT, TIMEOUT, address(0), MIN_VALUE, MAX_VALUE);
        token.transferAndCall(address(aggregator), FUNDING, "");
    }

    function _deploy(
        uint128 payment,
        uint32 roundTimeout,
        address validator,
        int256 minValue,
        int256 maxValue
    ) internal returns (FluxAggregator deployed) {
        vm.prank(owner);
        deployed = new FluxAggregator(
            address(token),
            payment,
            roundTimeout,
            validator,
            minValue,
            maxValue,
            DECIMALS,
            DESCRIPTION
        );
    }

    /// @dev Oracle number `i`: a fixed address named after it.
    function _oracle(uint256 i) internal pure returns (address) {
        return _named(string.concat("oracle", _decimal(i)));
    }

    /// @dev The admin the fixture gives oracle number `i`.
    function _admin(uint256 i) internal pure returns (address) {
        return _named(string.concat("admin", _decimal(i)));
    }

    function _oracles(uint256 from, uint256 count) internal pure returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i = 0; i < count; ++i) list[i] = _oracle(from + i);
    }

    function _admins(uint256 from, uint256 count) internal pure returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i = 0; i < count; ++i) list[i] = _admin(from + i);
    }

    /// @dev Enables oracles 0 to `count` - 1 with the fixture's admins and the given round parameters.
    function _addOracles(uint256 count, uint32 minSubmissions, uint32 maxSubmissions, uint32 delay) internal {
        vm.prank(owner);
        aggregator.changeOracles(
            new address[](0),
            _oracles(0, count),
            _admins(0, count),
            minSubmissions,
            maxSubmissions,
            delay
        );
    }

    function _submit(uint256 i, uint256 roundId, int256 value) internal {
        vm.prank(_oracle(i));
        aggregator.submit(roundId, value);
    }

    /// @dev Oracles `from` to `from + values.length - 1` submit `values` to `roundId`, in order.
    function _submitAll(uint256 from, uint256 roundId, int256[] memory values) internal {
        for (uint256 i = 0; i < values.length; ++i) _submit(from + i, roundId, values[i]);
    }

    function _values(int256 a, int256 b, int256 c) internal pure returns (int256[] memory list) {
        list = new int256[](3);
        (list[0], list[1], list[2]) = (a, b, c);
    }

    /// @dev What `oracleRoundState` tells `oracle` about `roundId` (0: the round it suggests), asked off-chain.
    function _roundState(
        address oracle,
        uint32 roundId
    )
        internal
        returns (
            bool eligible,
            uint32 suggested,
            int256 latestSubmission,
            uint64 startedAt,
            uint64 roundTimeout,
            uint128 available,
            uint8 count,
            uint128 payment
        )
    {
        vmExtra.prank(nodeAccount, nodeAccount);
        return aggregator.oracleRoundState(oracle, roundId);
    }

    function _eligible(address oracle, uint32 roundId) internal returns (bool eligible, uint32 suggested) {
        (eligible, suggested, , , , , , ) = _roundState(oracle, roundId);
    }

    function _decimal(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory digits;
        for (; value != 0; value /= 10) digits = abi.encodePacked(bytes1(uint8(48 + (value % 10))), digits);
        return string(digits);
    }
}
