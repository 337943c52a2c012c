// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the handler acts through low-level calls to see each refusal's data, and books every outcome after the call
// solhint-disable avoid-low-level-calls, reentrancy

import {IPoolOwners} from "../interfaces/IPoolOwners.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolOwners} from "./PoolOwners.sol";

/// @title PoolOwnersHandler: mostly valid random contributions, grants, share transfers, token arrivals,
/// distributions, withdrawals and the lock, each checked as it happens.
/// @notice The handler keeps its own exact books: every holder's entitlement as the sum of `share * amount` over every
/// distribution (times TOTAL_SHARES, so nothing is rounded), from the shares it saw when the tokens were taken in.
/// @dev A failed check is recorded in `failure`, not reverted: reverting actions are silently dropped by the fuzzer.
contract PoolOwnersHandler is TestBase {
    uint256 internal constant TOTAL_SHARES = 4000 ether;
    uint256 internal constant MIN_CONTRIBUTION = 4 ether;
    uint256 internal constant MAX_SENT = 1e24;

    PoolOwners public immutable owners;
    StakingToken public immutable token;
    /// @notice The contract owner, also a creator: the lock gives it the reserve.
    address public immutable owner;

    /// @dev The owner and another creator, three contributors and a stranger; then the reserve, address(0), last.
    address[] internal _holders;

    mapping(address holder => uint256) public ghostEntitledScaled;
    mapping(address holder => uint256) public ghostPaid;
    mapping(address contributor => uint256) public ghostContributed;
    mapping(address creator => uint256) public ghostGranted;
    uint256 public ghostSent;
    /// @notice Arrivals booked into the entitlements, with the shares held when they were taken in.
    uint256 public ghostBooked;
    /// @notice Arrivals the contract has taken in: every action that moves a share or pays distributes them first.
    uint256 public ghostTakenIn;
    uint256 public ghostWithdrawn;
    /// @notice The first action that did not behave as PoolOwners' rules say; empty while all did.
    string public failure;

    constructor(PoolOwners owners_, StakingToken token_) payable {
        owners = owners_;
        token = token_;
        owner = owners_.owner();
        _holders.push(owner);
        _holders.push(_named("creator1"));
        _holders.push(_named("contributor0"));
        _holders.push(_named("contributor1"));
        _holders.push(_named("contributor2"));
        _holders.push(_named("stranger"));
        _holders.push(address(0));
    }

    // ------------------------------------------------------------------ actions

    function contribute(uint256 actorSeed, uint256 value) external {
        _bookArrivals();
        address actor = _actor(actorSeed);
        uint256 room = owners.HARD_CAP() - owners.totalContributed();
        // mostly a valid amount; now and then one that the sale refuses
        if ((actorSeed >> 64) % 8 == 0) value = _bound(value, 0, room + MIN_CONTRIBUTION);
        else if (room < MIN_CONTRIBUTION) value = room;
        else value = _bound(value, MIN_CONTRIBUTION, room < 300 ether ? room : 300 ether);

        bytes memory refusal;
        uint256 minimum = room < MIN_CONTRIBUTION ? room : MIN_CONTRIBUTION;
        if (owners.locked()) {
            refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector);
        } else if (room == 0 || value > room) {
            refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersHardCapExceeded.selector, value, room);
        } else if (value < minimum) {
            refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersContributionTooSmall.selector, value, minimum);
        }
        uint256 share = owners.shareOf(actor);
        payable(actor).transfer(value);
        vm.prank(actor);
        (bool ok, bytes memory returned) = address(owners).call{value: value}(
            abi.encodeCall(IPoolOwners.contribute, ())
        );
        if (!_outcomeIs(ok, returned, refusal, "contribute")) return;
        ghostTakenIn = ghostSent; // it distributed first
        _check(owners.shareOf(actor) == share + value, "contribute: bought other than one share per wei");
        ghostContributed[actor] += value;
    }

    function setOwnerShare(uint256 actorSeed, uint256 granted) external {
        _bookArrivals();
        address actor = _actor(actorSeed);
        uint256 previous = owners.grantedShareOf(actor);
        uint256 maxGranted = previous + owners.CREATOR_SHARES() - owners.creatorSharesGranted();
        granted = _bound(granted, 0, maxGranted + 1);
        uint256 held = owners.shareOf(actor);

        bytes memory refusal;
        if (owners.locked()) {
            refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector);
        } else if (granted > maxGranted) {
            refusal = abi.encodeWithSelector(
                IPoolOwners.PoolOwnersCreatorSharesExceeded.selector,
                actor,
                granted,
                maxGranted
            );
        } else if (granted < previous && held < previous - granted) {
            refusal = abi.encodeWithSelector(
                IPoolOwners.PoolOwnersInsufficientShare.selector,
                actor,
                held,
                previous - granted
            );
        }
        vm.prank(owner);
        (bool ok, bytes memory returned) = address(owners).call(
            abi.encodeCall(IPoolOwners.setOwnerShare, (actor, granted))
        );
        if (!_outcomeIs(ok, returned, refusal, "setOwnerShare")) return;
        if (granted != previous) ghostTakenIn = ghostSent; // a share moved: it distributed first
        _check(owners.shareOf(actor) + previous == held + granted, "setOwnerShare: moved other than the difference");
        ghostGranted[actor] = granted;
    }

    function transferShare(uint256 fromSeed, uint256 toSeed, uint256 share) external {
        _bookArrivals();
        address from = _mostlyHolding(fromSeed);
        address to = _actor(toSeed);
        uint256 held = owners.shareOf(from);
        share = _bound(share, 0, held + 1);
        uint256 toHeld = owners.shareOf(to);
        uint256[2] memory earnings = [owners.withdrawable(token, from), owners.withdrawable(token, to)];

        bytes memory refusal;
        if (share == 0) refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAmount.selector);
        else if (share > held) {
            refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersInsufficientShare.selector, from, held, share);
        }
        vm.prank(from);
        (bool ok, bytes memory returned) = address(owners).call(abi.encodeCall(IPoolOwners.transferShare, (to, share)));
        if (!_outcomeIs(ok, returned, refusal, "transferShare")) return;
        ghostTakenIn = ghostSent; // it distributed first
        if (from != to) {
            _check(owners.shareOf(from) == held - share, "transferShare: sender's share");
            _check(owners.shareOf(to) == toHeld + share, "transferShare: recipient's share");
        }
        _check(owners.withdrawable(token, from) == earnings[0], "transferShare: the sender's earnings moved");
        _check(owners.withdrawable(token, to) == earnings[1], "transferShare: the recipient's earnings moved");
    }

    /// @notice Tokens arrive, by a plain transfer or ERC-677 `transferAndCall`, and are sometimes distributed at once.
    function sendTokens(uint256 amount, bool viaTransferAndCall, bool distribute_) external {
        amount = _bound(amount, 1, MAX_SENT);
        if (viaTransferAndCall) token.transferAndCall(address(owners), amount, "");
        else token.transfer(address(owners), amount);
        ghostSent += amount;
        if (distribute_) distribute();
    }

    function distribute() public {
        _bookArrivals();
        _check(owners.distribute(token) == ghostSent - ghostTakenIn, "distribute: took in other than what arrived");
        ghostTakenIn = ghostSent;
    }

    function withdraw(uint256 actorSeed, bool inPart, uint256 amount) external {
        _bookArrivals();
        address actor = _mostlyEarning(actorSeed);
        uint256 balance = owners.withdrawable(token, actor);
        uint256 before = token.balanceOf(actor);
        bytes memory call;
        bytes memory refusal;
        if (inPart) {
            amount = _bound(amount, 0, balance + 1);
            call = abi.encodeCall(IPoolOwners.withdrawAmount, (token, amount));
            if (amount == 0) refusal = abi.encodeWithSelector(IPoolOwners.PoolOwnersZeroAmount.selector);
            else if (amount > balance) {
                refusal = abi.encodeWithSelector(
                    IPoolOwners.PoolOwnersInsufficientBalance.selector,
                    address(token),
                    actor,
                    balance,
                    amount
                );
            }
        } else {
            amount = balance;
            call = abi.encodeCall(IPoolOwners.withdraw, (token));
            if (balance == 0) {
                refusal = abi.encodeWithSelector(
                    IPoolOwners.PoolOwnersNothingToWithdraw.selector,
                    address(token),
                    actor
                );
            }
        }
        vm.prank(actor);
        (bool ok, bytes memory returned) = address(owners).call(call);
        if (!_outcomeIs(ok, returned, refusal, "withdraw")) return;
        ghostTakenIn = ghostSent; // it distributed first
        _check(token.balanceOf(actor) == before + amount, "withdraw: paid other than asked");
        _check(owners.withdrawable(token, actor) == balance - amount, "withdraw: left other than the rest");
        ghostPaid[actor] += amount;
        ghostWithdrawn += amount;
    }

    /// @notice The owner locks the shares, one call in four, so that runs see both the sale and after it.
    function lockShares(uint256 seed) external {
        if (seed % 4 != 0) return;
        _bookArrivals();
        bool wasLocked = owners.locked();
        bytes memory refusal =
            wasLocked ? abi.encodeWithSelector(IPoolOwners.PoolOwnersSharesLocked.selector) : bytes("");
        uint256 unallocated = owners.shareOf(address(0));
        uint256 share = owners.shareOf(owner);
        vm.prank(owner);
        (bool ok, bytes memory returned) = address(owners).call(abi.encodeCall(IPoolOwners.lockShares, ()));
        if (!_outcomeIs(ok, returned, refusal, "lockShares")) return;
        ghostTakenIn = ghostSent; // it distributed first
        _check(owners.shareOf(owner) == share + unallocated, "lockShares: the owner got other than the reserve");
        // the reserve's earnings go with its shares
        ghostEntitledScaled[owner] += ghostEntitledScaled[address(0)];
        ghostEntitledScaled[address(0)] = 0;
    }

    // ------------------------------------------------------------------ views for the invariants

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    /// @notice Tokens that arrived and are not booked into the entitlements yet.
    function unbooked() external view returns (uint256) {
        return ghostSent - ghostBooked;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Every action distributes what arrived since the last distribution, split by the shares held just before
    /// it, and only actions change shares: so, before each action, book what arrived with the shares as they are now.
    /// (If the action is refused, the next one distributes it with the same shares.)
    function _bookArrivals() private {
        uint256 arrived = ghostSent - ghostBooked;
        if (arrived == 0) return;
        for (uint256 i = 0; i < _holders.length; ++i) {
            ghostEntitledScaled[_holders[i]] += owners.shareOf(_holders[i]) * arrived;
        }
        ghostBooked += arrived;
    }

    /// @dev Whether the call succeeded as expected (no refusal expected) and its effects should be checked; records
    /// a failure if it was refused when it should not have been, accepted when it should not, or refused otherwise.
    function _outcomeIs(
        bool ok,
        bytes memory returned,
        bytes memory refusal,
        string memory action
    ) private returns (bool succeeded) {
        if (refusal.length == 0) {
            if (!ok) _fail(string.concat(action, ": refused what the rules allow"));
            return ok;
        }
        if (ok) _fail(string.concat(action, ": accepted what the rules refuse"));
        else _check(keccak256(returned) == keccak256(refusal), string.concat(action, ": refused, not as expected"));
        return false;
    }

    /// @dev Three times in four, the first actor from `seed` on holding a share, if any.
    function _mostlyHolding(uint256 seed) private view returns (address) {
        if ((seed >> 64) % 4 != 0) {
            for (uint256 i = 0; i < 6; ++i) {
                address actor = _actor(seed + i);
                if (owners.shareOf(actor) != 0) return actor;
            }
        }
        return _actor(seed);
    }

    /// @dev Three times in four, the first actor from `seed` on with something to withdraw, if any.
    function _mostlyEarning(uint256 seed) private view returns (address) {
        if ((seed >> 64) % 4 != 0) {
            for (uint256 i = 0; i < 6; ++i) {
                address actor = _actor(seed + i);
                if (owners.withdrawable(token, actor) != 0) return actor;
            }
        }
        return _actor(seed);
    }

    /// @dev One of the six actors: never the reserve.
    function _actor(uint256 seed) private view returns (address) {
        return _holders[seed % 6];
    }

    function _check(bool condition, string memory what) private {
        if (!condition) _fail(what);
    }

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }
}

