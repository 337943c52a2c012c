// The rules pool metadata must follow to be served: a JSON schema published for operators, and the validator that
// enforces it (and what a JSON schema cannot say: no markup, no control or bidi characters, URL schemes).

/** The most bytes a metadata document may have; a fetch stops reading past it. */
export const METADATA_MAX_BYTES = 8192;

/** Longest value, in Unicode code points, of each field. */
export const METADATA_FIELD_LIMITS = {
  name: 64,
  description: 500,
  website: 200,
  logo: 200,
  contact: 200,
} as const;

/** URL schemes `website` and `logo` may use. */
export const METADATA_URL_SCHEMES = ["https:", "ipfs:"] as const;

export type PoolMetadata = {
  name: string;
  description?: string;
  website?: string;
  logo?: string;
  contact?: string;
};

export type MetadataField = keyof PoolMetadata;

const fields = Object.keys(METADATA_FIELD_LIMITS) as MetadataField[];

/** The JSON schema (draft 2020-12) operators write their metadata against; served as `/metadata/schema.json`. */
export const metadataSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://poolnet.invalid/schemas/pool-metadata.json",
  title: "Pool metadata",
  description:
    `A pool's self-description, published at its metaDataUrl; the keccak256 of the exact bytes must equal the ` +
    `pool's on-chain metaDataContentHash. At most ${METADATA_MAX_BYTES} bytes of UTF-8 JSON (no byte-order mark), ` +
    "served as application/json. No string may contain '<', '>', control or bidirectional-override characters, or " +
    "a javascript:, data:, vbscript: or file: URL.",
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: {
      type: "string",
      minLength: 1,
      maxLength: METADATA_FIELD_LIMITS.name,
      description: "The pool's display name; not blank.",
    },
    description: { type: "string", maxLength: METADATA_FIELD_LIMITS.description },
    website: {
      type: "string",
      maxLength: METADATA_FIELD_LIMITS.website,
      pattern: "^(https|ipfs)://",
      description: "An https:// or ipfs:// URL, without user name or password.",
    },
    logo: {
      type: "string",
      maxLength: METADATA_FIELD_LIMITS.logo,
      pattern: "^(https|ipfs)://",
      description: "An https:// or ipfs:// URL of an image, without user name or password.",
    },
    contact: {
      type: "string",
      maxLength: METADATA_FIELD_LIMITS.contact,
      description: "How to reach the operator: an e-mail address, a handle or an https:// URL.",
    },
  },
} as const;

export type MetadataRuleViolation = { field: MetadataField | undefined; problem: string };

export type MetadataValidation =
  { valid: true; metadata: PoolMetadata } | { valid: false; violation: MetadataRuleViolation; message: string };

// C0 and C1 controls (tab and newline included: none of these fields is multi-line text meant for layout), and the
// bidirectional overrides and isolates that can make a name read as another
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/u;
// a browser ignores whitespace and controls inside a scheme ("java\tscript:"), so this looks past them; data: and
// file: only count when a URL follows ("data:text/html,…"), so "our data: fresh" stays a sentence
const dangerousScheme =
  /(?<![a-z])(?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:|v\s*b\s*s\s*c\s*r\s*i\s*p\s*t\s*:|(?:data|file):(?=\S))/iu;

/** Checks a parsed JSON value against the metadata rules; the first violation found is reported in one sentence. */
export function validateMetadata(value: unknown): MetadataValidation {
  const fail = (field: MetadataField | undefined, problem: string): MetadataValidation => ({
    valid: false,
    violation: { field, problem },
    message: field === undefined ? `the metadata ${problem}` : `the metadata's ${field} ${problem}`,
  });
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(undefined, "is not an object");
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(fields as string[]).includes(key)) {
      return fail(undefined, `has a field the rules do not allow: ${JSON.stringify(key.slice(0, 40))}`);
    }
  }
  if (!("name" in record)) return fail("name", "is missing");
  const metadata: Record<string, string> = {};
  for (const field of fields) {
    if (!(field in record)) continue;
    const text = record[field];
    if (typeof text !== "string") return fail(field, "is not a string");
    const length = [...text].length;
    if (length > METADATA_FIELD_LIMITS[field]) {
      return fail(field, `is ${length} characters long, more than the ${METADATA_FIELD_LIMITS[field]} allowed`);
    }
    if (forbiddenCharacters.test(text)) {
      return fail(field, "contains markup ('<' or '>'), a control character or a bidirectional override");
    }
    if (dangerousScheme.test(text)) return fail(field, "contains a javascript:, vbscript:, data: or file: URL");
    metadata[field] = text;
  }
  if (metadata.name!.trim() === "") return fail("name", "is blank");
  for (const field of ["website", "logo"] as const) {
    const text = metadata[field];
    if (text === undefined) continue;
    const problem = urlProblem(text);
    if (problem !== undefined) return fail(field, problem);
  }
  return { valid: true, metadata: metadata as PoolMetadata };
}

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL";
  }
  if (!(METADATA_URL_SCHEMES as readonly string[]).includes(url.protocol)) {
    return `must be an https:// or ipfs:// URL, not ${url.protocol}`;
  }
  if (!text.toLowerCase().startsWith(`${url.protocol}//`)) return "must be an https:// or ipfs:// URL";
  if (url.username !== "" || url.password !== "") return "must not carry a user name or password";
  return undefined;
}
