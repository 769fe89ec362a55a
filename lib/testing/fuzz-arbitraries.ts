// fast-check arbitraries for the fuzzer: values for any JSON Schema of the OpenAPI document, each
// string among them sometimes carrying a character that breaks storage or parsing (control
// characters, lone surrogates), plus instants, versions and cursors at the edges of what can be held.
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  example?: unknown;
}

/** Characters that break storage or parsing: PostgreSQL's text refuses NUL and cannot hold a lone surrogate. */
export const hostileCharacters = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u001f",
  "\u007f",
  "\u0085",
  "\u009f",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\udc00\ud800",
  "\ufeff",
  "\ufffe",
  "\uffff",
  "\u200b",
  "\u202e",
  "\u2028",
  "😀",
];

/** Strings that break parsers on their own: SQL, HTML, numbers that are not quite numbers, path tricks. */
const nastyStrings = [
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "null",
  "true",
  "[]",
  "{}",
  "%",
  "%ZZ",
  "..%2F..%2Fetc%2Fpasswd",
  "'; DROP TABLE events;--",
  "<script>alert(1)</script>",
  "\\",
  "\\u0000",
  "9".repeat(400),
];

// The characters PostgreSQL cannot store at all come up most often.
const hostileCharacter = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("\u0000", "\ud800", "\udc00") },
  { weight: 3, arbitrary: fc.constantFrom(...hostileCharacters) },
);

/** A string with one hostile character somewhere in it: valid-looking otherwise, so that it gets past the shape checks. */
export const withHostileCharacter = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(base, hostileCharacter, fc.nat())
    .map(([value, bad, at]) => value.slice(0, at % (value.length + 1)) + bad + value.slice(at % (value.length + 1)));

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...nastyStrings),
  withHostileCharacter(fc.string({ maxLength: 20 })),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...hostileCharacters, "a", " "), maxLength: 8 }),
  fc.integer().map(String),
);

/** Instants at the edges: year 0, before 1970, PostgreSQL's and JavaScript's limits, impossible dates, odd offsets. */
export const edgeInstant: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "0000-01-01",
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00Z",
      "0099-12-31T23:59:59Z",
      "1000-01-01",
      "1969-12-31T23:59:59.999Z",
      "1970-01-01T00:00:00Z",
      "2024-02-29",
      "2025-02-29",
      "2025-02-30T12:00:00Z",
      "2025-01-01T24:00:00Z",
      "2025-01-01T00:00:00+14:00",
      "2025-01-01T00:00:00-23:59",
      "2025-01-01T00:00:00.123456789Z",
      "9999-12-31",
      "9999-12-31T23:59:59.999Z",
      "+275760-09-13T00:00:00Z",
      "-271821-04-20T00:00:00Z",
      "-000001-01-01T00:00:00Z",
      "+010000-01-01T00:00:00Z",
    ),
  },
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  fc.integer({ min: 0, max: 9999 }).map((year) => `${String(year).padStart(4, "0")}-01-01T00:00:00Z`),
);

/** Whole numbers around every limit a version, position or page size could meet. */
export const edgeWholeNumber: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0",
    "1",
    "2",
    "-1",
    "01",
    "1.5",
    "1e3",
    "0x10",
    " 1",
    "+1",
    "999999999",
    "1000000000",
    "2147483647",
    "2147483648",
    "9007199254740991",
    "9007199254740993",
    "999999999999999",
    "1".repeat(40),
  ),
  fc.integer({ min: -5, max: 30 }).map(String),
);

/** base64url of a cursor-like JSON pair: a creation instant and an id, each right or wrong in its own way. */
export const forgedCursor: fc.Arbitrary<string> = fc
  .oneof(
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.constantFrom("-".repeat(36), "0".repeat(36), "f".repeat(36), "00000000-0000-0000-0000-00000000000g"),
      ),
    },
    fc.tuple(
      fc.oneof(edgeInstant, hostileText, fc.constantFrom("Tuesday", "1", "2025")),
      fc.oneof(fc.uuid(), fc.constantFrom("-".repeat(36), "0".repeat(36), "f".repeat(36)), hostileText),
    ),
    fc.jsonValue().map((value) => [value]),
    fc.jsonValue(),
  )
  .map((value) => Buffer.from(JSON.stringify(value) ?? "").toString("base64url"));

/**
 * A plausible value for a string property, by its name where the schema cannot say what is
 * plausible (emails must look like emails, passwords be long enough, to get past the first rule).
 */
