// Small helpers shared by the bench:* scripts: run an operation at a given concurrency for a while,
// report throughput and latency percentiles. Benchmarks print figures; they never assert.
import os from "node:os";

export interface Measurement {
  latencies: number[];
  operations: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Runs `operation(worker, iteration)` on `concurrency` workers for `seconds` (after `warmupSeconds`
 * not counted). Latencies in milliseconds.
 */
export async function measure(
  concurrency: number,
  seconds: number,
  operation: (worker: number, iteration: number) => Promise<unknown>,
  warmupSeconds = Math.min(1, seconds / 4),
): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stopping = false;
  const iterations = new Array<number>(concurrency).fill(0);
  const workers = Array.from({ length: concurrency }, async (_, worker) => {
    while (!stopping) {
      const started = performance.now();
      try {
        await operation(worker, iterations[worker]!++);
        if (measuring && !stopping) latencies.push(performance.now() - started);
      } catch (error) {
        if (measuring) errors++;
        if (errors === 1 && measuring)
          console.error(`  first error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  await new Promise((done) => setTimeout(done, warmupSeconds * 1000));
  measuring = true;
  const started = performance.now();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  stopping = true;
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    operations: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
}

/** Adds up measurements of one scenario taken in several rounds. */
export function combine(parts: Measurement[]): Measurement {
  const latencies = parts.flatMap((part) => part.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
  return {
    latencies,
    operations: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
  };
}

/**
 * Measures several scenarios in alternating rounds (A B C A B C …), so that the machine's drift and
 * the database's checkpoints fall on all of them alike. `between` runs before each measurement.
 */
export async function measureInterleaved<Name extends string>(
  scenarios: Record<Name, { concurrency: number; operation: (worker: number, iteration: number) => Promise<unknown> }>,
  options: { rounds: number; secondsPerRound: number; between?: () => Promise<void> },
): Promise<Record<Name, Measurement>> {
  const parts = new Map<Name, Measurement[]>();
  for (let round = 0; round < options.rounds; round++) {
    for (const name of Object.keys(scenarios) as Name[]) {
      await options.between?.();
      const { concurrency, operation } = scenarios[name];
      const part = await measure(concurrency, options.secondsPerRound, operation, round === 0 ? 1 : 0.2);
      parts.set(name, [...(parts.get(name) ?? []), part]);
    }
  }
  return Object.fromEntries([...parts].map(([name, list]) => [name, combine(list)])) as Record<Name, Measurement>;
}

/** Runs `operation` `times` times one after another; returns sorted latencies in ms. */
export async function timeRepeatedly(times: number, operation: () => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await operation();
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}

export function machineDescription(extra: string): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${extra}`;
}

export const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "—");
export const ratio = (figure: number, baseline: number) => (baseline > 0 ? `${(figure / baseline).toFixed(2)}×` : "—");

export function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--")) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        flags.set(arg.slice(2), next);
        i++;
      } else flags.set(arg.slice(2), "true");
    }
  }
  return flags;
}
