// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPayoutCredits} from "./IPayoutCredits.sol";

/// @title PayoutCredits: sends payouts in ETH or an ERC-20 without letting one recipient block a batch; what cannot
/// be sent is credited and withdrawable.
abstract contract PayoutCredits is IPayoutCredits, ReentrancyGuardTransient {
    /// @notice The gas an ETH payout in a batch may use in its recipient: enough for a contract wallet's `receive`,
    /// bounded so that a recipient burning gas costs the batch at most this much.
    uint256 public constant ETH_SEND_GAS = 30_000;

    mapping(address token => mapping(address account => uint256)) private _credits;

    /// @inheritdoc IPayoutCredits
    function withdrawCredit(address token, address payable to) external nonReentrant returns (uint256 amount) {
        amount = _credits[token][msg.sender];
        if (amount == 0) revert PayoutCreditsNothingToWithdraw(token, msg.sender);
        _credits[token][msg.sender] = 0;
        emit CreditWithdrawn(token, msg.sender, to, amount);
        if (!_trySend(token, to, amount, gasleft())) revert PayoutCreditsTransferFailed(token, to, amount);
    }

    /// @inheritdoc IPayoutCredits
    function creditOf(address token, address account) external view returns (uint256 amount) {
        return _credits[token][account];
    }

    /// @dev Pays `amount` of `token` to `to`, or credits it if the transfer fails.
    function _pay(address token, address to, uint256 amount) internal {
        if (!_trySend(token, to, amount, ETH_SEND_GAS)) {
            _credits[token][to] += amount;
            emit PayoutCredited(token, to, amount);
        }
    }

    /// @dev One transfer, reporting failure instead of reverting. ETH gets `ethGas` and its return data is never
    /// copied (no return bomb); an ERC-20 is called in assembly with the calldata written past the free pointer
    /// (gas savings: no allocation or ABI encoding per miner). A token returning nothing is taken at its word, as
    /// SafeERC20 does; the token's code was checked when the share state was posted.
    function _trySend(address token, address to, uint256 amount, uint256 ethGas) internal returns (bool sent) {
        if (token == address(0)) {
            assembly ("memory-safe") {
                sent := call(ethGas, to, amount, 0, 0, 0, 0)
            }
        } else {
            assembly ("memory-safe") {
                let ptr := mload(0x40)
                // transfer(address,uint256)
                mstore(ptr, 0xa9059cbb00000000000000000000000000000000000000000000000000000000)
                mstore(add(ptr, 0x04), and(to, 0xffffffffffffffffffffffffffffffffffffffff))
                mstore(add(ptr, 0x24), amount)
                sent := call(gas(), token, 0, ptr, 0x44, 0, 0x20)
                if and(sent, iszero(iszero(returndatasize()))) {
                    sent := and(gt(returndatasize(), 0x1f), eq(mload(0), 1))
                }
            }
        }
    }
}