/// @title Invariants of PoolOwners under random sales, grants, share transfers, arrivals, distributions, withdrawals
/// and the lock.
contract PoolOwnersInvariantTest is TestBase {
    /// @dev Foundry's shape for `targetSelectors`, which EDR reads.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 internal constant TOTAL_SHARES = 4000 ether;

    PoolOwnersHandler internal handler;
    PoolOwners internal owners;
    StakingToken internal token;
    address internal immutable wallet = _named("wallet");

    function setUp() public {
        address owner = _named("owner");
        token = new StakingToken("Pool Stake", "STK", address(this), 1e30);
        owners = new PoolOwners(payable(wallet), owner);
        vm.prank(owner);
        owners.addToken(token);
        handler = new PoolOwnersHandler{value: 1e24}(owners, token);
        token.transfer(address(handler), 1e29);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = PoolOwnersHandler.contribute.selector;
        selectors[1] = PoolOwnersHandler.setOwnerShare.selector;
        selectors[2] = PoolOwnersHandler.transferShare.selector;
        selectors[3] = PoolOwnersHandler.sendTokens.selector;
        selectors[4] = PoolOwnersHandler.distribute.selector;
        selectors[5] = PoolOwnersHandler.withdraw.selector;
        selectors[6] = PoolOwnersHandler.lockShares.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice Every invariant below, checked after each call of every run: one campaign instead of five.
    function invariant_owners() public view {
        _sharesAddUpTo100Percent();
        _everyHolderGetsExactlyItsEntitlement();
        _tokensHeldCoverEveryWithdrawableAmount();
        _saleBooksMatch();
        _everyActionFollowedTheRules();
    }

    /// @dev The holders' shares and the reserve's add up to exactly 100%: the holders' alone to at most 100%, and to
    /// exactly 100% once the shares are locked.
    function _sharesAddUpTo100Percent() internal view {
        address[] memory holders = handler.holders();
        uint256 held;
        for (uint256 i = 0; i < holders.length - 1; ++i) held += owners.shareOf(holders[i]);
        uint256 reserve = owners.shareOf(address(0));
        assertEq(held + reserve, TOTAL_SHARES, "holders + reserve == 100%");
        if (owners.locked()) assertEq(held, TOTAL_SHARES, "holders == 100% once locked");
        assertLe(owners.creatorSharesGranted(), owners.CREATOR_SHARES(), "grants <= 75%");
        assertLe(owners.totalContributed(), owners.HARD_CAP(), "contributions <= the hard cap");
    }

    /// @dev Every holder has been paid plus can withdraw exactly the floor of its exact entitlement: never a wei more
    /// (nobody withdraws more than its pro-rata share), never a wei less.
    function _everyHolderGetsExactlyItsEntitlement() internal view {
        address[] memory holders = handler.holders();
        uint256 unbooked = handler.unbooked();
        for (uint256 i = 0; i < holders.length; ++i) {
            address holder = holders[i];
            uint256 entitled = handler.ghostEntitledScaled(holder) + owners.shareOf(holder) * unbooked;
            uint256 got = handler.ghostPaid(holder) + owners.withdrawable(token, holder);
            assertEq(got, entitled / TOTAL_SHARES, "paid + withdrawable == floor(exact entitlement)");
        }
    }

    /// @dev The tokens held cover every withdrawable amount, and what they hold beyond is the holders' sub-wei
    /// fractions: under one wei per holder. Every token that arrived was distributed or is waiting to be.
    function _tokensHeldCoverEveryWithdrawableAmount() internal view {
        address[] memory holders = handler.holders();
        uint256 sum;
        for (uint256 i = 0; i < holders.length; ++i) sum += owners.withdrawable(token, holders[i]);
        uint256 balance = token.balanceOf(address(owners));
        assertEq(balance, handler.ghostSent() - handler.ghostWithdrawn(), "held == sent - withdrawn");
        (uint256 distributed, uint256 accounted) = owners.getTokenAccounting(token);
        assertEq(distributed, handler.ghostTakenIn(), "distributed: everything that arrived before the last action");
        assertEq(distributed + (balance - accounted), handler.ghostSent(), "distributed + waiting == sent");
        assertLe(sum, balance, "withdrawable <= held");
        assertLe(balance - sum, holders.length - 1, "held beyond it: under one wei per holder");
    }

    /// @dev The sale's books: every contribution as booked, all of it paid to the wallet, the grants as set.
    function _saleBooksMatch() internal view {
        address[] memory holders = handler.holders();
        uint256 contributed;
        uint256 granted;
        for (uint256 i = 0; i < holders.length - 1; ++i) {
            assertEq(owners.contributionOf(holders[i]), handler.ghostContributed(holders[i]), "contribution");
            assertEq(owners.grantedShareOf(holders[i]), handler.ghostGranted(holders[i]), "grant");
            contributed += handler.ghostContributed(holders[i]);
            granted += handler.ghostGranted(holders[i]);
        }
        assertEq(owners.totalContributed(), contributed, "totalContributed");
        assertEq(wallet.balance, contributed, "the wallet got every contribution");
        assertEq(address(owners).balance, 0, "no ETH stays");
        assertEq(owners.creatorSharesGranted(), granted, "creatorSharesGranted");
    }

    /// @dev Every action was accepted, refused (with the exact error) and paid as PoolOwners' rules say.
    function _everyActionFollowedTheRules() internal view {
        assertEq(handler.failure(), "", "an action broke the rules");
    }
}
