// scrypt (RFC 7914) in JavaScript, for the parameters OpenSSL refuses: it requires N < 2^(16·r), so the Web3 Secret
// Storage test vector (N = 2^18, r = 1, p = 8) and keystores written with it cannot be read through node:crypto.
import { pbkdf2Sync } from "node:crypto";

export type ScryptParameters = { n: number; r: number; p: number; dklen: number };

/** scrypt(password, salt, N, r, p, dkLen), synchronously; N must be a power of 2 above 1. */
export function scryptJs(password: Uint8Array, salt: Uint8Array, { n, r, p, dklen }: ScryptParameters): Buffer {
  const blockWords = 32 * r;
  const b = pbkdf2Sync(password, salt, 1, p * 128 * r, "sha256");
  const words = new Uint32Array(p * blockWords);
  for (let i = 0; i < words.length; i++) words[i] = b.readUInt32LE(4 * i);
  const v = new Uint32Array(n * blockWords);
  const x = new Uint32Array(blockWords);
  const y = new Uint32Array(blockWords);
  for (let block = 0; block < p; block++) {
    const offset = block * blockWords;
    x.set(words.subarray(offset, offset + blockWords));
    for (let i = 0; i < n; i++) {
      v.set(x, i * blockWords);
      blockMix(x, y, r);
    }
    for (let i = 0; i < n; i++) {
      // Integerify: the first word of the last 64-byte block; N ≤ 2^32 so its low word is enough
      const j = x[blockWords - 16]! & (n - 1);
      for (let k = 0; k < blockWords; k++) x[k]! ^= v[j * blockWords + k]!;
      blockMix(x, y, r);
    }
    words.set(x, offset);
  }
  for (let i = 0; i < words.length; i++) b.writeUInt32LE(words[i]!, 4 * i);
  return pbkdf2Sync(password, b, 1, dklen, "sha256");
}

/** BlockMix_{Salsa20/8, r} of `b` in place; `y` is scratch of the same size. */
function blockMix(b: Uint32Array, y: Uint32Array, r: number): void {
  const t = b.slice((2 * r - 1) * 16, 2 * r * 16);
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) t[k]! ^= b[i * 16 + k]!;
    salsa208(t);
    // even blocks first, then odd ones
    y.set(t, ((i & 1) * r + (i >> 1)) * 16);
  }
  b.set(y);
}

// the quarter-rounds read best four to a line, as in RFC 7914's reference code
// prettier-ignore
function salsa208(b: Uint32Array): void {
  let x0 = b[0]!, x1 = b[1]!, x2 = b[2]!, x3 = b[3]!, x4 = b[4]!, x5 = b[5]!, x6 = b[6]!, x7 = b[7]!;
  let x8 = b[8]!, x9 = b[9]!, x10 = b[10]!, x11 = b[11]!, x12 = b[12]!, x13 = b[13]!, x14 = b[14]!, x15 = b[15]!;
  const rotl = (a: number, s: number) => (a << s) | (a >>> (32 - s));
  for (let i = 0; i < 8; i += 2) {
    x4 ^= rotl((x0 + x12) | 0, 7); x8 ^= rotl((x4 + x0) | 0, 9); x12 ^= rotl((x8 + x4) | 0, 13); x0 ^= rotl((x12 + x8) | 0, 18);
    x9 ^= rotl((x5 + x1) | 0, 7); x13 ^= rotl((x9 + x5) | 0, 9); x1 ^= rotl((x13 + x9) | 0, 13); x5 ^= rotl((x1 + x13) | 0, 18);
    x14 ^= rotl((x10 + x6) | 0, 7); x2 ^= rotl((x14 + x10) | 0, 9); x6 ^= rotl((x2 + x14) | 0, 13); x10 ^= rotl((x6 + x2) | 0, 18);
    x3 ^= rotl((x15 + x11) | 0, 7); x7 ^= rotl((x3 + x15) | 0, 9); x11 ^= rotl((x7 + x3) | 0, 13); x15 ^= rotl((x11 + x7) | 0, 18);
    x1 ^= rotl((x0 + x3) | 0, 7); x2 ^= rotl((x1 + x0) | 0, 9); x3 ^= rotl((x2 + x1) | 0, 13); x0 ^= rotl((x3 + x2) | 0, 18);
    x6 ^= rotl((x5 + x4) | 0, 7); x7 ^= rotl((x6 + x5) | 0, 9); x4 ^= rotl((x7 + x6) | 0, 13); x5 ^= rotl((x4 + x7) | 0, 18);
    x11 ^= rotl((x10 + x9) | 0, 7); x8 ^= rotl((x11 + x10) | 0, 9); x9 ^= rotl((x8 + x11) | 0, 13); x10 ^= rotl((x9 + x8) | 0, 18);
    x12 ^= rotl((x15 + x14) | 0, 7); x13 ^= rotl((x12 + x15) | 0, 9); x14 ^= rotl((x13 + x12) | 0, 13); x15 ^= rotl((x14 + x13) | 0, 18);
  }
  b[0]! += x0; b[1]! += x1; b[2]! += x2; b[3]! += x3; b[4]! += x4; b[5]! += x5; b[6]! += x6; b[7]! += x7;
  b[8]! += x8; b[9]! += x9; b[10]! += x10; b[11]! += x11; b[12]! += x12; b[13]! += x13; b[14]! += x14; b[15]! += x15;
}
