// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorInterface} from "./AggregatorInterface.sol";
import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

// Chainlink's name, kept so that consumers written against Chainlink's interfaces compile against ours unchanged
// solhint-disable interface-starts-with-i

/// @title AggregatorV2V3Interface: both of Chainlink's price-feed read interfaces, as every Chainlink feed serves them.
interface AggregatorV2V3Interface is AggregatorInterface, AggregatorV3Interface {}
