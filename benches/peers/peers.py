"""Runs the five seed workflows with arazzo-rs ("ours"), arazzo-runner and Redocly Respect against fresh
fake servers, compares what they sent and returned, and prints Markdown: a table and the observed facts.

Called by run.sh (which installs the tools and builds the Rust binaries) with the venv's Python, since the
document copies are written with PyYAML. Two passes per seed and tool, each against its own fresh fake:

1. e2e pass: one run with the e2e test's inputs (ids that need percent-encoding included), the fake's
   request log kept, to report what each tool sent and where it failed.
2. timing pass (`--ids plain`): RUNS whole-process runs (one process each, wall time from spawn to exit),
   then one process running WARMUP + STEADY executions through the tool's library API (ours: the generated
   client over one Client; arazzo-runner: ArazzoRunner; Respect: respect-core `run()`), per-execution time.

Run i of every tool gets the same inputs against an identically seeded, deterministic fake, so its outputs
must be equal to ours, and so must every request (compared by method, path, query, body fingerprint and
credential fingerprint; never by value, which the fake does not log).
"""

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SEEDS = ["svix", "propelauth", "deepgram", "apigee", "backblaze"]
RESPECT_ENV = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
# Respect's response-schema check fails PropelAuth's list (the fake answers `null` for fields the description
# types as non-nullable); `warn` keeps the check's cost and reports it without failing the run.
RESPECT_SEVERITY = "SCHEMA_CHECK=warn"


def seed_file(seed):
    return next((REPO / "workflows" / seed / "arazzo").glob("*.yml"))


class Fake:
    """One fake_server process serving one seed."""

    def __init__(self, args, seed, runs, ids, tag):
        logs = args.work / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log = logs / f"{tag}.jsonl"
        self.desc_path = logs / f"{tag}.describe.json"
        for path in (self.log, self.desc_path):
            path.unlink(missing_ok=True)
        command = [str(args.fake), "--only", seed, "--runs", str(runs), "--ids", ids]
        command += ["--describe", str(self.desc_path), "--log", str(self.log)]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.urls = {}
        for line in self.proc.stdout:
            line = line.strip()
            if line == "ready":
                break
            name, _, url = line.partition("=")
            self.urls[name] = url
        self.desc = json.loads(self.desc_path.read_text())[seed]
        self.inputs_path = logs / f"{tag}.inputs.json"
        self.inputs_path.write_text(json.dumps(self.desc["inputs"]))

    def requests(self):
        # The fake polls its recorder every 50 ms.
        time.sleep(0.2)
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# ---------------------------------------------------------------- document copies for the peers


def source_files(doc):
    """sourceDescription name -> relative url, as written in the seed."""
    return {s["name"]: s["url"] for s in doc.get("sourceDescriptions", [])}


def load_any(path):
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def dump_any(doc, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2))
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def copy_seed(args, seed, tool, fake, patch_servers, edit=None):
    """Copies the seed (Arazzo file and its OpenAPI files, same layout) under .work/docs/<tool>/<seed>/;
    with patch_servers, each description's `servers` becomes the fake's URL (arazzo-runner has no way to
    override a server URL without variables). `edit` may change the parsed Arazzo document."""
    original = seed_file(seed)
    root = args.work / "docs" / tool / seed
    shutil.rmtree(root, ignore_errors=True)
    doc = yaml.safe_load(original.read_text())
    for name, rel in source_files(doc).items():
        src = (original.parent / rel).resolve()
        dst = (root / "arazzo" / rel).resolve()
        described = load_any(src)
        if patch_servers:
            described["servers"] = [{"url": fake.desc["urls"][name]}]
        dump_any(described, dst)
    if edit:
        edit(doc)
    dst = root / "arazzo" / original.name
    dump_any(doc, dst)
    return dst


def add_inputs(doc, names):
    """Declares credential inputs the added x-security refers to."""
    props = doc["workflows"][0]["inputs"].setdefault("properties", {})
    for name in names:
        props[name] = {"type": "string", "format": "password"}


