// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the handler acts through low-level calls to see each refusal, and books every outcome after the call
// solhint-disable avoid-low-level-calls, reentrancy

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {vmExtra} from "../testing/VmExtra.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {FluxAggregator} from "./FluxAggregator.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title FluxAggregatorHandler: random submissions to the rounds oracles are pointed at (and to others), time,
/// requests, withdrawals by admins and the owner, token arrivals, oracle changes and payment changes.
/// @notice The handler keeps its own books of every token that arrived and left and every payment credited, and
/// checks each accepted submission was paid exactly its round's payment.
/// @dev A failed check is recorded in `failure`, not reverted: reverting actions are silently dropped by the fuzzer.
contract FluxAggregatorHandler is TestBase {
    uint256 internal constant ORACLES = 6;
    uint256 internal constant MAX_SENT = 100 ether;

    FluxAggregator public immutable aggregator;
    StakingToken public immutable token;
    address public immutable owner;
    address public immutable requester = _named("requester");

    /// @notice Tokens sent by plain transfers since the aggregator last took its balance into account.
    uint256 public ghostUnsynced;
    uint256 public ghostCredited;
    uint256 public ghostWithdrawn;
    uint256 public ghostSubmissions;
    /// @notice The first action that did not behave as the aggregator's rules say; empty while all did.
    string public failure;

    constructor(FluxAggregator aggregator_, StakingToken token_) {
        aggregator = aggregator_;
        token = token_;
        owner = aggregator_.owner();
    }

    // ------------------------------------------------------------------ actions

    /// @notice An oracle submits to the round it is pointed at, or now and then to the one before or after it.
    function submit(uint256 oracleSeed, int256 value, uint256 roundSeed) external {
        address oracle = oracleAt(oracleSeed);
        value = int256(_bound(uint256(value), 1, 1e12));
        vmExtra.prank(oracle, oracle);
        (bool eligible, uint32 roundId, , , , , , ) = aggregator.oracleRoundState(oracle, 0);
        uint256 shift = roundSeed % 8;
        if (shift == 1 && roundId > 1) --roundId;
        else if (shift == 2) ++roundId;
        vmExtra.prank(oracle, oracle);
        (bool eligibleThere, , , , , , , uint128 payment) = aggregator.oracleRoundState(oracle, roundId);
        uint256 before = aggregator.withdrawablePayment(oracle);
        vm.prank(oracle);
        (bool ok, ) = address(aggregator).call(abi.encodeCall(IFluxAggregator.submit, (roundId, value)));
        if (shift == 0 && eligible && !ok && aggregator.availableFunds() >= payment) {
            _fail("submit: refused a round oracleRoundState called eligible");
        }
        if (!ok) return;
        _check(eligibleThere, "submit: accepted a round oracleRoundState called not eligible");
        _check(
            aggregator.withdrawablePayment(oracle) == before + payment,
            "submit: paid other than the round's payment"
        );
        ghostCredited += payment;
        ++ghostSubmissions;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 hours));
    }

    function requestNewRound() external {
        vm.prank(requester);
        (bool ok, ) = address(aggregator).call(abi.encodeCall(IFluxAggregator.requestNewRound, ()));
        ok; // refused while the reporting round is open: fine
    }

    function withdrawPayment(uint256 oracleSeed, uint256 amount) external {
        address oracle = oracleAt(oracleSeed);
        uint256 withdrawable = aggregator.withdrawablePayment(oracle);
        amount = _bound(amount, 0, withdrawable + 1);
        address recipient = _named("recipient");
        uint256 received = _balance(recipient);
        vm.prank(aggregator.getAdmin(oracle));
        (bool ok, ) = address(aggregator).call(
            abi.encodeCall(IFluxAggregator.withdrawPayment, (oracle, recipient, amount))
        );
        if (ok != (amount <= withdrawable)) _fail("withdrawPayment: refused or accepted against the withdrawable");
        if (!ok) return;
        _check(_balance(recipient) == received + amount, "withdrawPayment: paid other than asked");
        ghostWithdrawn += amount;
    }

    function sendTokens(uint256 amount, bool viaTransferAndCall) external {
        amount = _bound(amount, 1, MAX_SENT);
        if (viaTransferAndCall) {
            token.transferAndCall(address(aggregator), amount, "");
            ghostUnsynced = 0;
        } else {
            token.transfer(address(aggregator), amount);
            ghostUnsynced += amount;
        }
    }

    function updateAvailableFunds() external {
        aggregator.updateAvailableFunds();
        ghostUnsynced = 0;
    }

    function withdrawFunds(uint256 amount) external {
        uint256 available = aggregator.availableFunds();
        uint256 reserve = uint256(aggregator.paymentAmount()) * aggregator.oracleCount() * 2;
        uint256 free = available > reserve ? available - reserve : 0;
        amount = _bound(amount, 0, free + 1);
        vm.prank(owner);
        (bool ok, ) = address(aggregator).call(
            abi.encodeCall(IFluxAggregator.withdrawFunds, (_named("treasury"), amount))
        );
        if (ok != (available >= reserve && amount <= free)) _fail("withdrawFunds: broke the reserve rule");
        if (ok) ghostUnsynced = 0;
    }

    /// @notice The owner removes an enabled oracle or adds a disabled one, keeping min 1 < max = count.
    function toggleOracle(uint256 oracleSeed) external {
        address oracle = oracleAt(oracleSeed);
        address[] memory listed = aggregator.getOracles();
        bool enabled;
        for (uint256 i = 0; i < listed.length; ++i) enabled = enabled || listed[i] == oracle;
        if (enabled && listed.length == 2) return;
        address[] memory one = new address[](1);
        one[0] = oracle;
        address[] memory admin = new address[](1);
        admin[0] = _admin(oracle);
        uint32 count = uint32(enabled ? listed.length - 1 : listed.length + 1);
        vm.prank(owner);
        (bool ok, ) = address(aggregator).call(
            enabled
                ? abi.encodeCall(IFluxAggregator.changeOracles, (one, new address[](0), new address[](0), 2, count, 1))
                : abi.encodeCall(IFluxAggregator.changeOracles, (new address[](0), one, admin, 2, count, 1))
        );
        ok; // refused when the funds do not cover the reserve of one more oracle: fine
    }

    function setPayment(uint256 payment) external {
        payment = _bound(payment, 0, 1 ether);
        vm.prank(owner);
        (bool ok, ) = address(aggregator).call(
            abi.encodeCall(
                IFluxAggregator.updateFutureRounds,
                (
                    uint128(payment),
                    aggregator.minSubmissionCount(),
                    aggregator.maxSubmissionCount(),
                    aggregator.restartDelay(),
                    aggregator.timeout()
                )
            )
        );
        ok; // refused when the funds do not cover the reserve: fine
    }

    // ------------------------------------------------------------------ views for the invariants

    function oracleAt(uint256 seed) public pure returns (address) {
        return _named(string.concat("oracle", string(abi.encodePacked(bytes1(uint8(48 + (seed % ORACLES)))))));
    }

    function oracleCountEver() external pure returns (uint256) {
        return ORACLES;
    }

    // ------------------------------------------------------------------ internals

    function _admin(address oracle) internal pure returns (address) {
        return address(uint160(oracle) ^ 1);
    }

    function _balance(address account) internal view returns (uint256) {
        return IERC20(address(token)).balanceOf(account);
    }

    function _check(bool condition, string memory what) private {
        if (!condition) _fail(what);
    }

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }
}

