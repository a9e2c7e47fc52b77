"""Checks every file in deploy/ that can be checked without systemd running,
a Docker engine or a Kubernetes cluster:

- the systemd units pass `systemd-analyze verify` with no warning at all, and
  the flags they pass exist in the built binaries;
- the Kubernetes manifests parse as YAML and fit together (labels, ports,
  probes, the volume claim, the config map, the CronJob's server address),
  and so does the PostgreSQL overlay, merged onto them as kustomize would;
- compose.yaml starts rungd on PostgreSQL once PostgreSQL is healthy;
- the Dockerfile's runtime packages provide every shared library that the
  built rungd and rungctl load, and its build packages are the project's.
"""

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import yaml

SOURCE_DIR = os.environ.get(
    "RUNG_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
)
DEPLOY = os.path.join(SOURCE_DIR, "deploy")
RUNGD = os.environ["RUNGD"]
RUNGCTL = os.environ["RUNGCTL"]
INSTALLED = {"/usr/local/bin/rungd": RUNGD, "/usr/local/bin/rungctl": RUNGCTL}


def read(*parts):
    with open(os.path.join(DEPLOY, *parts), encoding="utf-8") as f:
        return f.read()


def flag_names(args):
    return [arg.split("=", 1)[0] for arg in args if arg.startswith("--")]


def help_text(binary, *command):
    # rungd is built on absl flags (--helpfull); rungctl prints usage for --help.
    flag = "--helpfull" if binary == RUNGD else "--help"
    result = subprocess.run([binary, *command, flag], capture_output=True, text=True, timeout=30)
    return result.stdout + result.stderr