def respect_credentials(seed):
    """(document edit, extra inputs from the description's credentials) giving Respect the credentials the
    way it takes them: `x-security` in the Arazzo document. PropelAuth and Deepgram set Authorization in
    their steps and need none."""

    def svix(doc):
        add_inputs(doc, ["token"])
        doc["workflows"][0]["x-security"] = [{"schemeName": "HTTPBearer", "values": {"token": "$inputs.token"}}]

    def apigee(doc):
        add_inputs(doc, ["token"])
        doc["workflows"][0]["x-security"] = [{"schemeName": "oauth2", "values": {"accessToken": "$inputs.token"}}]

    def backblaze(doc):
        # Basic credentials for authorize; for the later steps, exactly what our overlay adds
        # (workflows/backblaze/overlays/backblaze-credentials.overlay.yml).
        add_inputs(doc, ["username", "password"])
        steps = {s["stepId"]: s for s in doc["workflows"][0]["steps"]}
        steps["authorize"]["x-security"] = [
            {"schemeName": "BasicAuth", "values": {"username": "$inputs.username", "password": "$inputs.password"}}
        ]
        steps["authorize"]["outputs"]["apiUrl"] = "$response.body#/apiInfo/storageApi/apiUrl"
        for step_id in ("createReplacementKey", "deleteOldKey"):
            steps[step_id]["x-serverUrl"] = "$steps.authorize.outputs.apiUrl"
            steps[step_id]["x-security"] = [
                {
                    "scheme": {"type": "apiKey", "in": "header", "name": "Authorization"},
                    "values": {"apiKey": "$steps.authorize.outputs.authorizationToken"},
                }
            ]

    return {"svix": svix, "apigee": apigee, "backblaze": backblaze}.get(seed)


def runner_env(seed, credentials):
    """arazzo-runner's credentials: the environment variables `show-env-mappings` lists for the seed."""
    names = {
        "svix": {"token": "SVIX_HTTPBEARER_TOKEN"},
        "apigee": {"token": "APIGEE_OAUTH2_ACCESS_TOKEN"},
        "backblaze": {"username": "BACKBLAZE_BASICAUTH_USERNAME", "password": "BACKBLAZE_BASICAUTH_PASSWORD"},
    }.get(seed, {})
    return {env: credentials[key] for key, env in names.items()}


# ---------------------------------------------------------------- tools


class Tool:
    """How one tool runs one seed against one fake: `once(i)` -> (ok, outputs, detail); `steady(...)`."""

    name = ""

    def __init__(self, args, seed, fake):
        self.args, self.seed, self.fake = args, seed, fake
        self.workflow = fake.desc["workflow"]


class Ours(Tool):
    name = "arazzo-rs (ours)"

    def once(self, index):
        out = subprocess.run([str(self.args.ours), str(self.fake.desc_path), self.seed, str(index)],
                             capture_output=True, text=True)
        line = json.loads(out.stdout.splitlines()[-1]) if out.stdout.strip() else {}
        return line.get("ok", False), line.get("outputs"), line.get("error") or out.stderr.strip()[-300:]

    def steady(self, start, count, warmup):
        command = [str(self.args.ours), str(self.fake.desc_path), self.seed, str(start), str(count), str(warmup)]
        return run_lines(command, {})


class ArazzoRunnerTool(Tool):
    name = "arazzo-runner"

    def __init__(self, args, seed, fake):
        super().__init__(args, seed, fake)
        self.doc = copy_seed(args, seed, "arazzo-runner", fake, patch_servers=True)
        self.env = runner_env(seed, fake.desc["credentials"])

    def once(self, index):
        inputs = json.dumps(self.fake.desc["inputs"][index])
        command = [str(self.args.work / "venv/bin/arazzo-runner"), "execute-workflow", str(self.doc),
                   "--workflow-id", self.workflow, "--inputs", inputs]
        out = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **self.env})
        # The command line prints the result's repr, secrets included: parse it, never show it.
        pattern = r"WorkflowExecutionResult\(status=(\w+), .*?outputs=(.*?), step_outputs=(.*?), inputs="
        match = re.search(pattern, out.stdout, re.S)
        outputs = ast.literal_eval(match.group(2)) if match else None
        ok = out.returncode == 0 and bool(match) and match.group(1) == "workflow_complete"
        if ok:
            return ok, outputs, ""
        if not match:
            return ok, outputs, f"exit {out.returncode}, no result printed"
        steps = ast.literal_eval(match.group(3)) or {}
        failed = [(step, o["runner_error_context"]) for step, o in steps.items() if "runner_error_context" in o]
        detail = f"status {match.group(1)}" + "".join(f", step {step}: HTTP {c.get('http_code')}" for step, c in failed)
        return ok, outputs, detail

    def steady(self, start, count, warmup):
        command = [str(self.args.work / "venv/bin/python"), str(HERE / "arazzo_runner_driver.py"), str(self.doc),
                   self.workflow, str(self.fake.inputs_path), str(start), str(count), str(warmup)]
        return run_lines(command, self.env)


