// A Chainlink request's parameters: the `data` of an OracleRequest log, which ChainlinkClient writes as the entries of
// a CBOR map without the map's header ("diet" CBOR), read as Chainlink's node reads it. Only what CBOR needs for that.
import { InvalidInputError } from "@poolnet/sdk";
import { hexToBytes, type Hex } from "viem";

/** A decoded CBOR item: integers (tagged bignums included) as bigint, byte strings as Uint8Array, maps as Map. */
export type CborValue =
  bigint | number | string | boolean | null | undefined | Uint8Array | CborValue[] | Map<string, CborValue>;

export type RequestParameters = Map<string, CborValue>;

/** The request's data is not CBOR a Chainlink node would read. */
export class RequestParametersError extends InvalidInputError {
  override name = "RequestParametersError";
}

// nesting past this is no request's: refuse it rather than recurse on a requester's say
const MAX_DEPTH = 16;
const BREAK = Symbol("break");

/**
 * Decodes a request's parameters. As Chainlink's node does (`ParseDietCBOR`): an empty buffer is no parameters, a
 * buffer that does not start with a map is the entries of one (what ChainlinkClient writes), and a buffer that does
 * is that map. Keys must be text; a key given twice keeps its last value. Throws RequestParametersError otherwise.
 */
export function decodeRequestParameters(data: Hex): RequestParameters {
  let bytes = hexToBytes(data);
  if (bytes.length === 0) return new Map();
  if (bytes[0]! >> 5 !== 5) {
    const wrapped = new Uint8Array(bytes.length + 2);
    wrapped.set(bytes, 1);
    wrapped[0] = 0xbf; // an indefinite-length map…
    wrapped[wrapped.length - 1] = 0xff; // …and its break
    bytes = wrapped;
  }
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.offset !== bytes.length) {
    throw new RequestParametersError(`${bytes.length - reader.offset} bytes follow the request's parameters`);
  }
  if (!(value instanceof Map)) throw new RequestParametersError("the request's parameters are not a map");
  return value;
}

/**
 * The request's `times` (Chainlink's multiply task's parameter), when it has one: a positive whole number written as
 * a CBOR integer or as decimal digits. Throws RequestParametersError for anything else.
 */
export function requestTimes(parameters: RequestParameters): bigint | undefined {
  const times = parameters.get("times");
  if (times === undefined) return undefined;
  let value: bigint | undefined;
  if (typeof times === "bigint") value = times;
  else if (typeof times === "number" && Number.isSafeInteger(times)) value = BigInt(times);
  else if (typeof times === "string" && /^\d{1,78}$/.test(times.trim())) value = BigInt(times.trim());
  if (value === undefined || value <= 0n) {
    throw new RequestParametersError(`times must be a positive whole number, not ${describe(times)}`);
  }
  return value;
}

function describe(value: CborValue): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Map) return "a map";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
}

class Reader {
  offset = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  item(depth: number): CborValue {
    const value = this.#itemOrBreak(depth);
    if (value === BREAK) throw new RequestParametersError(`an unexpected break at byte ${this.offset - 1}`);
    return value;
  }

  #itemOrBreak(depth: number): CborValue | typeof BREAK {
    if (depth > MAX_DEPTH) throw new RequestParametersError(`the parameters nest deeper than ${MAX_DEPTH} levels`);
    const initial = this.#take(1)[0]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return this.#simple(info);
    if (info === 31) return this.#indefinite(major, depth);
    const argument = this.#argument(info);
    switch (major) {
      case 0:
        return argument;
      case 1:
        return -1n - argument;
      case 2:
        return this.#take(this.#length(argument)).slice();
      case 3:
        return this.#text(this.#take(this.#length(argument)));
      case 4:
        return Array.from({ length: this.#length(argument) }, () => this.item(depth + 1));
      case 5: {
        const map = new Map<string, CborValue>();
        for (let i = this.#length(argument); i > 0; i--) this.#entry(map, depth);
        return map;
      }
      default: {
        // major 6, a tag: 2 and 3 are bignums (ChainlinkClient's integers past 64 bits); others read as their content
        const content = this.item(depth + 1);
        if (argument !== 2n && argument !== 3n) return content;
        if (!(content instanceof Uint8Array)) throw new RequestParametersError("a bignum that is not a byte string");
        const magnitude = content.length === 0 ? 0n : BigInt(`0x${Buffer.from(content).toString("hex")}`);
        return argument === 2n ? magnitude : -1n - magnitude;
      }
    }
  }

  #indefinite(major: number, depth: number): CborValue {
    if (major === 4) {
      const items: CborValue[] = [];
      for (let item = this.#itemOrBreak(depth + 1); item !== BREAK; item = this.#itemOrBreak(depth + 1)) {
        items.push(item);
      }
      return items;
    }
    if (major === 5) {
      const map = new Map<string, CborValue>();
      while (this.#bytes[this.offset] !== 0xff) this.#entry(map, depth);
      this.offset += 1;
      return map;
    }
    if (major === 2 || major === 3) {
      const chunks: Uint8Array[] = [];
      for (;;) {
        const next = this.#take(1)[0]!;
        if (next === 0xff) break;
        if (next >> 5 !== major || (next & 0x1f) === 31) throw new RequestParametersError("a malformed string chunk");
        chunks.push(this.#take(this.#length(this.#argument(next & 0x1f))));
      }
      const joined = Buffer.concat(chunks);
      return major === 2 ? new Uint8Array(joined) : this.#text(joined);
    }
    throw new RequestParametersError(`major type ${major} cannot have an indefinite length`);
  }

  #entry(map: Map<string, CborValue>, depth: number): void {
    if (this.offset >= this.#bytes.length) throw new RequestParametersError("the parameters end inside a map");
    const key = this.item(depth + 1);
    if (typeof key !== "string") throw new RequestParametersError(`a map key that is not text: ${describe(key)}`);
    map.set(key, this.item(depth + 1));
  }

  #simple(info: number): CborValue | typeof BREAK {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return halfFloat(this.#view.getUint16(this.#advance(2)));
      case 26:
        return this.#view.getFloat32(this.#advance(4));
      case 27:
        return this.#view.getFloat64(this.#advance(8));
      case 31:
        return BREAK;
      default:
        throw new RequestParametersError(`an unsupported simple value ${info}`);
    }
  }

  #argument(info: number): bigint {
    if (info < 24) return BigInt(info);
    if (info === 24) return BigInt(this.#view.getUint8(this.#advance(1)));
    if (info === 25) return BigInt(this.#view.getUint16(this.#advance(2)));
    if (info === 26) return BigInt(this.#view.getUint32(this.#advance(4)));
    if (info === 27) return this.#view.getBigUint64(this.#advance(8));
    throw new RequestParametersError(`a reserved additional information value ${info}`);
  }

  /** A length that fits in what is left (every item takes at least a byte): no allocation on a requester's say. */
  #length(argument: bigint): number {
    if (argument > BigInt(this.#bytes.length - this.offset)) {
      throw new RequestParametersError(`a length of ${argument} past the end of the parameters`);
    }
    return Number(argument);
  }

  #text(bytes: Uint8Array): string {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new RequestParametersError("a text string that is not UTF-8");
    }
  }

  #take(length: number): Uint8Array {
    return this.#bytes.subarray(this.#advance(length), this.offset);
  }

  #advance(length: number): number {
    const start = this.offset;
    if (start + length > this.#bytes.length) throw new RequestParametersError("the parameters end inside an item");
    this.offset = start + length;
    return start;
  }
}

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
