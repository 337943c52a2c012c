// JSON in and out of price APIs without losing a price's digits to a float.

type ReviverContext = { source?: string };

/**
 * `JSON.parse`, except that a number that is not a safe integer keeps its exact source text as a string:
 * `{"usd":7.123456789012345678}` reads as `{ usd: "7.123456789012345678" }`, where a float would keep 16 digits.
 * Small integers (status codes, counts) stay numbers. Throws a SyntaxError like `JSON.parse`.
 */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: ReviverContext) =>
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined ? context.source : value,
  );
}

/**
 * A number written into JSON text exactly as given, `7.12` and not `"7.12"`: the price APIs send their prices as
 * JSON numbers, and a float would round a price the source means to show exactly.
 */
export function jsonNumber(decimal: string): unknown {
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(decimal);
}

/** The value at `path` in a parsed JSON body, or undefined when any step is missing or not an object. */
export function valueAt(body: unknown, path: readonly (string | number)[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** `data.LINK.quote.USD.price`, `result.LINKUSD.c[0]`: a path as people read it in an API's documentation. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}