class RespectTool(Tool):
    name = "Respect"

    def __init__(self, args, seed, fake, credentials=True):
        super().__init__(args, seed, fake)
        edit = respect_credentials(seed) if credentials else None
        self.name = "Respect" if credentials else "Respect, seed as is"
        self.doc = copy_seed(args, seed, "respect" if credentials else "respect-as-is", fake, False, edit)
        self.extra = dict(fake.desc["credentials"]) if edit else {}
        doc = yaml.safe_load(seed_file(seed).read_text())
        self.servers = ",".join(f"{name}={fake.desc['urls'][name]}" for name in source_files(doc))
        self.inputs_path = args.work / "logs" / f"respect-{seed}.inputs.json"
        self.inputs_path.write_text(json.dumps([{**i, **self.extra} for i in fake.desc["inputs"]]))

    def once(self, index):
        report = self.args.work / "logs" / f"respect-{self.seed}-{index}.json"
        inputs = json.dumps({**self.fake.desc["inputs"][index], **self.extra})
        command = [str(self.args.work / "node_modules/.bin/redocly"), "respect", str(self.doc),
                   "--server", self.servers, "--input", inputs, "--severity", RESPECT_SEVERITY, "-J", str(report)]
        out = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **RESPECT_ENV})
        detail = ""
        try:
            result = json.loads(report.read_text())
            # The report holds the requests as sent, credentials included: keep only what is needed.
            report.unlink()
            steps = [s for f in result["files"].values() for w in f["executedWorkflows"] for s in w["executedSteps"]]
            failed = [s for s in steps if s.get("status") not in ("success", "warning")]
            if failed:
                s = failed[0]
                checks = [c for c in s.get("checks", []) if not c.get("passed")]
                reason = "; ".join(c["name"] + (": " + c["message"].strip() if c["name"] == "unexpected error" else "")
                                   for c in checks)
                status = (s.get("response") or {}).get("statusCode")
                detail = " ".join(f"step {s['stepId']} failed (HTTP {status}): {reason}".split())
        except (OSError, ValueError, KeyError):
            detail = first_error(out.stdout + out.stderr)
        ok = out.returncode == 0
        return ok, None, detail if not ok else ""

    def steady(self, start, count, warmup):
        command = ["node", str(HERE / "respect_driver.mjs"), str(self.args.work / "node_modules"), str(self.doc),
                   str(self.inputs_path), str(start), str(count), str(warmup), self.servers, RESPECT_SEVERITY]
        return run_lines(command, RESPECT_ENV)


def first_error(text):
    for line in text.splitlines():
        if re.search(r"error|Reason|Failed", line, re.I):
            return line.strip()[:300]
    return text.strip()[-300:]


def run_lines(command, env):
    out = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    lines = []
    for line in out.stdout.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pass
    if not lines:
        print(f"  (no result lines from {command[0]}: {out.stderr.strip()[-400:]})", file=sys.stderr)
    return lines


# ---------------------------------------------------------------- comparison


def content_type(value):
    return value.split(";")[0].strip().lower() if value else None


def request_key(r):
    return {
        "server": r["server"],
        "method": r["method"],
        "path": r["path"],
        "query": r["query"],
        "authorization": r["authorization"],
        "authorization value": r["authorization_digest"],
        "content type": content_type(r["content_type"]),
        "body": r["body"],
        "body value": r["body_digest"] if r["body"] is not None else None,
    }


def compare_requests(ours, theirs):
    """Differences as readable strings, empty when the sequences are equal."""
    diffs = []
    for i in range(max(len(ours), len(theirs))):
        if i >= len(ours):
            diffs.append(f"extra request #{i + 1}: {theirs[i]['method']} {theirs[i]['path']}")
            continue
        if i >= len(theirs):
            diffs.append(f"request #{i + 1} ({ours[i]['method']} {ours[i]['path']}) not sent")
            continue
        a, b = request_key(ours[i]), request_key(theirs[i])
        for field in a:
            if a[field] != b[field]:
                if field.endswith("value") and any(a[f] != b[f] for f in ("authorization", "body")):
                    continue
                shown = "differs" if field.endswith("value") else f"{json.dumps(b[field])} (ours: {json.dumps(a[field])})"
                diffs.append(f"request #{i + 1} {a['method']} {field}: {shown}")
    return diffs


def stats(times):
    if not times:
        return None
    return {"median": statistics.median(times), "mean": statistics.fmean(times), "n": len(times)}


# ---------------------------------------------------------------- passes


def tools_for(args, seed, fake, e2e):
    tools = [Ours(args, seed, fake)]
    if "arazzo-runner" in args.tools:
        tools.append(ArazzoRunnerTool(args, seed, fake))
    if "respect" in args.tools:
        if e2e:
            tools.append(RespectTool(args, seed, fake, credentials=False))
        tools.append(RespectTool(args, seed, fake))
    return tools


def e2e_pass(args, seed):
    """One run with the e2e inputs per tool, each against its own fresh fake."""
    results = {}
    ours_requests = None
    probe = Fake(args, seed, 1, "e2e", f"{seed}-e2e-probe")
    names = [t.name for t in tools_for(args, seed, probe, True)]
    probe.stop()
    for position, name in enumerate(names):
        fake = Fake(args, seed, 1, "e2e", f"{seed}-e2e-{position}")
        tool = tools_for(args, seed, fake, True)[position]
        ok, outputs, detail = tool.once(0)
        requests = fake.requests()
        fake.stop()
        if position == 0:
            ours_requests = requests
        results[name] = {
            "ok": ok,
            "detail": detail,
            "requests": requests,
            "diffs": compare_requests(ours_requests, requests) if position else [],
        }
    return results


