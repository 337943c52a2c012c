// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPayoutCredits: payouts that could not be sent, kept for their recipient to withdraw.
/// @notice A payout whose transfer fails (a contract refusing ETH or running out of the gas it is given, a token
/// refusing the recipient) is credited to the recipient instead of blocking the others in its batch.
interface IPayoutCredits {
    /// @notice Nothing is credited to `account` in `token`.
    error PayoutCreditsNothingToWithdraw(address token, address account);
    /// @notice Sending `amount` of `token` to `to` failed (a withdrawal is sent with all the gas and must succeed).
    error PayoutCreditsTransferFailed(address token, address to, uint256 amount);

    /// @notice A payout of `amount` of `token` to `account` failed and was credited to it.
    event PayoutCredited(address indexed token, address indexed account, uint256 amount);
    /// @notice `account` withdrew its credit of `amount` of `token`, sent to `to`.
    event CreditWithdrawn(address indexed token, address indexed account, address to, uint256 amount);

    /// @notice Sends the caller's whole credit in `token` (address(0): ETH) to `to`.
    /// @dev Requirements: something is credited; the transfer succeeds.
    /// @param token the reward token, address(0) for ETH
    /// @param to where to send it: a recipient that cannot take ETH names another address
    /// @return amount what was sent
    function withdrawCredit(address token, address payable to) external returns (uint256 amount);

    /// @notice What is credited to `account` in `token` (address(0): ETH).
    function creditOf(address token, address account) external view returns (uint256 amount);
}
