"""Structural checks of the deployment files, called by dist/check (one subcommand per file kind).

Each check prints one line per problem, "<file>: <what is wrong>", and exits 1 when it found any.
Needs Debian's python3-yaml. Run from the repository root.
"""

import json
import re
import sys
from pathlib import Path

import yaml

PLANNED_PREFIXES = ("nxs_gateway_", "nxs_doctor_", "nxs_vault_")
# Series Prometheus makes itself, not NXS.
PROMETHEUS_SERIES = {"up"}
# Grafana variables, replaced by plausible values so the expression can be parsed.
GRAFANA_VARS = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "6h",
    "${datasource}": "prometheus",
    "$job": "nxs",
    "$instance": ".*",
}
SELECTOR = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*\{")
# Metric names written without braces: every NXS metric lives in one of these namespaces.
NAMESPACED = re.compile(r"\b((?:nxs|jvm|process|system|http)_[A-Za-z0-9_:]+)\b")

problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def finish():
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def metric_names(expr):
    """Metric names in a PromQL expression: before a selector's braces, or in an NXS namespace."""
    return set(SELECTOR.findall(expr)) | set(NAMESPACED.findall(expr))


def scraped_names(scrape_file):
    names = set()
    for line in Path(scrape_file).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def check_names(where, exprs, scraped, documented):
    for expr in exprs:
        for name in sorted(metric_names(expr)):
            if name.startswith(PLANNED_PREFIXES):
                if name not in documented and planned_base(name) not in documented:
                    problem(where, f"{name} is not in the metrics table of docs/operations.md")
            elif name not in scraped and name not in PROMETHEUS_SERIES:
                problem(where, f"{name} is not exposed by a running NXS (not in the live /metrics scrape)")


def documented_names(doc):
    return set(re.findall(r"`(nxs_(?:gateway|doctor|vault)_[a-z0-9_]+)`", Path(doc).read_text(encoding="utf-8")))


def planned_base(name):
    """nxs_x_y_bucket -> nxs_x_y: the docs table lists a histogram once, by its base name."""
    return re.sub(r"_(bucket|count|sum)$", "", name)


# --- yaml ---------------------------------------------------------------------------------------

def cmd_yaml(*paths):
    for path in paths:
        try:
            load_all(path)
        except yaml.YAMLError as e:
            problem(path, "does not parse as YAML: " + " ".join(str(e).split()))
    finish()


# --- grafana ------------------------------------------------------------------------------------

def grafana_targets(dash):
    for panel in dash.get("panels", []):
        yield from ((panel, t) for t in panel.get("targets", []))
        for inner in panel.get("panels", []):
            yield from ((inner, t) for t in inner.get("targets", []))


def cmd_grafana(path, rules_out, scrape_file, doc):
    """Checks the dashboard's shape and writes its queries as recording rules for promtool."""
    where = path
    try:
        dash = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        problem(where, f"not valid JSON: {e}")
        finish()
    for key in ("uid", "title", "panels", "schemaVersion", "templating"):
        if key not in dash:
            problem(where, f"dashboard has no '{key}'")
    variables = {v.get("name") for v in dash.get("templating", {}).get("list", [])}
    for needed in ("datasource", "job", "instance"):
        if needed not in variables:
            problem(where, f"template variable '{needed}' is missing")
    ids = set()
    for panel in dash.get("panels", []):
        pid = panel.get("id")
        if pid in ids:
            problem(where, f"panel id {pid} is used twice")
        ids.add(pid)
        grid = panel.get("gridPos", {})
        if not all(k in grid for k in ("h", "w", "x", "y")) or grid.get("x", 0) + grid.get("w", 0) > 24:
            problem(where, f"panel {pid} '{panel.get('title')}' has no valid gridPos")
        if panel.get("type") != "row":
            if not panel.get("targets"):
                problem(where, f"panel {pid} '{panel.get('title')}' has no query")
            if panel.get("datasource", {}).get("uid") != "${datasource}":
                problem(where, f"panel {pid} '{panel.get('title')}' does not use the $datasource variable")
    boxes = [(p.get("id"), p.get("gridPos", {})) for p in dash.get("panels", [])]
    for i, (a, ga) in enumerate(boxes):
        for b, gb in boxes[i + 1:]:
            if (ga.get("x", 0) < gb.get("x", 0) + gb.get("w", 0) and gb.get("x", 0) < ga.get("x", 0) + ga.get("w", 0)
                    and ga.get("y", 0) < gb.get("y", 0) + gb.get("h", 0) and gb.get("y", 0) < ga.get("y", 0) + ga.get("h", 0)):
                problem(where, f"panels {a} and {b} overlap")
    rules, exprs = [], []
    for panel, target in grafana_targets(dash):
        expr = target.get("expr", "")
        if not expr.strip():
            problem(where, f"panel {panel.get('id')} query {target.get('refId')} is empty")
            continue
        for var, value in GRAFANA_VARS.items():
            expr = expr.replace(var, value)
        if "$" in expr:
            problem(where, f"panel {panel.get('id')} query {target.get('refId')} uses an unknown variable: {expr}")
            continue
        exprs.append(expr)
        rules.append({"record": f"grafana:panel_{panel.get('id')}_{target.get('refId')}", "expr": expr})
    with open(rules_out, "w", encoding="utf-8") as f:
        yaml.safe_dump({"groups": [{"name": "grafana-panels", "rules": rules}]}, f, sort_keys=False)
    documented = documented_names(doc)
    check_names(where, exprs, scraped_names(scrape_file), documented)
    finish()


# --- alert rules --------------------------------------------------------------------------------

def cmd_alerts(path, scrape_file, doc):
    where = path
    groups = load_all(path)[0].get("groups", [])
    docs_text = Path(doc).read_text(encoding="utf-8")
    exprs = []
    for group in groups:
        for rule in group.get("rules", []):
            name = rule.get("alert")
            if not name:
                continue
            exprs.append(rule["expr"])
            if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
                problem(where, f"{name} has no severity label (critical, warning or info)")
            for key in ("summary", "description"):
                if not rule.get("annotations", {}).get(key):
                    problem(where, f"{name} has no {key} annotation")
            if f"`{name}`" not in docs_text:
                problem(where, f"{name} is not explained in docs/operations.md")
    documented = documented_names(doc)
    check_names(where, exprs, scraped_names(scrape_file), documented)
    finish()


# --- prometheus.yml for promtool ----------------------------------------------------------------

def cmd_prometheus_copy(path, out, key_file):
    """Writes a copy whose credentials file is a stand-in, so promtool can check everything else."""
    config = load_all(path)[0]
    jobs = {j.get("job_name"): j for j in config.get("scrape_configs", [])}
    job = jobs.get("nxs")
    if job is None:
        problem(path, "no scrape job named 'nxs' (the alerts select job=\"nxs\")")
        job = {}
    auth = job.get("authorization", {})
    if auth.get("type", "Bearer") != "Bearer" or not auth.get("credentials_file"):
        problem(path, "job nxs does not send a bearer key from a file (authorization.credentials_file)")
    else:
        auth["credentials_file"] = key_file
    if job.get("metrics_path", "/metrics") != "/metrics":
        problem(path, f"job nxs scrapes {job.get('metrics_path')}, not /metrics")
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    finish()


# --- a real Prometheus scraping a real NXS -------------------------------------------------------

def cmd_prometheus_live_config(path, out, key_file, target):
    """The shipped configuration with only what a short local run needs changed: the target, the
    key file, 1 s intervals, and no Alertmanager (none runs here)."""
    config = load_all(path)[0]
    config.setdefault("global", {}).update({"scrape_interval": "1s", "evaluation_interval": "1s"})
    config.pop("alerting", None)
    config["rule_files"] = [str(Path(path).parent.resolve() / f) for f in config.get("rule_files", [])]
    for job in config.get("scrape_configs", []):
        if job.get("job_name") == "nxs":
            job["static_configs"] = [{"targets": [target]}]
            job.setdefault("authorization", {})["credentials_file"] = key_file
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    finish()


def get_json(url):
    import urllib.request
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def wait_for(what, deadline_s, probe):
    """Calls probe() until it returns a truthy value or the deadline passes; returns the last value."""
    import time
    end = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < end:
        try:
            last = probe()
        except OSError as e:
            last = None
            if time.monotonic() + 0.2 >= end:
                problem("prometheus", f"{what}: {e}")
        if last:
            return last
        time.sleep(0.2)
    return last


def cmd_prometheus_live(base, dashboard, alerts):
    """Against a running Prometheus: the NXS target is up, every alert rule evaluates without an
    error, and every dashboard query and alert expression runs without an error."""
    import urllib.parse
    if not wait_for("ready", 30, lambda: get_json(base + "/api/v1/status/buildinfo")):
        problem("prometheus", f"Prometheus at {base} did not become ready within 30 s")
        finish()

    def nxs_target():
        targets = get_json(base + "/api/v1/targets")["data"]["activeTargets"]
        nxs = [t for t in targets if t["labels"].get("job") == "nxs"]
        return nxs[0] if nxs and nxs[0]["health"] != "unknown" else None

    target = wait_for("targets", 30, nxs_target)
    if not target:
        problem("prometheus", "Prometheus did not scrape the nxs job within 30 s")
    elif target["health"] != "up":
        problem("prometheus", f"the nxs target is {target['health']}: {target.get('lastError')}")

    expected = sum(1 for g in load_all(alerts)[0]["groups"] for r in g["rules"] if "alert" in r)

    def evaluated_rules():
        groups = get_json(base + "/api/v1/rules")["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return rules if rules and all(r.get("health") != "unknown" for r in rules) else None

    rules = wait_for("rules", 30, evaluated_rules) or []
    if len(rules) != expected:
        problem(alerts, f"Prometheus loaded {len(rules)} alert rules, the file has {expected}")
    for rule in rules:
        if rule.get("health") != "ok":
            problem(alerts, f"{rule.get('name')} does not evaluate: {rule.get('lastError')}")

    dash = json.loads(Path(dashboard).read_text(encoding="utf-8"))
    queries = []
    for panel, target_ in grafana_targets(dash):
        expr = target_.get("expr", "")
        for var, value in GRAFANA_VARS.items():
            expr = expr.replace(var, value)
        queries.append((f"{dashboard}: panel {panel.get('id')} '{panel.get('title')}'", expr))
    queries += [(f"{alerts}: {r.get('name')}", r.get("query", "")) for r in rules]
    for where, expr in queries:
        url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            answer = get_json(url)
        except OSError as e:
            body = e.read().decode("utf-8", "replace") if hasattr(e, "read") else str(e)
            try:
                body = json.loads(body).get("error", body)
            except ValueError:
                pass
            problem(where, f"Prometheus cannot run the query: {' '.join(str(body).split())}")
            continue
        if answer.get("status") != "success":
            problem(where, f"Prometheus cannot run the query: {answer.get('error')}")
    up = get_json(base + "/api/v1/query?" + urllib.parse.urlencode({"query": 'up{job="nxs"}'}))
    values = [r["value"][1] for r in up["data"]["result"]]
    if values != ["1"]:
        problem("prometheus", f"up{{job=\"nxs\"}} is {values}, not [1]")
    finish()


# --- docker -------------------------------------------------------------------------------------

def dockerfile_instructions(path):
    """(instruction, arguments) pairs with continuation lines joined and comments dropped."""
    joined, current = [], ""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        joined.append(current)
        current = ""
    pairs = []
    for instruction in joined:
        word, _, rest = instruction.partition(" ")
        pairs.append((word.upper(), rest.strip()))
    return pairs


def cmd_dockerfile(path):
    where = path
    pairs = dockerfile_instructions(path)
    stages = [i for i, (w, _) in enumerate(pairs) if w == "FROM"]
    if len(stages) < 2:
        problem(where, "not multi-stage: needs a build stage and a run stage (two FROM lines)")
        finish()
    names = {re.split(r"\s+", args)[-1] for w, args in pairs if w == "FROM" and " AS " in args.upper()}
    final = pairs[stages[-1]:]
    users = [args for w, args in final if w == "USER"]
    if not users:
        problem(where, "the final stage runs as root: it has no USER")
    elif users[-1].split(":")[0] in ("root", "0"):
        problem(where, f"the final stage runs as root (USER {users[-1]})")
    health = [args for w, args in final if w == "HEALTHCHECK"]
    if not health or "/healthz" not in health[-1]:
        problem(where, "the final stage has no HEALTHCHECK on /healthz")
    if not any(w == "ENTRYPOINT" for w, _ in final):
        problem(where, "the final stage has no ENTRYPOINT")
    for word, args in pairs:
        if word not in ("COPY", "ADD"):
            continue
        parts = [p for p in args.split() if not p.startswith("--")]
        source_stage = re.search(r"--from=(\S+)", args)
        if source_stage:
            if source_stage.group(1) not in names:
                problem(where, f"COPY --from={source_stage.group(1)} names no stage")
            continue
        dest = parts[-1] if parts else ""
        for src in parts[:-1]:
            if src != "." and not Path(src).exists():
                problem(where, f"COPY source {src} does not exist in the repository (the build context)")
            elif "/bin/" in dest and not Path(src).stat().st_mode & 0o111:
                problem(where, f"{src} is copied to {dest} as a program but is not executable")
    finish()


def cmd_compose(path):
    where = path
    compose = load_all(path)[0]
    if "version" in compose:
        problem(where, "the top-level 'version' key is obsolete in Compose v2: remove it")
    services = compose.get("services", {})
    base = Path(path).parent
    nxs = services.get("nxs")
    if nxs is None:
        problem(where, "no service named nxs")
        finish()
    build = nxs.get("build", {})
    dockerfile = (base / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).resolve()
    if not dockerfile.is_file():
        problem(where, f"service nxs builds from {dockerfile}, which does not exist")
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/")) and source not in declared:
                problem(where, f"service {name} mounts volume {source}, which is not declared under volumes")
        for dep in (service.get("depends_on") or {}):
            if dep not in services:
                problem(where, f"service {name} depends on {dep}, which is not a service")
    if not any(s.get("profiles") for n, s in services.items() if n != "nxs"):
        problem(where, "the OpenClaw service should be optional (under a profile)")
    if "openclaw" not in services:
        problem(where, "no openclaw service")
    for port in nxs.get("ports", []):
        if str(port).count(":") < 2:
            problem(where, f"nxs publishes {port} on every host interface: bind it to 127.0.0.1")
    finish()


# --- kubernetes ---------------------------------------------------------------------------------

def cmd_k8s(directory, config_out):
    base = Path(directory)
    objects = {}
    for file in sorted(base.glob("*.yaml")):
        for doc in load_all(file):
            kind, meta = doc.get("kind"), doc.get("metadata", {})
            if kind == "Kustomization":
                for resource in doc.get("resources", []):
                    if not (base / resource).is_file():
                        problem(str(file), f"resource {resource} does not exist")
                    if resource.startswith("secret"):
                        problem(str(file), f"{resource} holds example keys: applying it would overwrite real ones")
                continue
            if not doc.get("apiVersion") or not kind or not meta.get("name"):
                problem(str(file), "an object lacks apiVersion, kind or metadata.name")
                continue
            if kind != "Namespace" and meta.get("namespace") != "nxs":
                problem(str(file), f"{kind}/{meta['name']} is not in namespace nxs")
            objects[(kind, meta["name"])] = (file, doc)

    def need(kind, name, by):
        if (kind, name) not in objects:
            problem(by, f"refers to {kind} {name}, which no manifest defines")
        return objects.get((kind, name), (None, {}))[1]

    deployments = [(f, d) for (k, _), (f, d) in objects.items() if k == "Deployment"]
    if len(deployments) != 1:
        problem(directory, f"expected one Deployment, found {len(deployments)}")
        finish()
    file, deployment = deployments[0]
    where = str(file)
    spec = deployment["spec"]
    if spec.get("replicas", 1) != 1 or spec.get("strategy", {}).get("type") != "Recreate":
        problem(where, "must run one replica with strategy Recreate (one SQLite writer)")
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    if spec.get("selector", {}).get("matchLabels", {}).items() - labels.items():
        problem(where, "the selector does not match the pod template's labels")
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        problem(where, "the pod does not set runAsNonRoot")
    containers = pod.get("containers", [])
    container = next((c for c in containers if c.get("name") == "nxs"), None)
    if container is None:
        problem(where, "no container named nxs")
        finish()
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container.get(probe, {}).get("httpGet", {})
        if get.get("path") != path:
            problem(where, f"{probe} must GET {path}, not {get.get('path')}")
        if get.get("port") not in ports and get.get("port") not in ports.values():
            problem(where, f"{probe} port {get.get('port')} is not a container port")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
    for mount in mounts.values():
        if mount["name"] not in volumes:
            problem(where, f"volumeMount {mount['name']} has no volume")
    home = next((e["value"] for e in container.get("env", []) if e.get("name") == "NXS_HOME"), "/var/lib/nxs")
    home_mount = mounts.get(home)
    if home_mount is None or "persistentVolumeClaim" not in volumes.get(home_mount["name"], {}):
        problem(where, f"the home {home} is not on a PersistentVolumeClaim")
    for volume in volumes.values():
        if "persistentVolumeClaim" in volume:
            need("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"], where)
        if "configMap" in volume:
            config_map = need("ConfigMap", volume["configMap"]["name"], where)
            text = config_map.get("data", {}).get("nxs.yaml")
            if text is None:
                problem(where, f"ConfigMap {volume['configMap']['name']} has no nxs.yaml")
            else:
                Path(config_out).write_text(text, encoding="utf-8")
                if not re.search(r"^\s*host:\s*0\.0\.0\.0\s*$", text, re.M):
                    problem(where, "nxs.yaml in the ConfigMap must listen on 0.0.0.0, or the probes cannot reach it")
    secret_refs = [e["secretRef"]["name"] for e in container.get("envFrom", []) if "secretRef" in e]
    if not secret_refs:
        problem(where, "provider keys do not come from a Secret (envFrom secretRef)")
    for name in secret_refs:
        need("Secret", name, where)
    services = [(f, d) for (k, _), (f, d) in objects.items() if k == "Service"]
    if not services:
        problem(directory, "no Service")
    for sfile, service in services:
        if service["spec"].get("selector", {}).items() - labels.items():
            problem(str(sfile), "the Service selector does not match the pod's labels")
        for port in service["spec"].get("ports", []):
            target = port.get("targetPort", port.get("port"))
            if target not in ports and target not in ports.values():
                problem(str(sfile), f"targetPort {target} is not a container port")
    finish()


COMMANDS = {
    "yaml": cmd_yaml,
    "grafana": cmd_grafana,
    "alerts": cmd_alerts,
    "prometheus-copy": cmd_prometheus_copy,
    "prometheus-live-config": cmd_prometheus_live_config,
    "prometheus-live": cmd_prometheus_live,
    "dockerfile": cmd_dockerfile,
    "compose": cmd_compose,
    "k8s": cmd_k8s,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: check.py {'|'.join(COMMANDS)} ARGS...", file=sys.stderr)
        sys.exit(2)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f"{sys.argv[1]}: cannot check: {type(e).__name__}: {' '.join(str(e).split())}")
        sys.exit(1)
