// In-process driver for Redocly Respect through `run()` of @redocly/respect-core (the library behind
// `redocly respect`). Respect has no compile-once mode: every `run()` reads, lints and bundles the documents
// again, so this measures repeated runs in one warm Node process, not execution alone.
//
//   node respect_driver.mjs CORE_DIR ARAZZO.yml INPUTS.json FROM COUNT WARMUP SERVERS [SEVERITY]
//
// CORE_DIR is the node_modules folder holding @redocly/respect-core and @redocly/openapi-core; SERVERS is
// what `--server` takes (`name=url,name=url`); SEVERITY what `--severity` takes. Prints one JSON line per run:
// index, ok, ms, warmup and, per executed step, its status code and failed checks (Respect reports no workflow
// outputs).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [coreDir, file, inputsPath, from, count, warmup, servers, severity] = process.argv.slice(2);
const load = (name) => import(pathToFileURL(join(coreDir, name, 'lib', 'index.js')).href);
const { run } = await load('@redocly/respect-core');
const { createConfig } = await load('@redocly/openapi-core');

const inputs = JSON.parse(await readFile(inputsPath, 'utf8'));
const config = await createConfig({});
const quiet = {
  info() {},
  warn() {},
  error() {},
  output() {},
  printNewLine() {},
  printSeparator() {},
  indent: (text) => text,
};
const start = Number(from);
const end = start + Number(warmup) + Number(count);
let failed = false;
for (let index = start; index < end; index++) {
  const began = performance.now();
  let results;
  try {
    results = await run({
      files: [file],
      input: JSON.stringify(inputs[index]),
      server: servers,
      severity,
      config,
      maxSteps: 2000,
      maxFetchTimeout: 40000,
      executionTimeout: 3600000,
      requestFileLoader: { getFileBody: async (path) => new Blob([await readFile(path)]) },
      envVariables: {},
      logger: quiet,
      fetch,
    });
  } catch (error) {
    // Respect throws for some document problems (e.g. an operationId it cannot resolve) instead of failing a step.
    failed = true;
    const line = { index, ok: false, ms: performance.now() - began, warmup: index < start + Number(warmup) };
    console.log(JSON.stringify({ ...line, error: String(error?.message ?? error) }));
    continue;
  }
  const ms = performance.now() - began;
  const workflows = results.flatMap((result) => result.executedWorkflows);
  // `hasProblems`: a workflow failed (a check of severity error did not pass).
  const ok = workflows.length > 0 && results.every((result) => !result.hasProblems);
  failed ||= !ok;
  const steps = workflows.flatMap((workflow) =>
    workflow.executedSteps.map((step) => [
      step.stepId,
      step.response?.statusCode ?? null,
      (step.checks ?? []).filter((check) => !check.passed).map((check) => `${check.name} (${check.severity})`),
    ]),
  );
  const line = {
    index,
    ok,
    ms,
    warmup: index < start + Number(warmup),
    steps,
  };
  console.log(JSON.stringify(line));
}
process.exitCode = failed ? 1 : 0;
