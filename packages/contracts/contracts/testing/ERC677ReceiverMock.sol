// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC677Receiver} from "../interfaces/IERC677.sol";

/// @title ERC677ReceiverMock: records the last `onTokenTransfer` it got, or refuses it on demand (tests only).
contract ERC677ReceiverMock is IERC677Receiver {
    IERC20 public immutable token;
    uint256 public calls;
    address public lastCaller;
    address public lastSender;
    uint256 public lastValue;
    bytes public lastData;
    /// @notice This contract's token balance while it was being notified.
    uint256 public balanceWhenNotified;
    bool public refuses;

    error ERC677ReceiverMockRefused(address sender, uint256 value);

    constructor(IERC20 token_) {
        token = token_;
    }

    function setRefuses(bool refuses_) external {
        refuses = refuses_;
    }

    function onTokenTransfer(address sender, uint256 value, bytes calldata data) external {
        if (refuses) revert ERC677ReceiverMockRefused(sender, value);
        ++calls;
        lastCaller = msg.sender;
        lastSender = sender;
        lastValue = value;
        lastData = data;
        balanceWhenNotified = token.balanceOf(address(this));
    }
}
