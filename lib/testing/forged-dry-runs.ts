// Query strings no command may take for a dry run: each must be refused with 400, recording nothing
// (decisions 026 and 028). Malformed dryRun, out-of-range or malformed version= and at=, both at once,
// a point without dryRun=true, an unknown parameter.
export const forgedDryRunQueries: readonly string[] = [
  "dryRun=yes",
  "dryRun=TRUE",
  "dryRun=1",
  "dryRun=",
  "dryRun=true&dryRun=false",
  "dryRun=true&version=0",
  "dryRun=true&version=-1",
  "dryRun=true&version=1.5",
  "dryRun=true&version=99999999999999",
  "dryRun=true&at=yesterday",
  "dryRun=true&at=0000-01-01T00:00:00Z",
  "dryRun=true&at=10000-01-01T00:00:00Z",
  "dryRun=true&version=1&at=2025-01-01T00:00:00Z",
  "version=1",
  "dryRun=false&at=2025-01-01T00:00:00Z",
  "dryRun=true&unknown=1",
  `dryRun=${"true".repeat(1000)}`,
];