function plausibleString(name: string | undefined, schema: JsonSchema): fc.Arbitrary<string> {
  if (name === "email") return fc.uuid().map((id) => `fuzz-${id.slice(0, 8)}@example.com`);
  if (name === "password")
    return fc.string({ minLength: 0, maxLength: 20 }).map((value) => `a long fuzz password ${value}`);
  if (name === "cursor") return forgedCursor;
  if (schema.format === "date-time" || schema.format === "date" || schema.pattern?.includes("-02-29")) {
    return fc.oneof(
      { weight: 2, arbitrary: edgeInstant },
      { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
    );
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from: the other values still cover the field.
    }
  }
  return fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

function stringValue(name: string | undefined, schema: JsonSchema): fc.Arbitrary<string> {
  const plausible = plausibleString(name, schema);
  const atLimits = [schema.maxLength, schema.minLength]
    .filter((limit): limit is number => limit !== undefined)
    .flatMap((limit) => [limit - 1, limit, limit + 1].filter((length) => length >= 0))
    .map((length) => "x".repeat(length));
  return fc.oneof(
    { weight: 5, arbitrary: plausible },
    { weight: 4, arbitrary: withHostileCharacter(plausible) },
    { weight: 1, arbitrary: edgeInstant },
    { weight: 1, arbitrary: edgeWholeNumber },
    { weight: 1, arbitrary: forgedCursor },
    { weight: 2, arbitrary: hostileText },
    ...(atLimits.length ? [{ weight: 1, arbitrary: fc.constantFrom(...atLimits) }] : []),
  );
}

function numberValue(schema: JsonSchema): fc.Arbitrary<number> {
  const edges = [schema.minimum, schema.maximum]
    .filter((limit): limit is number => limit !== undefined)
    .flatMap((limit) => [limit - 1, limit, limit + 1]);
  return fc.oneof(
    fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, Number.MAX_SAFE_INTEGER) }),
    fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -0, ...edges),
  );
}

/** Values for a JSON Schema: mostly of its shape, sometimes of any other (a wrong type is input too). */
export function valueFor(schema: JsonSchema | undefined, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedValueFor(schema ?? {}, name, depth);
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
}

function shapedValueFor(schema: JsonSchema, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length)
    return fc.oneof(...alternatives.map((alternative) => shapedValueFor(alternative, name, depth)));
  if (schema.allOf?.length) return shapedValueFor(Object.assign({}, ...schema.allOf) as JsonSchema, name, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length)
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...schema.enum) },
      { weight: 1, arbitrary: stringValue(name, {}) },
    );
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return stringValue(name, schema);
    case "integer":
    case "number":
      return numberValue(schema);
    case "boolean":
      return fc.boolean();
    case "array":
      return depth > 3 ? fc.constant([]) : fc.array(valueFor(schema.items, name, depth + 1), { maxLength: 3 });
    case "object": {
      if (depth > 3) return fc.constant({});
      const properties = Object.entries(schema.properties ?? {});
      const known = fc.record(
        Object.fromEntries(properties.map(([key, value]) => [key, valueFor(value, key, depth + 1)])),
        {
          requiredKeys: schema.required ?? [],
        },
      );
      const unknown = fc.dictionary(
        fc.oneof(fc.constantFrom("__proto__", "constructor", "extra"), fc.string({ maxLength: 8 })),
        fc.jsonValue({ maxDepth: 1 }),
        {
          maxKeys: 2,
        },
      );
      return fc.oneof(
        { weight: 8, arbitrary: known },
        { weight: 1, arbitrary: fc.tuple(known, unknown).map(([value, extra]) => ({ ...extra, ...value })) },
        // Required properties left out.
        {
          weight: 1,
          arbitrary: fc.record(
            Object.fromEntries(properties.map(([key, value]) => [key, valueFor(value, key, depth + 1)])),
            {
              requiredKeys: [],
            },
          ),
        },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A query parameter's value as the text it travels as. */
export function queryValueFor(schema: JsonSchema | undefined, name: string): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: shapedValueFor(schema ?? {}, name, 0).map((value) =>
        typeof value === "string" ? value : (JSON.stringify(value) ?? ""),
      ),
    },
    { weight: 2, arbitrary: edgeInstant },
    { weight: 2, arbitrary: edgeWholeNumber },
    { weight: 1, arbitrary: forgedCursor },
    { weight: 3, arbitrary: hostileText },
  );
}

/**
 * Percent-encodes any string as WTF-8: a lone surrogate becomes the three bytes UTF-8 would give
 * it (ED A0 80 for U+D800), which no decoder accepts as UTF-8 — the only way one travels in a URL.
 */
export function percentEncode(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes.push(...Buffer.from(value.slice(i, i + 2), "utf8"));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      bytes.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
    } else {
      bytes.push(...Buffer.from(value[i]!, "utf8"));
    }
  }
  return bytes
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, "0").toUpperCase()}`,
    )
    .join("");
}
