// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the handler books every outcome after the call it makes
// solhint-disable reentrancy

import {ReentrantWallet} from "../testing/ReentrantWallet.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {IShareStatePayout} from "./IShareStatePayout.sol";
import {ShareStateLeaves} from "./ShareStateLeaves.sol";
import {ShareStatePayout} from "./ShareStatePayout.sol";
import {StandardTrees} from "./testing/StandardTrees.sol";

/// @title ShareStatePayoutHandler: random share states (1 to 7 leaves, one per miner, in the stake token or ETH, with
/// or without bounty) posted by two pools, paid by whole-tree batches, one-leaf batches and claims, closed, expired,
/// and a wallet refusing ETH that withdraws its credits; each payment checked as it happens.
/// @notice A payment is checked leaf by leaf: a leaf not paid before gets exactly `floor(score × reward / total)` (sent
/// or credited), a leaf paid before gets nothing; `payCount` counts each leaf's payments, which must stay at most one.
/// @dev A failed check is recorded in `failure`, not reverted: reverting actions are silently dropped by the fuzzer.
contract ShareStatePayoutHandler is TestBase {
    uint256 public constant MAX_STATES = 12;
    uint256 internal constant MINERS = 7;
    uint256 internal constant MAX_AMOUNT = 1e24;

    /// @dev A share state about to be posted.
    struct Posting {
        address pool;
        address asset;
        bytes32 root;
        uint256 total;
        uint256 n;
        uint256 amount;
        uint256 bounty;
        uint256 deadline;
    }

    ShareStatePayout public immutable payout;
    StakingToken public immutable token;
    ReentrantWallet public immutable refusing;
    address[2] public pools;
    /// @dev Six plain addresses and the wallet refusing ETH.
    address[MINERS] public miners;

    mapping(uint256 id => bytes32[] tree) internal _trees;
    mapping(uint256 id => address[] miners) internal _miners;
    mapping(uint256 id => uint64[] scores) internal _scores;
    mapping(uint256 id => mapping(uint256 index => uint256 count)) public payCount;
    uint256 public ghostWithdrawnEth;
    /// @notice The first action that did not behave as ShareStatePayout's rules say; empty while all did.
    string public failure;

    constructor(ShareStatePayout payout_, StakingToken token_) payable {
        payout = payout_;
        token = token_;
        refusing = new ReentrantWallet();
        refusing.setRefuses(true);
        pools = [_named("pool0"), _named("pool1")];
        for (uint256 i; i < MINERS - 1; ++i)
            miners[i] = _named(string(abi.encodePacked("miner", bytes1(uint8(48 + i)))));
        miners[MINERS - 1] = address(refusing);
        for (uint256 p; p < 2; ++p) {
            vm.prank(pools[p]);
            token_.approve(address(payout_), type(uint256).max);
        }
    }

    /// @dev Bounties paid to the handler (the executor) in ETH.
    receive() external payable {}

    // ------------------------------------------------------------------ actions

    function post(uint256 seed, uint256 amount, uint256 bounty, uint256 duration) external {
        if (payout.shareStateCount() >= MAX_STATES) return;
        Posting memory p;
        p.pool = pools[seed % 2];
        p.asset = (seed >> 8) % 2 == 0 ? address(token) : address(0);
        p.n = _bound(seed >> 16, 1, MINERS);
        (p.root, p.total) = _drawTree(seed, p.n);
        p.amount = _bound(amount, 0, MAX_AMOUNT);
        uint256 budget = p.amount + payout.carried(p.pool, p.asset);
        if (budget == 0) (p.amount, budget) = (1, 1);
        p.bounty = (bounty >> 200) % 2 == 0 ? 0 : _bound(bounty, 0, budget / p.n);
        p.deadline = block.timestamp + _bound(duration, 1, 30 days);
        _post(p);
    }

    /// @notice Pays every leaf of a share state in one batch: no proof elements, every flag set.
    function payAll(uint256 idSeed) external {
        if (payout.shareStateCount() == 0) return;
        uint256 id = idSeed % payout.shareStateCount();
        uint256 n = _miners[id].length;
        uint256[] memory indexes = new uint256[](n);
        for (uint256 i; i < n; ++i) indexes[i] = i;
        uint256[] memory flags = new uint256[](n > 1 ? 1 : 0);
        if (n > 1) flags[0] = (1 << (n - 1)) - 1;
        _payBatch(id, indexes, new bytes32[](0), flags);
    }

    /// @notice Pays one leaf in a batch: its single proof, every flag clear.
    function payOne(uint256 idSeed, uint256 leafSeed) external {
        if (payout.shareStateCount() == 0) return;
        uint256 id = idSeed % payout.shareStateCount();
        uint256 index = leafSeed % _miners[id].length;
        uint256[] memory indexes = new uint256[](1);
        indexes[0] = index;
        bytes32[] memory proof = StandardTrees.proof(_trees[id], index);
        _payBatch(id, indexes, proof, new uint256[](proof.length == 0 ? 0 : 1));
    }

    function claim(uint256 idSeed, uint256 leafSeed) external {
        if (payout.shareStateCount() == 0) return;
        uint256 id = idSeed % payout.shareStateCount();
        uint256 index = leafSeed % _miners[id].length;
        uint256[] memory indexes = new uint256[](1);
        indexes[0] = index;
        (IShareStatePayout.ShareStateView memory state, uint256[] memory before, bool[] memory wasPaid) = _snapshot(
            id,
            indexes
        );
        bytes32[] memory proof = StandardTrees.proof(_trees[id], index);
        try payout.claim(id, uint32(index), _miners[id][index], _scores[id][index], proof) {
            _check(!wasPaid[0], "claim: paid a leaf paid before");
            _book(id, indexes, state, before, wasPaid);
        } catch {
            _check(!_payable(state) || wasPaid[0], "claim: refused an open, unpaid leaf");
        }
    }

    function close(uint256 idSeed) external {
        if (payout.shareStateCount() == 0) return;
        uint256 id = idSeed % payout.shareStateCount();
        IShareStatePayout.ShareStateView memory state = payout.shareState(id);
        uint256 carried = payout.carried(state.pool, state.token);
        try payout.close(id) returns (uint256 remainder) {
            _check(!state.closed, "close: closed twice");
            _check(
                block.timestamp > state.deadline || state.paidScore == state.totalScore,
                "close: closed an open share state"
            );
            uint256 budget = state.reward + state.bountyPerMiner * state.leafCount;
            _check(remainder == budget - state.spent, "close: carried other than budget - spent");
            _check(payout.carried(state.pool, state.token) == carried + remainder, "close: carry not booked");
        } catch {
            _check(
                state.closed || (block.timestamp <= state.deadline && state.paidScore < state.totalScore),
                "close: refused a share state that may close"
            );
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 10 days));
    }

    /// @notice The wallet refusing ETH withdraws its ETH credit to another address.
    function withdrawCredit() external {
        uint256 credit = payout.creditOf(address(0), address(refusing));
        if (credit == 0) return;
        address payable elsewhere = payable(_named("elsewhere"));
        uint256 before = elsewhere.balance;
        vm.prank(address(refusing));
        payout.withdrawCredit(address(0), elsewhere);
        _check(elsewhere.balance == before + credit, "withdrawCredit: sent other than the credit");
        _check(payout.creditOf(address(0), address(refusing)) == 0, "withdrawCredit: credit left");
        ghostWithdrawnEth += credit;
    }

    // ------------------------------------------------------------------ internals

    function _post(Posting memory p) private {
        if (p.asset == address(0)) payable(p.pool).transfer(p.amount);
        else token.transfer(p.pool, p.amount);
        uint256 id = payout.shareStateCount();
        vm.prank(p.pool);
        try
            payout.post{value: p.asset == address(0) ? p.amount : 0}(
                p.asset,
                p.root,
                uint128(p.total),
                uint32(p.n),
                p.amount,
                uint96(p.bounty),
                uint40(p.deadline)
            )
        returns (uint256 posted) {
            _check(posted == id, "post: another id");
        } catch {
            _fail("post: refused a valid share state");
        }
    }

    /// @dev The next share state's leaves: `n` miners of the rotation from `seed`, random scores; keeps its tree.
    function _drawTree(uint256 seed, uint256 n) private returns (bytes32 root, uint256 total) {
        uint256 id = payout.shareStateCount();
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            address miner = miners[((seed >> 32) + i) % MINERS]; // n ≤ MINERS: a miner holds one leaf
            uint64 score = uint64(_bound(uint256(keccak256(abi.encode(seed, i))), 1, type(uint64).max));
            _miners[id].push(miner);
            _scores[id].push(score);
            leaves[i] = ShareStateLeaves.postedLeaf(i, miner, score);
            total += score;
        }
        bytes32[] memory tree = StandardTrees.build(leaves);
        _trees[id] = tree;
        return (tree[0], total);
    }

    function _payBatch(uint256 id, uint256[] memory indexes, bytes32[] memory proof, uint256[] memory flags) private {
        (IShareStatePayout.ShareStateView memory state, uint256[] memory before, bool[] memory wasPaid) = _snapshot(
            id,
            indexes
        );
        uint256[] memory entries = new uint256[](indexes.length);
        bool anyUnpaid;
        for (uint256 i; i < indexes.length; ++i) {
            uint256 index = indexes[i];
            entries[i] = (index << 224) | (uint256(_scores[id][index]) << 160) | uint160(_miners[id][index]);
            anyUnpaid = anyUnpaid || !wasPaid[i];
        }
        try payout.payBatch(id, entries, proof, flags) returns (uint256 count, uint256) {
            _check(anyUnpaid, "payBatch: paid a batch paid before");
            uint256 unpaid;
            for (uint256 i; i < indexes.length; ++i) if (!wasPaid[i]) ++unpaid;
            _check(count == unpaid, "payBatch: counted other than the unpaid leaves");
            _book(id, indexes, state, before, wasPaid);
        } catch {
            _check(!_payable(state) || !anyUnpaid, "payBatch: refused a valid batch");
        }
    }

    /// @dev The share state, and for each leaf its miner's balance plus credit and whether it was paid.
    function _snapshot(
        uint256 id,
        uint256[] memory indexes
    ) private view returns (IShareStatePayout.ShareStateView memory state, uint256[] memory held, bool[] memory paid) {
        state = payout.shareState(id);
        held = new uint256[](indexes.length);
        paid = new bool[](indexes.length);
        for (uint256 i; i < indexes.length; ++i) {
            held[i] = _holding(state.token, _miners[id][indexes[i]]);
            paid[i] = payout.isPaid(id, indexes[i]);
        }
    }

    /// @dev After a successful payment: each leaf not paid before got exactly its payout and is paid now; a leaf paid
    /// before got nothing. (A miner holds at most one leaf of a share state.)
    function _book(
        uint256 id,
        uint256[] memory indexes,
        IShareStatePayout.ShareStateView memory state,
        uint256[] memory before,
        bool[] memory wasPaid
    ) private {
        for (uint256 i; i < indexes.length; ++i) {
            uint256 index = indexes[i];
            address miner = _miners[id][index];
            uint256 owed = wasPaid[i] ? 0 : (uint256(_scores[id][index]) * state.reward) / state.totalScore;
            _check(_holding(state.token, miner) - before[i] == owed, "a leaf got other than its payout");
            _check(payout.isPaid(id, index), "a paid leaf's bit is clear");
            if (!wasPaid[i]) ++payCount[id][index];
            _check(payCount[id][index] <= 1, "a leaf was paid twice");
        }
    }

    /// @dev Whether a share state takes payments: not closed, its deadline not passed.
    function _payable(IShareStatePayout.ShareStateView memory state) private view returns (bool) {
        return !state.closed && block.timestamp <= state.deadline;
    }

    /// @dev What `account` holds of `asset` plus what it is credited.
    function _holding(address asset, address account) private view returns (uint256) {
        uint256 held = asset == address(0) ? account.balance : token.balanceOf(account);
        return held + payout.creditOf(asset, account);
    }

    function _check(bool condition, string memory what) private {
        if (!condition) _fail(what);
    }

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }
}

