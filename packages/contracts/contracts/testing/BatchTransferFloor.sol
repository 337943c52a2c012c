// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title BatchTransferFloor: the bare batched ERC-20 transfer, the EVM floor a payout per miner is held against
/// (`bench:payouts` only): no proof, no bookkeeping, one `transfer` per recipient of tokens it holds.
contract BatchTransferFloor {
    error BatchTransferFloorFailed(address to, uint256 amount);

    function transferBatch(IERC20 token, address[] calldata recipients, uint256[] calldata amounts) external {
        uint256 length = recipients.length;
        for (uint256 i; i < length; ++i) {
            if (!token.transfer(recipients[i], amounts[i])) revert BatchTransferFloorFailed(recipients[i], amounts[i]);
        }
    }
}
