// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC677, IERC677Receiver} from "../interfaces/IERC677.sol";

/// @title StakingToken: the stake and reward token of local networks, an ERC-20 with ERC-677 `transferAndCall`.
/// @dev On a public network the deployment points at an existing ERC-677 token (LINK) instead.
contract StakingToken is ERC20, IERC677 {
    /// @param name_ token name
    /// @param symbol_ token symbol
    /// @param holder receives the whole fixed supply
    /// @param supply fixed supply in wei; there is no mint after deployment
    constructor(string memory name_, string memory symbol_, address holder, uint256 supply) ERC20(name_, symbol_) {
        _mint(holder, supply);
    }

    /// @inheritdoc IERC677
    /// @dev Requirements: the same as `transfer`; if `to` has code, its `onTokenTransfer` must not revert.
    function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool success) {
        _transfer(msg.sender, to, value);
        emit Transfer(msg.sender, to, value, data);
        if (to.code.length != 0) {
            IERC677Receiver(to).onTokenTransfer(msg.sender, value, data);
        }
        return true;
    }
}
