// Prisma's schema engine, run from its WebAssembly build: the native binary that `prisma migrate`
// downloads is not available offline. Used by the drift test, never by the running app.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

type WasmBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
type SchemaEngine = import("@prisma/schema-engine-wasm/schema_engine_bg").SchemaEngine;

let bindings: Promise<WasmBindings> | undefined;

function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return bindings;
}

export const schemaPath = "prisma/schema.prisma";

async function schemaFiles() {
  return [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
}

async function withEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const glue = await loadBindings();
  const files = await schemaFiles();
  const engine = await glue.SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content]) },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

const noFilters = { externalTables: [], externalEnums: [] };

/** What would have to run on the connected database to match schema.prisma: empty when in sync. */
export async function driftFromSchema(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const files = await schemaFiles();
  return withEngine(adapterFactory, async (engine) => {
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: process.cwd() },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? "";
  });
}
