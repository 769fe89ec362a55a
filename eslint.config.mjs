// ESLint for the whole code base: `npm run lint` runs it after prettier. Why these rules: docs/decisions/019-eslint-type-checked.md.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const tests = ["**/*.test.ts", "e2e/**"];

export default defineConfig(
  globalIgnores([
    "lib/db/generated/",
    ".next/",
    ".data/",
    "node_modules/",
    "next-env.d.ts",
    "test-results/",
    "playwright-report/",
    "blob-report/",
    "e2e/screenshots/",
  ]),
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // From strictTypeChecked: a deprecated API is one the next major version removes.
      "@typescript-eslint/no-deprecated": "error",
      // `async` without `await` still turns a throw into a rejected promise and fits a signature that
      // wants a promise (route handlers that only throw, store hooks, test doubles).
      "@typescript-eslint/require-await": "off",
      // React ignores what an event handler returns; each async handler here settles its own errors.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // A test reads response bodies parsed from JSON (`any`, from `Response.json()` and lib/testing/api.ts)
    // and checks each value it reads with `expect`; a cast to a hand-written type would check less.
    files: tests,
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // The few JavaScript files (config and launcher scripts) are outside tsconfig: linted without types.
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // React code lives only here (lib/ imports no React); elsewhere a function named `use…` is no hook
    // (Playwright's fixture `use`, the logger's `useLogger`).
    files: ["app/**/*.tsx", "components/**"],
    extends: [reactHooks.configs.flat.recommended],
  },
  nextPlugin.configs["core-web-vitals"],
);
