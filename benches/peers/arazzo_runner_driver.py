"""Steady-state driver for arazzo-runner (PyPI `arazzo-runner`) through its Python API.

    python arazzo_runner_driver.py ARAZZO.yml WORKFLOW_ID INPUTS.json FROM COUNT WARMUP

Loads the document once (`ArazzoRunner.from_arazzo_path`), then runs inputs FROM..FROM+WARMUP+COUNT of
INPUTS.json (a JSON list) one after the other in this process, printing one JSON line per run: index, ok, ms
(that execution alone), warmup, status, outputs. Credentials come from the environment variables that
`arazzo-runner show-env-mappings` names, as for its command line.

It drives `start_workflow` and `execute_next_step` itself, as `execute_workflow` does, because
`execute_workflow` registers four more logging callbacks on the runner at every call (0.9.6), so a loop over
it would slow down with every run.
"""

import json
import logging
import sys
import time

from arazzo_runner import ArazzoRunner
from arazzo_runner.models import WorkflowExecutionStatus


def main() -> int:
    path, workflow_id, inputs_path, start, count, warmup = sys.argv[1:7]
    start, count, warmup = int(start), int(count), int(warmup)
    # The command line defaults to WARNING as well; per-step INFO lines would be part of the timing.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with open(inputs_path) as f:
        all_inputs = json.load(f)
    runner = ArazzoRunner.from_arazzo_path(path)
    done = {WorkflowExecutionStatus.WORKFLOW_COMPLETE, WorkflowExecutionStatus.ERROR}
    failed = False
    for index in range(start, start + warmup + count):
        began = time.perf_counter()
        execution_id = runner.start_workflow(workflow_id, all_inputs[index])
        while True:
            result = runner.execute_next_step(execution_id)
            if result.get("status") in done:
                break
        ms = (time.perf_counter() - began) * 1000.0
        # Each run's state stays in the runner otherwise.
        runner.execution_states.pop(execution_id, None)
        status = str(result.get("status").value if hasattr(result.get("status"), "value") else result.get("status"))
        ok = result.get("status") == WorkflowExecutionStatus.WORKFLOW_COMPLETE
        failed = failed or not ok
        line = {
            "index": index,
            "ok": ok,
            "ms": ms,
            "warmup": index < start + warmup,
            "status": status,
            "outputs": result.get("outputs", {}),
        }
        if not ok:
            line["error"] = str(result.get("error"))
        print(json.dumps(line, default=str), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