def timing_pass(args, seed):
    total = args.runs + args.warmup + args.steady
    results = {}
    ours_outputs, ours_requests = {}, None
    for position in range(1 + ("arazzo-runner" in args.tools) + ("respect" in args.tools)):
        fake = Fake(args, seed, total, "plain", f"{seed}-timing-{position}")
        tool = tools_for(args, seed, fake, False)[position]
        print(f"  {seed}: {tool.name}", file=sys.stderr)
        whole, outputs, oks, details = [], {}, 0, []
        for index in range(args.runs):
            began = time.perf_counter()
            ok, out, detail = tool.once(index)
            elapsed = (time.perf_counter() - began) * 1000.0
            if ok:
                oks += 1
                whole.append(elapsed)
            elif detail:
                details.append(detail)
            outputs[index] = out
        lines = tool.steady(args.runs, args.steady, args.warmup)
        steady = [l["ms"] for l in lines if l.get("ok") and not l.get("warmup")]
        for l in lines:
            outputs[l["index"]] = l.get("outputs")
            if not l.get("ok"):
                details.append(" ".join(str(l.get("error") or l.get("steps")).split())[:300])
        requests = fake.requests()
        fake.stop()
        if position == 0:
            ours_outputs, ours_requests = outputs, requests
        has_outputs = any(v is not None for v in outputs.values())
        same_outputs = sum(1 for i, v in outputs.items() if v is not None and v == ours_outputs.get(i))
        results[tool.name] = {
            "whole": stats(whole),
            "whole_ok": oks,
            "steady": stats(steady),
            "steady_ok": len(steady),
            "outputs": f"{same_outputs}/{total}" if has_outputs else "n/a",
            "requests": "yes" if not compare_requests(ours_requests, requests) else "no",
            "request_count": len(requests),
            "details": details[:2],
        }
    return results


def ms(s):
    return "—" if s is None else f"{s['median']:.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--fake", type=Path, required=True)
    parser.add_argument("--ours", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--steady", type=int, default=50)
    parser.add_argument("--seeds", nargs="*", default=SEEDS)
    parser.add_argument("--tools", nargs="*", default=["arazzo-runner", "respect"])
    args = parser.parse_args()
    args.work = args.work.resolve()

    e2e, timing = {}, {}
    for seed in args.seeds:
        print(f"e2e pass: {seed}", file=sys.stderr)
        e2e[seed] = e2e_pass(args, seed)
    for seed in args.seeds:
        print(f"timing pass: {seed}", file=sys.stderr)
        timing[seed] = timing_pass(args, seed)

    (args.work / "results.json").write_text(json.dumps({"e2e": e2e, "timing": timing}, indent=2))
    total = args.runs + args.warmup + args.steady
    print(f"### Results (see docs/BENCHMARKS.md for the machine and its load)\n")
    print(f"Whole process: median wall time of {args.runs} runs, one process each. Steady state: median of "
          f"{args.steady} executions after {args.warmup} warm-up ones in one process. Milliseconds; `—`: no "
          f"successful run. Outputs and requests are compared with ours run by run ({total} runs).\n")
    print("| seed | tool | e2e inputs | whole process, ms (ok) | steady state, ms (ok) | outputs = ours | "
          "requests = ours |")
    print("|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        for name, r in e2e[seed].items():
            t = timing[seed].get(name)
            verdict = "ok" if r["ok"] else "fails"
            if t is None:
                print(f"| {seed} | {name} | {verdict} | (not timed) | | | |")
                continue
            print(f"| {seed} | {name} | {verdict} | {ms(t['whole'])} ({t['whole_ok']}/{args.runs}) | "
                  f"{ms(t['steady'])} ({t['steady_ok']}/{args.steady}) | {t['outputs']} | {t['requests']} |")
    print("\n### What each tool did with the e2e inputs (from the fake's request log)\n")
    for seed in args.seeds:
        for name, r in e2e[seed].items():
            if name.startswith("arazzo-rs"):
                continue
            lines = []
            if not r["ok"]:
                lines.append(f"failed: {r['detail']}")
            lines += r["diffs"]
            if not lines:
                lines = ["same requests as ours, run succeeded"]
            print(f"- **{seed}, {name}**: " + "; ".join(lines))
    print("\n### Timing-pass failures (plain ids)\n")
    for seed in args.seeds:
        for name, t in timing[seed].items():
            if t["details"]:
                print(f"- **{seed}, {name}**: {t['details'][0]}")


if __name__ == "__main__":
    main()
