// ESLint flat config: typescript-eslint's strict, type-aware rules for every package.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "packages/contracts/artifacts/**",
      "packages/contracts/cache/**",
      "packages/contracts/types/**",
      "packages/sdk/src/generated/**",
      ".poolnet/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
