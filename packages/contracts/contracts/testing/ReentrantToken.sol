// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// calling back with arbitrary data and bubbling its revert is the point of this contract
// solhint-disable avoid-low-level-calls

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC677, IERC677Receiver} from "../interfaces/IERC677.sol";

/// @title ReentrantToken: a hostile ERC-677 token that calls back into a target from its own functions (tests only).
/// @notice It also notifies recipients that asked for it of every transfer, as ERC-777 hooks do.
contract ReentrantToken is ERC20, IERC677 {
    /// @notice Where the token calls back: never, from `balanceOf`, or from `transfer` / `transferFrom`.
    enum Hook {
        None,
        BalanceOf,
        Transfer
    }

    /// @dev A call back gets this fraction of the gas left, so that against a registry without its guard the
    /// recursion runs out of gas a few dozen frames deep and fails the test, instead of exhausting the call depth.
    uint256 private constant GAS_SHARE = 8;

    Hook public hook;
    address public target;
    bytes public reentry;
    /// @notice Recipients that get `onTokenTransfer` on every transfer, not only on `transferAndCall`.
    mapping(address account => bool) public notified;

    constructor(address holder, uint256 supply) ERC20("Reentrant", "RNT") {
        _mint(holder, supply);
    }

    /// @notice From now on, `hook` calls `target` with `reentry` and bubbles up its revert.
    function arm(Hook hook_, address target_, bytes calldata reentry_) external {
        hook = hook_;
        target = target_;
        reentry = reentry_;
    }

    function disarm() external {
        hook = Hook.None;
    }

    /// @notice The caller asks to be notified of every transfer it receives.
    function setNotified(bool on) external {
        notified[msg.sender] = on;
    }

    function balanceOf(address account) public view override(ERC20, IERC20) returns (uint256) {
        if (hook == Hook.BalanceOf) {
            // a view can only staticcall; the registry reads balances with STATICCALL anyway
            (bool ok, bytes memory returned) = target.staticcall{gas: gasleft() / GAS_SHARE}(reentry);
            if (!ok) _bubble(returned);
        }
        return super.balanceOf(account);
    }

    function transfer(address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        _reenter();
        super.transfer(to, value);
        _notify(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        _reenter();
        super.transferFrom(from, to, value);
        _notify(from, to, value);
        return true;
    }

    /// @inheritdoc IERC677
    function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool) {
        _transfer(msg.sender, to, value);
        emit Transfer(msg.sender, to, value, data);
        if (to.code.length != 0) IERC677Receiver(to).onTokenTransfer(msg.sender, value, data);
        return true;
    }

    function _reenter() private {
        if (hook != Hook.Transfer) return;
        (bool ok, bytes memory returned) = target.call{gas: gasleft() / GAS_SHARE}(reentry);
        if (!ok) _bubble(returned);
    }

    function _notify(address from, address to, uint256 value) private {
        if (notified[to]) IERC677Receiver(to).onTokenTransfer(from, value, "");
    }

    function _bubble(bytes memory returned) private pure {
        assembly ("memory-safe") {
            revert(add(returned, 32), mload(returned))
        }
    }
}
