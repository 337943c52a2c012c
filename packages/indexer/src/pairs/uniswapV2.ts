// What the indexer reads of Uniswap-v2 pairs and of ERC-20 tokens (the v2-core interface, written out so the indexer
// does not depend on the package that ships the compiled contracts).
import { parseAbi } from "viem";

export const uniswapV2PairAbi = parseAbi([
  "event Mint(address indexed sender, uint256 amount0, uint256 amount1)",
  "event Burn(address indexed sender, uint256 amount0, uint256 amount1, address indexed to)",
  "event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)",
  "event Sync(uint112 reserve0, uint112 reserve1)",
  "function token0() view returns (address)",
  "function token1() view returns (address)",
  "function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)",
]);

export const erc20MetadataAbi = parseAbi([
  "function symbol() view returns (string)",
  "function name() view returns (string)",
  "function decimals() view returns (uint8)",
]);

/** Tokens of 2017 (MKR, SAI) that return their name and symbol as bytes32. */
export const erc20Bytes32MetadataAbi = parseAbi([
  "function symbol() view returns (bytes32)",
  "function name() view returns (bytes32)",
]);

/** The share of a swap's input a v2 pair keeps as its fee: 3 / 1000. */
export const FEE_NUMERATOR = 3n;
export const FEE_DENOMINATOR = 1000n;