class FlagCheck:
    def assert_flags_exist(self, argv):
        """Every --flag in argv is one the binary it starts knows."""
        binary = INSTALLED.get(argv[0])
        self.assertIsNotNone(binary, f"{argv[0]} is not a binary this project installs")
        command = [arg for arg in argv[1:2] if not arg.startswith("-")]
        usage = help_text(binary, *command)
        for flag in flag_names(argv[1:]):
            self.assertRegex(usage, rf"(?m){re.escape(flag)}\b", f"{argv[0]} has no flag {flag}")


    def assert_rungctl_accepts(self, argv):
        """rungctl takes argv as written: with its server out of reach it
        fails to connect (exit 1), not on usage (exit 2)."""
        args = [a if not a.startswith("--server=") else "--server=127.0.0.1:1" for a in argv[1:]]
        result = subprocess.run([RUNGCTL, *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("cannot reach 127.0.0.1:1", result.stderr)


class SystemdUnitsTest(unittest.TestCase, FlagCheck):
    UNITS = ["rungd.service", "rung-evaluate.service", "rung-evaluate.timer", "rung-sync.service"]

    def unit(self, name):
        return read("systemd", name)

    def exec_start(self, name):
        text = self.unit(name).replace("\\\n", " ")
        match = re.search(r"(?m)^ExecStart=(.*)$", text)
        self.assertIsNotNone(match, f"{name} has no ExecStart")
        return shlex.split(match.group(1))

    def test_units_verify_without_warnings(self):
        with tempfile.TemporaryDirectory() as scratch:
            paths = []
            for name in self.UNITS:
                text = self.unit(name)
                # verify insists that ExecStart's binary exists: point it at the build.
                for installed, built in INSTALLED.items():
                    text = text.replace(installed, built)
                path = os.path.join(scratch, name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                paths.append(path)
            result = subprocess.run(
                ["systemd-analyze", "verify", *paths], capture_output=True, text=True, timeout=60
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.strip(), "", "systemd-analyze warned")

    def test_the_timer_fires_on_monday_mornings(self):
        match = re.search(r"(?m)^OnCalendar=(.*)$", self.unit("rung-evaluate.timer"))
        self.assertIsNotNone(match)
        result = subprocess.run(
            ["systemd-analyze", "calendar", "--iterations=4", match.group(1)],
            capture_output=True, text=True, timeout=30,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        elapses = re.findall(r"(?:Next elapse|Iter\. #\d+): (\w+) \S+ (\d\d):", result.stdout)
        self.assertEqual(len(elapses), 4, result.stdout)
        for weekday, hour in elapses:
            self.assertEqual(weekday, "Mon")
            self.assertLess(int(hour), 12)
        self.assertIn("Unit=rung-evaluate.service", self.unit("rung-evaluate.timer"))

    def test_exec_start_flags_exist(self):
        for name in ["rungd.service", "rung-evaluate.service", "rung-sync.service"]:
            with self.subTest(unit=name):
                self.assert_flags_exist(self.exec_start(name))

    def test_the_evaluation_talks_to_the_daemons_address(self):
        listen = [a for a in self.exec_start("rungd.service") if a.startswith("--listen=")]
        server = [a for a in self.exec_start("rung-evaluate.service") if a.startswith("--server=")]
        self.assertEqual([a.split("=", 1)[1] for a in listen], [a.split("=", 1)[1] for a in server])
        self.assertEqual(self.exec_start("rung-evaluate.service")[1], "evaluate")
        self.assert_rungctl_accepts(self.exec_start("rung-evaluate.service"))


    def test_the_evaluation_starts_after_the_sync_without_needing_it(self):
        evaluate = self.unit("rung-evaluate.service")
        self.assertRegex(evaluate, r"(?m)^Wants=.*\brung-sync\.service\b")
        self.assertRegex(evaluate, r"(?m)^After=.*\brung-sync\.service\b")
        self.assertNotRegex(evaluate, r"(?m)^Requires=.*rung-sync")

    def test_the_sync_reads_the_token_from_a_credential_and_talks_to_the_daemon(self):
        sync = self.unit("rung-sync.service")
        self.assertIn("LoadCredential=meta-token:/etc/rung/meta-token", sync)
        self.assertNotIn("META_ACCESS_TOKEN", sync)
        argv = self.exec_start("rung-sync.service")
        self.assertEqual(argv[1], "sync")
        listen = [a for a in self.exec_start("rungd.service") if a.startswith("--listen=")]
        self.assertIn("--server=" + listen[0].split("=", 1)[1], argv)
        assert_sync_accepts(self, argv, {"RUNG_SYNC_ACCOUNTS": "act_1,act_2"})


def assert_sync_accepts(test, argv, env):
    """rungctl sync takes argv as written, with systemd's or Kubernetes'
    variables filled in: with Meta out of reach it fails each account (exit
    1), not on usage (exit 2)."""
    with tempfile.TemporaryDirectory() as credentials:
        with open(os.path.join(credentials, "access-token"), "w", encoding="utf-8") as f:
            f.write("token\n")
        values = dict(env, CREDENTIALS_DIRECTORY=credentials)
        args = []
        for arg in argv[1:]:
            for name, value in values.items():
                arg = arg.replace("${%s}" % name, value).replace("$(%s)" % name, value)
            arg = re.sub(r"=/etc/rung-meta/access-token$", "=" + credentials + "/access-token", arg)
            arg = arg.replace(credentials + "/meta-token", credentials + "/access-token")
            args.append(arg)
        result = subprocess.run(
            [RUNGCTL, *args, "--graph-url=http://127.0.0.1:1", "--max-wait=1s"],
            capture_output=True, text=True, timeout=60,
        )
    test.assertEqual(result.returncode, 1, result.stderr)
    for account in values["RUNG_SYNC_ACCOUNTS"].split(","):
        test.assertIn(f"rungctl: {account}: ", result.stderr)


# --- A kustomize of our own: just what deploy/ uses -------------------------
# Resources (files, or folders with a kustomization.yaml), strategic merge
# patches (lists of objects merged by their key, `$patch: delete`) and the
# namespace. kubectl is not here; this is enough to check what the overlay
# makes of the base.

# The merge key of each list of objects the manifests patch.
MERGE_KEYS = {"containers": "name", "volumes": "name", "env": "name", "ports": "containerPort",
              "volumeMounts": "mountPath"}
# Replaced whole rather than merged, as Kubernetes' retainKeys strategy does.
RETAIN_KEYS = {"strategy"}


def merge(base, patch):
    """`patch` merged into `base` (a new object), a strategic merge patch."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return patch
    merged = dict(base)
    for key, value in patch.items():
        if key in RETAIN_KEYS:
            merged[key] = value
        elif key in MERGE_KEYS and isinstance(value, list) and key in merged:
            merged[key] = merge_list(merged[key], value, MERGE_KEYS[key])
        elif key in merged:
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def merge_list(base, patch, merge_key):
    items = list(base)
    for item in patch:
        index = next((i for i, old in enumerate(items) if old.get(merge_key) == item.get(merge_key)),
                     None)
        if item.get("$patch") == "delete":
            if index is None:
                raise AssertionError(f"$patch: delete of {item}: no such item")
            del items[index]
        elif index is None:
            items.append(item)
        else:
            items[index] = merge(items[index], item)
    return items


def kustomize(folder):
    """The resources that `kubectl kustomize folder` builds, as a list."""
    with open(os.path.join(folder, "kustomization.yaml"), encoding="utf-8") as f:
        kustomization = yaml.safe_load(f)
    docs = []
    for resource in kustomization.get("resources", []):
        path = os.path.normpath(os.path.join(folder, resource))
        if os.path.isdir(path):
            docs.extend(kustomize(path))
        else:
            with open(path, encoding="utf-8") as f:
                docs.extend(yaml.safe_load_all(f))
    for patch_entry in kustomization.get("patches", []):
        with open(os.path.join(folder, patch_entry["path"]), encoding="utf-8") as f:
            patch = yaml.safe_load(f)
        targets = [i for i, doc in enumerate(docs)
                   if (doc["kind"], doc["metadata"]["name"])
                   == (patch["kind"], patch["metadata"]["name"])]
        if len(targets) != 1:
            raise AssertionError(f"{patch_entry['path']}: {len(targets)} targets")
        if patch.get("$patch") == "delete":
            del docs[targets[0]]
        else:
            docs[targets[0]] = merge(docs[targets[0]], patch)
    for doc in docs:
        if "namespace" in kustomization and doc["kind"] != "Namespace":
            doc.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    return docs


class KubernetesManifestsTest(unittest.TestCase, FlagCheck):
    @classmethod
    def setUpClass(cls):
        cls.kustomization = yaml.safe_load(read("kustomization.yaml"))
        cls.docs = {}
        cls.cron_jobs = {}
        for resource in cls.kustomization["resources"]:
            for doc in yaml.safe_load_all(read(resource)):
                if doc["kind"] == "CronJob":
                    cls.cron_jobs[doc["metadata"]["name"]] = doc
                cls.docs.setdefault(doc["kind"], doc)

    def test_every_resource_parses_and_is_named(self):
        self.assertEqual(
            set(self.docs),
            {"Namespace", "PersistentVolumeClaim", "Deployment", "Service", "CronJob"},
        )
        for kind, doc in self.docs.items():
            self.assertIn("apiVersion", doc, kind)
            self.assertTrue(doc["metadata"]["name"], kind)

    def container(self):
        return self.docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]

    def test_one_writer_per_database(self):
        spec = self.docs["Deployment"]["spec"]
        self.assertEqual(spec["replicas"], 1)
        self.assertEqual(spec["strategy"]["type"], "Recreate")
        self.assertEqual(self.docs["PersistentVolumeClaim"]["spec"]["accessModes"], ["ReadWriteOnce"])

    def test_probes_ask_grpc_health_on_the_grpc_port(self):
        container = self.container()
        grpc_port = {p["name"]: p["containerPort"] for p in container["ports"]}["grpc"]
        listen = [a for a in container["args"] if a.startswith("--listen=")]
        self.assertEqual(listen, [f"--listen=0.0.0.0:{grpc_port}"])
        for probe in ["livenessProbe", "readinessProbe"]:
            self.assertEqual(container[probe]["grpc"]["port"], grpc_port, probe)
        self.assertEqual(container["readinessProbe"]["grpc"]["service"], "rung.v1.AdvisorService")

    def test_container_flags_exist(self):
        self.assert_flags_exist(["/usr/local/bin/rungd", *self.container()["args"]])
        self.assertEqual(set(self.cron_jobs), {"rung-evaluate", "rung-sync"})
        for cron_job in self.cron_jobs.values():
            job = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            self.assert_flags_exist(job["containers"][0]["command"])

    def test_volumes_name_the_claim_and_the_config_map(self):
        pod = self.docs["Deployment"]["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["name"]: m["mountPath"] for m in self.container()["volumeMounts"]}
        self.assertEqual(
            volumes["data"]["persistentVolumeClaim"]["claimName"],
            self.docs["PersistentVolumeClaim"]["metadata"]["name"],
        )
        db = [a for a in self.container()["args"] if a.startswith("--db=")][0].split("=", 1)[1]
        self.assertEqual(os.path.dirname(db), mounts["data"])
        generated = self.kustomization["configMapGenerator"][0]
        self.assertEqual(volumes["config"]["configMap"]["name"], generated["name"])
        config = [a for a in self.container()["args"] if a.startswith("--config=")][0]
        self.assertEqual(config, f"--config={mounts['config']}/{generated['files'][0]}")
        for name in generated["files"]:
            self.assertTrue(os.path.isfile(os.path.join(DEPLOY, name)), name)

    def test_the_service_selects_the_pods_and_their_ports(self):
        service = self.docs["Service"]["spec"]
        labels = self.docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
        self.assertLessEqual(service["selector"].items(), labels.items())
        port_names = {p["name"] for p in self.container()["ports"]}
        for port in service["ports"]:
            self.assertIn(port["targetPort"], port_names)

    def test_the_cron_job_evaluates_weekly_through_the_service(self):
        spec = self.cron_jobs["rung-evaluate"]["spec"]
        minute, hour, day, month, weekday = spec["schedule"].split()
        self.assertEqual((day, month, weekday), ("*", "*", "1"))
        self.assertEqual(spec["concurrencyPolicy"], "Forbid")
        command = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
        self.assertEqual(command[:2], ["/usr/local/bin/rungctl", "evaluate"])
        grpc_port = {p["name"]: p["port"] for p in self.docs["Service"]["spec"]["ports"]}["grpc"]
        self.assertIn(f"--server={self.docs['Service']['metadata']['name']}:{grpc_port}", command)
        self.assert_rungctl_accepts(command)

    def test_the_sync_ends_before_the_evaluation_starts(self):
        sync = self.cron_jobs["rung-sync"]["spec"]
        evaluate = self.cron_jobs["rung-evaluate"]["spec"]
        s_minute, s_hour, *s_days = sync["schedule"].split()
        e_minute, e_hour, *e_days = evaluate["schedule"].split()
        self.assertEqual(s_days, e_days)
        self.assertEqual(sync["timeZone"], evaluate["timeZone"])
        gap = (int(e_hour) * 60 + int(e_minute)) - (int(s_hour) * 60 + int(s_minute))
        # The Job's deadline counts from its start, which may come late.
        latest_end = (sync["startingDeadlineSeconds"]
                      + sync["jobTemplate"]["spec"]["activeDeadlineSeconds"])
        self.assertLess(latest_end, gap * 60)

    def test_the_sync_reads_the_token_from_the_mounted_secret(self):
        pod = self.cron_jobs["rung-sync"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        command = container["command"]
        self.assertEqual(command[:2], ["/usr/local/bin/rungctl", "sync"])
        env = {e["name"]: e for e in container["env"]}
        self.assertNotIn("META_ACCESS_TOKEN", env)
        token_flag = [a for a in command if a.startswith("--meta-token-file=")][0]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(os.path.dirname(token_flag.split("=", 1)[1]), mounts["meta"])
        self.assertEqual(volumes["meta"]["secret"]["secretName"], "rung-meta")
        grpc_port = {p["name"]: p["port"] for p in self.docs["Service"]["spec"]["ports"]}["grpc"]
        self.assertIn(f"--server={self.docs['Service']['metadata']['name']}:{grpc_port}", command)
        assert_sync_accepts(self, command, {"RUNG_SYNC_ACCOUNTS": env["RUNG_SYNC_ACCOUNTS"]["value"]})



def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


class PostgresOverlayTest(unittest.TestCase, FlagCheck):
    OVERLAY = os.path.join(DEPLOY, "k8s", "overlays", "postgres")

    @classmethod
    def setUpClass(cls):
        cls.base = kustomize(DEPLOY)
        cls.docs = kustomize(cls.OVERLAY)
        cls.by_kind = {}
        for doc in cls.docs:
            cls.by_kind.setdefault(doc["kind"], []).append(doc)

    def deployment(self):
        [deployment] = self.by_kind["Deployment"]
        return deployment

    def container(self):
        return self.deployment()["spec"]["template"]["spec"]["containers"][0]

    def test_what_it_names_exists_and_builds_on_the_base(self):
        with open(os.path.join(self.OVERLAY, "kustomization.yaml"), encoding="utf-8") as f:
            kustomization = yaml.safe_load(f)
        self.assertEqual(os.path.normpath(os.path.join(self.OVERLAY, kustomization["resources"][0])),
                         os.path.normpath(DEPLOY))
        for name in kustomization["resources"][1:] + [p["path"] for p in kustomization["patches"]]:
            self.assertTrue(os.path.isfile(os.path.join(self.OVERLAY, name)), name)
        self.assertEqual(kustomization["namespace"], "rung")
        # Everything of the base but the claim, and a disruption budget.
        base = {(d["kind"], d["metadata"]["name"]) for d in self.base}
        overlay = {(d["kind"], d["metadata"]["name"]) for d in self.docs}
        self.assertEqual(base - overlay, {("PersistentVolumeClaim", "rungd-data")})
        self.assertEqual(overlay - base, {("PodDisruptionBudget", "rungd")})

    def test_two_replicas_roll_without_losing_one(self):
        spec = self.deployment()["spec"]
        self.assertEqual(spec["replicas"], 2)
        self.assertEqual(spec["strategy"], {"type": "RollingUpdate",
                                            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}})
        [budget] = self.by_kind["PodDisruptionBudget"]
        self.assertEqual(budget["apiVersion"], "policy/v1")
        self.assertEqual(budget["spec"]["minAvailable"], 1)
        labels = spec["template"]["metadata"]["labels"]
        self.assertLessEqual(budget["spec"]["selector"]["matchLabels"].items(), labels.items())

    def test_replicas_prefer_different_nodes(self):
        pod = self.deployment()["spec"]["template"]["spec"]
        labels = self.deployment()["spec"]["template"]["metadata"]["labels"]
        [term] = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        self.assertEqual(term["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname")
        self.assertLessEqual(term["podAffinityTerm"]["labelSelector"]["matchLabels"].items(),
                             labels.items())
        for spread in pod["topologySpreadConstraints"]:
            self.assertEqual(spread["whenUnsatisfiable"], "ScheduleAnyway")
            self.assertLessEqual(spread["labelSelector"]["matchLabels"].items(), labels.items())

    def test_the_database_comes_from_a_secret_and_no_volume(self):
        self.assertNotIn("PersistentVolumeClaim", self.by_kind)
        container = self.container()
        self.assertEqual([a for a in container["args"] if a.split("=", 1)[0] == "--db"], [])
        self.assertEqual(env_of(container)["RUNG_DB"]["valueFrom"]["secretKeyRef"],
                         {"name": "rung-postgres", "key": "uri"})
        pod = self.deployment()["spec"]["template"]["spec"]
        for volume in pod["volumes"]:
            self.assertNotIn("persistentVolumeClaim", volume)
        # Every mount has its volume, and the CA is the same Secret's, optional.
        volumes = {v["name"]: v for v in pod["volumes"]}
        for mount in container["volumeMounts"]:
            self.assertIn(mount["name"], volumes)
        ca = volumes["postgres-ca"]["secret"]
        self.assertEqual((ca["secretName"], ca["optional"]), ("rung-postgres", True))

    def test_probes_ask_grpc_health_and_liveness_is_patient(self):
        container = self.container()
        grpc_port = {p["name"]: p["containerPort"] for p in container["ports"]}["grpc"]
        readiness, liveness = container["readinessProbe"], container["livenessProbe"]
        self.assertEqual(readiness["grpc"], {"port": grpc_port, "service": "rung.v1.AdvisorService"})
        self.assertEqual(liveness["grpc"]["port"], grpc_port)
        readiness_seconds = readiness["periodSeconds"] * readiness["failureThreshold"]
        liveness_seconds = liveness["periodSeconds"] * liveness["failureThreshold"]
        self.assertGreaterEqual(liveness_seconds, 300)
        self.assertGreater(liveness_seconds, 10 * readiness_seconds)

    def test_container_flags_exist(self):
        self.assert_flags_exist(["/usr/local/bin/rungd", *self.container()["args"]])

    def test_the_comments_say_how_to_make_the_secret_and_back_up(self):
        text = read("k8s", "overlays", "postgres", "kustomization.yaml")
        self.assertIn("kubectl -n rung create secret generic rung-postgres", text)
        self.assertIn("sslmode=verify-full", text)
        self.assertIn("FAILED_PRECONDITION", text)


class ComposeTest(unittest.TestCase, FlagCheck):
    @classmethod
    def setUpClass(cls):
        cls.compose = yaml.safe_load(read("compose.yaml"))
        cls.services = cls.compose["services"]

    def test_postgres_is_15_with_a_health_check_and_a_volume(self):
        postgres = self.services["postgres"]
        self.assertEqual(postgres["image"], "postgres:15")
        self.assertIn("pg_isready", " ".join(postgres["healthcheck"]["test"]))
        volume = postgres["volumes"][0].split(":")[0]
        self.assertIn(volume, self.compose["volumes"])

    def test_rungd_waits_for_a_healthy_postgres_and_reads_rung_db(self):
        rungd = self.services["rungd"]
        self.assertEqual(rungd["depends_on"], {"postgres": {"condition": "service_healthy"}})
        environment = rungd["environment"]
        env = self.services["postgres"]["environment"]
        self.assertEqual(
            environment["RUNG_DB"],
            f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@postgres:5432/"
            f"{env['POSTGRES_DB']}")
        self.assertEqual(rungd["build"]["dockerfile"], "deploy/Dockerfile")
        self.assertTrue(os.path.isfile(os.path.join(DEPLOY, rungd["build"]["context"],
                                                    rungd["build"]["dockerfile"])))

    def test_rungd_starts_with_its_token_config_on_the_published_ports(self):
        rungd = self.services["rungd"]
        argv = ["/usr/local/bin/rungd", *rungd["command"]]
        self.assert_flags_exist(argv)
        self.assertNotIn("--db", flag_names(argv))
        config = [a for a in argv if a.startswith("--config=")][0].split("=", 1)[1]
        mounts = dict(reversed(m.split(":")[:2]) for m in rungd["volumes"])
        source = os.path.join(DEPLOY, mounts[config])
        # The config parses, lists the demo token, and rungd starts beyond
        # loopback with it (here on SQLite, in a scratch folder).
        token = rungd["environment"]["RUNG_TOKEN"]
        with open(source, encoding="utf-8") as f:
            self.assertIn(hashlib.sha256(token.encode()).hexdigest(), f.read())
        with tempfile.TemporaryDirectory() as scratch:
            process = subprocess.Popen(
                [RUNGD, "--listen=0.0.0.0:0", "--http_listen=", f"--config={source}",
                 f"--db={scratch}/rung.db"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
            try:
                line = process.stdout.readline()
            finally:
                process.terminate()
                _, err = process.communicate(timeout=30)
        self.assertTrue(line.startswith("listening on 0.0.0.0:"), err)
        published = {p.rsplit(":", 1)[1] for p in rungd["ports"]}
        listens = {a.rsplit(":", 1)[1] for a in argv if a.startswith(("--listen=", "--http_listen="))}
        self.assertEqual(published, listens)
        for port in rungd["ports"]:
            self.assertTrue(port.startswith("127.0.0.1:"), port)


def install_lists(dockerfile):
    """The package names of each `apt-get install` in the Dockerfile, in order."""
    text = dockerfile.replace("\\\n", " ")
    lists = []
    for match in re.finditer(r"apt-get install ([^&]*)", text):
        lists.append([w for w in match.group(1).split() if not w.startswith("-")])
    return lists


def owning_packages(libraries):
    """The Debian package of each library path, asked of dpkg in one call.

    dpkg knows a file by the path its package shipped, which with Debian's
    merged /usr may differ from the one the loader printed."""
    spellings = {}
    for library in libraries:
        for path in {library, os.path.realpath(library)}:
            for candidate in [path, "/usr" + path]:
                spellings[candidate] = library
    result = subprocess.run(["dpkg", "-S", *spellings], capture_output=True, text=True)
    owners = {}
    for line in result.stdout.splitlines():
        package, path = line.split(": ", 1)
        owners[spellings[path]] = package.split(":", 1)[0]
    unowned = set(libraries) - set(owners)
    if unowned:
        raise AssertionError(f"no package owns {sorted(unowned)}")
    return set(owners.values())


def dependency_closure(packages):
    result = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", "--no-pre-depends", *packages],
        capture_output=True, text=True, timeout=120, check=True,
    )
    closure = set(packages)
    for line in result.stdout.splitlines():
        match = re.match(r"^\s*(?:\|)?Depends: <?([^>\s:]+)", line)
        if match:
            closure.add(match.group(1))
        elif line and not line.startswith(" "):
            closure.add(line.strip().split(":")[0])
    return closure


# Packages every debian:12-slim image has.
SLIM_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}

class DockerfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dockerfile = read("Dockerfile")
        cls.build_packages, cls.runtime_packages = install_lists(cls.dockerfile)

    def test_both_stages_are_debian_12(self):
        self.assertEqual(re.findall(r"(?m)^FROM (\S+)", self.dockerfile), ["debian:12", "debian:12-slim"])

    def test_runtime_packages_provide_every_shared_library(self):
        libraries = set()
        for binary in [RUNGD, RUNGCTL]:
            ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True)
            libraries.update(re.findall(r"=> (/\S+)", ldd.stdout))
        needed = owning_packages(libraries)
        available = dependency_closure(self.runtime_packages) | SLIM_BASE
        self.assertEqual(needed - available, set(), "missing from the runtime stage")

    def test_build_packages_are_the_projects(self):
        with open(os.path.join(SOURCE_DIR, "scripts", "install-deps"), encoding="utf-8") as f:
            install_deps = f.read()
        for package in self.build_packages:
            self.assertRegex(install_deps, rf"(?<![\w.+-]){re.escape(package)}(?![\w.+-])")

    def test_copied_sources_exist(self):
        for source in re.findall(r"(?m)^COPY (?!--from)(\S+)", self.dockerfile):
            self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, source)), source)

    def test_the_runtime_has_the_postgresql_client_library(self):
        self.assertIn("libpq5", self.runtime_packages)
        self.assertIn("libpq-dev", self.build_packages)

    def test_entrypoint_flags_exist(self):
        entrypoint = yaml.safe_load(re.search(r"(?m)^ENTRYPOINT (.*)$", self.dockerfile).group(1))
        cmd = yaml.safe_load(
            re.search(r"(?ms)^CMD (\[.*?\])", self.dockerfile).group(1).replace("\\\n", " ")
        )
        self.assertEqual(entrypoint, ["/usr/local/bin/rungd"])
        usage = help_text(RUNGD)
        for flag in flag_names(cmd):
            self.assertRegex(usage, rf"(?m){re.escape(flag)}\b")


if __name__ == "__main__":
    unittest.main()