/// @title Invariants of FluxAggregator's funds under random rounds, payments, withdrawals and arrivals.
contract FluxAggregatorInvariantTest is TestBase {
    /// @dev Foundry's shape for `targetSelectors`, which EDR reads.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    FluxAggregatorHandler internal handler;
    FluxAggregator internal aggregator;
    StakingToken internal token;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new StakingToken("Chainlink Token", "LINK", address(this), 1e30);
        address owner = _named("owner");
        vm.prank(owner);
        aggregator = new FluxAggregator(address(token), 0.1 ether, 1 hours, address(0), 1, 1e12, 8, "ETH / USD");
        handler = new FluxAggregatorHandler(aggregator, token);
        token.transferAndCall(address(aggregator), 10 ether, "");
        token.transfer(address(handler), 1e29);
        address[] memory oracles = new address[](4);
        address[] memory admins = new address[](4);
        for (uint256 i = 0; i < 4; ++i) {
            oracles[i] = handler.oracleAt(i);
            admins[i] = address(uint160(oracles[i]) ^ 1);
        }
        vm.startPrank(owner);
        aggregator.changeOracles(new address[](0), oracles, admins, 2, 4, 1);
        aggregator.setRequesterPermissions(handler.requester(), true, 0);
        vm.stopPrank();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = FluxAggregatorHandler.submit.selector;
        selectors[1] = FluxAggregatorHandler.warp.selector;
        selectors[2] = FluxAggregatorHandler.requestNewRound.selector;
        selectors[3] = FluxAggregatorHandler.withdrawPayment.selector;
        selectors[4] = FluxAggregatorHandler.sendTokens.selector;
        selectors[5] = FluxAggregatorHandler.updateAvailableFunds.selector;
        selectors[6] = FluxAggregatorHandler.withdrawFunds.selector;
        selectors[7] = FluxAggregatorHandler.toggleOracle.selector;
        selectors[8] = FluxAggregatorHandler.setPayment.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice Every invariant below, checked after each call of every run: one campaign.
    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 100
    function invariant_funds() public view {
        _balanceIsAvailablePlusAllocated();
        _allocatedIsTheSumOfWithdrawables();
        _everyActionFollowedTheRules();
    }

    /// @dev The token balance is what is available plus what oracles are owed, once arrivals are taken in.
    function _balanceIsAvailablePlusAllocated() internal view {
        uint256 balance = IERC20(address(token)).balanceOf(address(aggregator));
        uint256 accounted = uint256(aggregator.availableFunds()) + aggregator.allocatedFunds();
        assertEq(balance, accounted + handler.ghostUnsynced(), "balance == available + allocated (+ not taken in)");
    }

    /// @dev What oracles are owed is exactly what each can withdraw, and what they were credited less withdrawn.
    function _allocatedIsTheSumOfWithdrawables() internal view {
        uint256 sum;
        for (uint256 i = 0; i < handler.oracleCountEver(); ++i)
            sum += aggregator.withdrawablePayment(handler.oracleAt(i));
        assertEq(aggregator.allocatedFunds(), sum, "allocated == sum of withdrawable");
        assertEq(sum, handler.ghostCredited() - handler.ghostWithdrawn(), "withdrawable == credited - withdrawn");
    }

    function _everyActionFollowedTheRules() internal view {
        assertEq(handler.failure(), "", "an action broke the rules");
    }
}