/// @title Invariants of ShareStatePayout under random posts, batches, claims, closes, deadlines and withdrawals.
contract ShareStatePayoutInvariantTest is TestBase {
    /// @dev Foundry's shape for `targetSelectors`, which EDR reads.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    ShareStatePayoutHandler internal handler;
    ShareStatePayout internal payout;
    StakingToken internal token;

    function setUp() public {
        payout = new ShareStatePayout();
        token = new StakingToken("Stake", "STK", address(this), 1e30);
        handler = new ShareStatePayoutHandler{value: 1e28}(payout, token);
        token.transfer(address(handler), 1e30);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = ShareStatePayoutHandler.post.selector;
        selectors[1] = ShareStatePayoutHandler.payAll.selector;
        selectors[2] = ShareStatePayoutHandler.payOne.selector;
        selectors[3] = ShareStatePayoutHandler.claim.selector;
        selectors[4] = ShareStatePayoutHandler.close.selector;
        selectors[5] = ShareStatePayoutHandler.warp.selector;
        selectors[6] = ShareStatePayoutHandler.withdrawCredit.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice Every invariant below, checked after each call of every run.
    function invariant_shareStatePayout() public view {
        _balanceCoversBudgetsCarriesAndCredits(address(token));
        _balanceCoversBudgetsCarriesAndCredits(address(0));
        _noLeafPaidTwice();
        assertEq(handler.failure(), "", "every action followed the rules");
    }

    /// @dev The contract holds exactly what its open share states have left (budget − spent), what its pools carry
    /// and what it credits, in each asset: never less (it could not pay them all), never more (nothing is stranded).
    function _balanceCoversBudgetsCarriesAndCredits(address asset) internal view {
        uint256 owed;
        uint256 count = payout.shareStateCount();
        for (uint256 id; id < count; ++id) {
            IShareStatePayout.ShareStateView memory state = payout.shareState(id);
            if (state.token != asset || state.closed) continue;
            uint256 budget = state.reward + state.bountyPerMiner * state.leafCount;
            assertLe(state.spent, budget, "spent <= budget");
            assertLe(state.paidScore, state.totalScore, "paid score <= total score");
            owed += budget - state.spent;
        }
        for (uint256 p; p < 2; ++p) owed += payout.carried(handler.pools(p), asset);
        for (uint256 m; m < 7; ++m) owed += payout.creditOf(asset, handler.miners(m));
        owed += payout.creditOf(asset, address(handler));
        uint256 balance = asset == address(0) ? address(payout).balance : token.balanceOf(address(payout));
        assertEq(balance, owed, "balance == open budgets - spent + carries + credits");
    }

    /// @dev Every leaf was paid at most once, and exactly the leaves whose bit is set were.
    function _noLeafPaidTwice() internal view {
        uint256 count = payout.shareStateCount();
        for (uint256 id; id < count; ++id) {
            uint256 leafCount = payout.shareState(id).leafCount;
            for (uint256 index; index < leafCount; ++index) {
                uint256 paid = handler.payCount(id, index);
                assertLe(paid, 1, "a leaf paid at most once");
                assertEq(paid == 1, payout.isPaid(id, index), "paid exactly the leaves whose bit is set");
            }
        }
    }
}
