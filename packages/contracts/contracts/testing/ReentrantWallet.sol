// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// calling back with arbitrary data from `receive` is the point of this contract
// solhint-disable avoid-low-level-calls, no-complex-fallback

/// @title ReentrantWallet: a sale wallet that, on receiving ETH, calls back into a target and records how that call
/// ended, then accepts the ETH, or refuses every payment on demand (tests only).
contract ReentrantWallet {
    address public target;
    bytes public reentry;
    bool public refuses;
    uint256 public calls;
    /// @notice The revert data of the last call back; empty if it succeeded.
    bytes public lastRevert;

    error ReentrantWalletRefused(uint256 value);

    /// @notice From now on, receiving ETH calls `target` with `reentry` (without value, so that a non-payable
    /// function's guard, not its value check, answers).
    function arm(address target_, bytes calldata reentry_) external {
        target = target_;
        reentry = reentry_;
    }

    function setRefuses(bool refuses_) external {
        refuses = refuses_;
    }

    receive() external payable {
        if (refuses) revert ReentrantWalletRefused(msg.value);
        if (target == address(0)) return;
        ++calls;
        (bool ok, bytes memory returned) = target.call(reentry);
        lastRevert = ok ? bytes("") : returned;
    }
}
