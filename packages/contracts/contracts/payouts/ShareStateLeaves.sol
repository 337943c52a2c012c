// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ShareStateLeaves: the leaves of the share-state Merkle trees, in OpenZeppelin's standard tree format, and the
/// compact calldata the batch paths take.
/// @notice A leaf is `keccak256(bytes.concat(keccak256(abi.encode(...values))))`: hashed twice over 64 or 96 bytes, so
/// no 64-byte inner node (`keccak256(a ‖ b)`, one hash) can ever be presented as a leaf.
/// - Posted share state: `(uint256 index, address miner, uint256 score)`, with `index < 2^32` (the bit of the paid
///   bitmap) and `score < 2^64`; a batch entry packs them into one word: `index << 224 | score << 160 | miner`.
/// - Cumulative share state: `(address miner, uint256 cumulative)`, with `cumulative < 2^96` in a batch entry:
///   `cumulative << 160 | miner`.
/// Proof flags come packed, bit `i % 256` of word `i / 256` being flag `i`: an ABI `bool` costs 32 bytes of calldata
/// (~140 gas), a bit costs nothing measurable.
/// A batch's multiproof is checked by `processMultiProof`: OpenZeppelin's `MerkleProof.processMultiProof` algorithm
/// (same proofs, same sorted-pair keccak, same refusals) in assembly, reading the packed flags in place. Measured on
/// 2,239 leaves, OpenZeppelin's costs 654 gas a leaf (plus 128 to unpack the flags into `bool[]`), this one ~150: the
/// difference is what keeps a payout to an existing holder within 1.1x of a bare transfer. The tests check both agree.
library ShareStateLeaves {
    /// @notice The flag words are not `ceil(count / 256)` long, or bits beyond `count` are set.
    error ShareStateLeavesInvalidFlags(uint256 words, uint256 count);
    /// @notice The multiproof is malformed: it runs out of proof elements, reads a hash not yet computed, or leaves
    /// proof elements unused (OpenZeppelin's `MerkleProofInvalidMultiproof`, or its out-of-bounds panic).
    error ShareStateLeavesInvalidMultiproof();

    /// @dev The posted share state's leaf of a packed entry.
    function postedLeaf(uint256 entry) internal pure returns (bytes32 leaf) {
        return postedLeaf(entry >> 224, address(uint160(entry)), uint64(entry >> 160));
    }

    /// @dev `keccak256(bytes.concat(keccak256(abi.encode(index, miner, score))))`, hashed in scratch memory past the
    /// free pointer without allocating (gas savings: the batch path hashes one leaf per miner).
    function postedLeaf(uint256 index, address miner, uint256 score) internal pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, index)
            mstore(add(ptr, 0x20), and(miner, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x40), score)
            mstore(ptr, keccak256(ptr, 0x60))
            leaf := keccak256(ptr, 0x20)
        }
    }

    /// @dev The cumulative share state's leaf of a packed entry.
    function cumulativeLeaf(uint256 entry) internal pure returns (bytes32 leaf) {
        return cumulativeLeaf(address(uint160(entry)), entry >> 160);
    }

    /// @dev `keccak256(bytes.concat(keccak256(abi.encode(miner, cumulative))))`, as `postedLeaf`.
    function cumulativeLeaf(address miner, uint256 cumulative) internal pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, and(miner, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x20), cumulative)
            mstore(ptr, keccak256(ptr, 0x40))
            leaf := keccak256(ptr, 0x20)
        }
    }

    /// @dev The root that `leaves` (at least one), `proof` and the packed flags (`leaves.length + proof.length − 1` of
    /// them) rebuild, as OpenZeppelin's `MerkleProof.processMultiProof` computes it: a queue of the leaves then the
    /// hashes made, each step hashing the queue's next with either the queue's next after it (flag set) or the next
    /// proof element. The hashes are written past the free pointer without allocating (nothing is allocated after).
    function processMultiProof(
        bytes32[] calldata proof,
        uint256[] calldata flagWords,
        bytes32[] memory leaves
    ) internal pure returns (bytes32 root) {
        uint256 leavesLength = leaves.length;
        if (leavesLength == 0) revert ShareStateLeavesInvalidMultiproof();
        uint256 steps = leavesLength + proof.length - 1;
        checkFlags(flagWords, steps);
        if (steps == 0) return leaves[0];
        bool malformed;
        uint256 proofAt;
        uint256 proofEnd;
        uint256 flagsAt;
        assembly ("memory-safe") {
            proofAt := proof.offset
            proofEnd := add(proof.offset, shl(5, proof.length))
            flagsAt := flagWords.offset
        }
        (root, malformed) = _rebuild(proofAt, proofEnd, flagsAt, leaves, steps);
        if (malformed) revert ShareStateLeavesInvalidMultiproof();
    }

    /// @dev `processMultiProof`'s loop, apart so that its state fits the stack.
    /// Proof elements are read from calldata `proofAt` .. `proofEnd`, flag words from `flagsAt`.
    // solhint-disable-next-line function-max-lines
    function _rebuild(
        uint256 proofAt,
        uint256 proofEnd,
        uint256 flagsAt,
        bytes32[] memory leaves,
        uint256 steps
    ) private pure returns (bytes32 root, bool malformed) {
        assembly ("memory-safe") {
            let hashes := mload(0x40)
            let leafAt := add(leaves, 0x20)
            let leavesEnd := add(leafAt, shl(5, mload(leaves)))
            let hashAt := hashes
            for {
                let i := 0
            } lt(i, steps) {
                i := add(i, 1)
            } {
                let a
                switch lt(leafAt, leavesEnd)
                case 1 {
                    a := mload(leafAt)
                    leafAt := add(leafAt, 0x20)
                }
                default {
                    // a hash not yet made: OpenZeppelin would read its zeroed array; no valid proof does
                    malformed := or(malformed, iszero(lt(hashAt, add(hashes, shl(5, i)))))
                    a := mload(hashAt)
                    hashAt := add(hashAt, 0x20)
                }
                let b
                switch and(shr(and(i, 255), calldataload(add(flagsAt, shl(5, shr(8, i))))), 1)
                case 1 {
                    switch lt(leafAt, leavesEnd)
                    case 1 {
                        b := mload(leafAt)
                        leafAt := add(leafAt, 0x20)
                    }
                    default {
                        malformed := or(malformed, iszero(lt(hashAt, add(hashes, shl(5, i)))))
                        b := mload(hashAt)
                        hashAt := add(hashAt, 0x20)
                    }
                }
                default {
                    malformed := or(malformed, iszero(lt(proofAt, proofEnd)))
                    b := calldataload(proofAt)
                    proofAt := add(proofAt, 0x20)
                }
                // OpenZeppelin's `Hashes.commutativeKeccak256`: the pair sorted, in scratch memory
                mstore(0x00, xor(a, mul(xor(a, b), gt(a, b))))
                mstore(0x20, xor(xor(a, b), mload(0x00)))
                mstore(add(hashes, shl(5, i)), keccak256(0x00, 0x40))
            }
            malformed := or(malformed, iszero(eq(proofAt, proofEnd)))
            root := mload(add(hashes, shl(5, sub(steps, 1))))
        }
    }

    /// @dev Refuses flag words other than `ceil(count / 256)` of them, or a bit set beyond `count`, so that a proof
    /// has one encoding.
    function checkFlags(uint256[] calldata words, uint256 count) internal pure {
        uint256 wordCount = words.length;
        if (wordCount != (count + 255) >> 8) revert ShareStateLeavesInvalidFlags(wordCount, count);
        if (count & 255 != 0 && words[wordCount - 1] >> (count & 255) != 0) {
            revert ShareStateLeavesInvalidFlags(wordCount, count);
        }
    }

    /// @dev The `count` flags of a multiproof as OpenZeppelin's `bool[]`, from their packed words (for the tests that
    /// check `processMultiProof` against OpenZeppelin's).
    function unpackFlags(uint256[] calldata words, uint256 count) internal pure returns (bool[] memory flags) {
        checkFlags(words, count);
        flags = new bool[](count);
        // gas savings: no bounds checks, the lengths were checked above
        assembly ("memory-safe") {
            let out := add(flags, 0x20)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                let word := calldataload(add(words.offset, shl(5, shr(8, i))))
                mstore(add(out, shl(5, i)), and(shr(and(i, 255), word), 1))
            }
        }
    }
}
