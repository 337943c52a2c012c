import assert from "node:assert/strict";
import { test } from "node:test";
import { METADATA_FIELD_LIMITS, metadataSchema, validateMetadata } from "./rules.ts";

test("takes the demo pools' metadata and every field within its limits", () => {
  assert.deepEqual(validateMetadata({ name: "Atlas", description: "Large, low-commission pool with room to grow" }), {
    valid: true,
    metadata: { name: "Atlas", description: "Large, low-commission pool with room to grow" },
  });
  const full = {
    name: "n".repeat(64),
    description: "Ünïcode counts by code point: 😀".padEnd(500, "."),
    website: "https://example.org/pool",
    logo: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/logo.png",
    contact: "ops@example.org",
  };
  assert.deepEqual(validateMetadata(full), { valid: true, metadata: full });
  const prose = { name: "A", description: "Our data: fresh every block; metadata:ok" };
  assert.deepEqual(validateMetadata(prose), { valid: true, metadata: prose });
});

const violations: [string, unknown, string][] = [
  ["an array", [], "the metadata is not an object"],
  ["null", null, "the metadata is not an object"],
  ["no name", { description: "x" }, "the metadata's name is missing"],
  ["a blank name", { name: "   " }, "the metadata's name is blank"],
  ["a number for a name", { name: 7 }, "the metadata's name is not a string"],
  ["an unknown field", { name: "A", admin: true }, 'the metadata has a field the rules do not allow: "admin"'],
  [
    "a name one too long",
    { name: "n".repeat(65) },
    "the metadata's name is 65 characters long, more than the 64 allowed",
  ],
  [
    "a description one too long",
    { name: "A", description: "😀".repeat(501) },
    "the metadata's description is 501 characters long, more than the 500 allowed",
  ],
  [
    "markup",
    { name: "<img src=x onerror=alert(1)>" },
    "the metadata's name contains markup ('<' or '>'), a control character or a bidirectional override",
  ],
  [
    "a newline",
    { name: "A", description: "line\nbreak" },
    "the metadata's description contains markup ('<' or '>'), a control character or a bidirectional override",
  ],
  [
    "a right-to-left override",
    { name: "Pool\u202Egnp.exe" },
    "the metadata's name contains markup ('<' or '>'), a control character or a bidirectional override",
  ],
  [
    "javascript: in the contact",
    { name: "A", contact: "JavaScript:alert(1)" },
    "the metadata's contact contains a javascript:, vbscript:, data: or file: URL",
  ],
  [
    "a spaced-out javascript: scheme",
    { name: "A", description: "click j a v a s c r i p t :x" },
    "the metadata's description contains a javascript:, vbscript:, data: or file: URL",
  ],
  [
    "a file: URL in the description",
    { name: "A", description: "see file:///etc/passwd" },
    "the metadata's description contains a javascript:, vbscript:, data: or file: URL",
  ],
  [
    "a data: logo",
    { name: "A", logo: "data:image/svg+xml;base64,PHN2Zz4=" },
    "the metadata's logo contains a javascript:, vbscript:, data: or file: URL",
  ],
  [
    "an http: website",
    { name: "A", website: "http://example.org" },
    "the metadata's website must be an https:// or ipfs:// URL, not http:",
  ],
  ["a website that is no URL", { name: "A", website: "example.org" }, "the metadata's website is not a URL"],
  [
    "credentials in a URL",
    { name: "A", website: "https://user:pw@example.org" },
    "the metadata's website must not carry a user name or password",
  ],
  [
    "https without slashes",
    { name: "A", logo: "https:example.org/logo.png" },
    "the metadata's logo must be an https:// or ipfs:// URL",
  ],
];

for (const [what, value, message] of violations) {
  test(`refuses ${what}`, () => {
    const result = validateMetadata(value);
    assert.equal(result.valid, false);
    assert.equal(!result.valid && result.message, message);
  });
}

test("the published schema states the same limits the validator enforces", () => {
  for (const [field, limit] of Object.entries(METADATA_FIELD_LIMITS)) {
    assert.equal(metadataSchema.properties[field as keyof typeof METADATA_FIELD_LIMITS].maxLength, limit);
    assert.equal(validateMetadata({ name: "A", [field]: "a".repeat(limit + 1) }).valid, false, field);
  }
  assert.deepEqual(metadataSchema.required, ["name"]);
  assert.equal(metadataSchema.additionalProperties, false);
});
