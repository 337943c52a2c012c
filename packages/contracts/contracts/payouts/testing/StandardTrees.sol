// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title StandardTrees: OpenZeppelin's standard Merkle tree (`@openzeppelin/merkle-tree`, `sortLeaves: false`) built
/// in Solidity, for the tests: the tree as an array in heap order, leaf i at position `2n - 2 - i`, each node the
/// sorted pair hash of its children.
library StandardTrees {
    /// @dev The whole tree of `leaves` (at least one); its root is `tree[0]`.
    function build(bytes32[] memory leaves) internal pure returns (bytes32[] memory tree) {
        uint256 n = leaves.length;
        tree = new bytes32[](2 * n - 1);
        for (uint256 i; i < n; ++i) tree[2 * n - 2 - i] = leaves[i];
        for (uint256 k = n - 1; k > 0; --k) tree[k - 1] = hashPair(tree[2 * k - 1], tree[2 * k]);
    }

    /// @dev The single proof of leaf `index` (its siblings, bottom up); also the multiproof of that leaf alone, with
    /// every flag false.
    function proof(bytes32[] memory tree, uint256 index) internal pure returns (bytes32[] memory siblings) {
        uint256 at = tree.length - 1 - index;
        uint256 depth;
        for (uint256 i = at; i > 0; i = (i - 1) / 2) ++depth;
        siblings = new bytes32[](depth);
        for (uint256 d; d < depth; ++d) {
            siblings[d] = tree[at % 2 == 1 ? at + 1 : at - 1];
            at = (at - 1) / 2;
        }
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
