"""How many AWS calls a live scan makes, and how well regions overlap. Run:
``python benchmarks/bench_live.py`` (needs moto[server], as in the test extra).

A ``moto_server`` is started on 127.0.0.1 (a free port); accounts are built
in it with boto3, and ``batchlint.aws.live.collect`` — the collector behind
``batchlint scan`` and ``batchlint export`` — is run in this process against
it (``AWS_ENDPOINT_URL``), with fake credentials and none of the host's AWS
settings.

1. Calls: one region holding N compute environments, N job queues and 10 x N job
   definitions, for each N of ``--sizes``. A botocore ``before-call`` hook
   counts every call per service and operation. The counts must grow with the
   number of *pages*, not of resources: ``ceil(items / page size)`` calls for
   each Batch describe, one ``ListJobs`` per queue (the API takes one queue per
   call), and for EC2, IAM, Service Quotas and STS the same count at every N
   (the environments share a few launch templates, instance profiles and
   instance families, as real ones do). Each environment names a subnet of its own
   (half of them explicitly associated with a route table, half on the VPC's main
   table) and the VPC has an S3 endpoint: the network calls (``DescribeSubnets``,
   ``DescribeRouteTables`` twice: explicit associations, then main tables;
   ``DescribeVpcEndpoints``, ``DescribeSecurityGroups``,
   ``DescribeInstanceTypeOfferings``) send the ids in filters of up to 200 values,
   so they too are the same at every N up to 200 subnets.

   moto answers Batch's describes in one response whatever ``maxResults`` is,
   which would hide a collector that asks for small pages or ignores
   ``nextToken``. So the same hook serves those four operations (describe
   compute environments, job queues, job definitions; list jobs) in pages, the
   way AWS does: it reads the full answer from moto once with a separate
   client, then returns ``min(maxResults or 100, API maximum)`` items per call
   and a ``nextToken`` while items remain (a non-None return of a
   ``before-call`` handler is botocore's response). Every other call goes to
   moto as it is. moto serves no EC2 vCPU quota, so ``GetServiceQuota`` is
   answered NoSuchResource: still one call per quota code.

2. Parallel regions: the same account (``--parallel-n``) in 4 regions. The hook
   also sleeps 50 ms in every call, an artificial network latency; a
   4-region collect is timed against a 1-region collect (median of
   ``--repeats``, interleaved). Regions run in parallel, so the target is a
   ratio of at most 1.5. The overlap of the regions' first-to-last call spans
   is printed as a direct measure of parallelism, and beside this process's CPU
   time (``cpu``: botocore and batchlint, which the GIL serialises) the CPU time
   moto_server spent answering (``server``; AWS would spread it over each region's
   own servers). With 50 ms per call the regions' latency overlaps; what does not is
   CPU, so on a busy machine (the load average is printed) the ratio tends towards
   the CPU ratio.

``--check`` makes the exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGION = "us-east-1"
FOUR_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
LATENCY_S = 0.050
GLOBAL = ("iam", "sts")
RATIO_TARGET = 1.5
# operation -> (result key, default page size, largest maxResults AWS accepts)
PAGED = {
    "DescribeComputeEnvironments": ("computeEnvironments", 100, 100),
    "DescribeJobQueues": ("jobQueues", 100, 100),
    "DescribeJobDefinitions": ("jobDefinitions", 100, 100),
    "ListJobs": ("jobSummaryList", 100, 1000),
}
TEMPLATES = 5  # launch templates per region, shared by the environments
PROFILES = 3  # instance profiles, shared by the environments of every region
INSTANCE_TYPES = (["m5"], ["c5.large", "c5.xlarge"], ["r6i"], ["optimal"], ["g5"])


# -- moto_server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """A moto_server of our own on a free port, stopped on exit."""
    # moto itself uses boto3: the host's AWS settings (a profile, say) must not reach it
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO"))}
    env.update(MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    for _ in range(3):
        port = free_port()
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=out, stderr=subprocess.STDOUT, env=env)
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if answers(f"{endpoint}/moto-api/"):
                break
            time.sleep(0.1)
        if proc.poll() is None and answers(f"{endpoint}/moto-api/"):
            SERVER_PID[0] = proc.pid
            try:
                yield endpoint
            finally:
                stop(proc)
            return
        stop(proc)
    sys.exit(f"bench: moto_server did not start:\n{log.read_text(errors='replace')[-2000:]}")


SERVER_PID = [0]  # moto_server's process, whose CPU time each collect reports


def server_cpu() -> float:
    """CPU seconds moto_server has used (Linux /proc; 0 elsewhere): the part of a collect's
    wall time spent answering, which AWS spreads over each region's own servers."""
    try:
        fields = Path(f"/proc/{SERVER_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30):
        pass


def isolate_aws_env(work: Path, endpoint: str) -> None:
    """Only fake credentials and the endpoint: none of the host's AWS settings."""
    for name in [n for n in os.environ if n.startswith(("AWS_", "BOTO"))]:
        del os.environ[name]
    os.environ.update({
        "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(work / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    })


# -- the account ------------------------------------------------------------------


def _trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def populate(endpoint: str, regions: tuple[str, ...], n: int) -> None:
    """N environments, N queues and 10 x N job definitions in each region."""
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")

    def client(service: str, region: str = REGION) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    iam = client("iam")
    service_role = iam.create_role(RoleName="BatchServiceRole",
                                   AssumeRolePolicyDocument=_trust("batch.amazonaws.com"))
    iam.attach_role_policy(
        RoleName="BatchServiceRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole")
    profiles = []
    for i in range(PROFILES):
        iam.create_role(RoleName=f"BatchInstanceRole{i}",
                        AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"))
        iam.attach_role_policy(
            RoleName=f"BatchInstanceRole{i}",
            PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")
        profiles.append(iam.create_instance_profile(
            InstanceProfileName=f"BatchInstanceProfile{i}")["InstanceProfile"]["Arn"])
        iam.add_role_to_instance_profile(InstanceProfileName=f"BatchInstanceProfile{i}",
                                         RoleName=f"BatchInstanceRole{i}")
    for region in regions:
        ec2, batch = client("ec2", region), client("batch", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        group = ec2.create_security_group(GroupName="batch", Description="batch",
                                          VpcId=vpc)["GroupId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway",
                                ServiceName=f"com.amazonaws.{region}.s3")
        subnets = []
        for i in range(n):  # one subnet per environment: the network calls must not grow
            subnets.append(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i % 256}.0/24")[
                "Subnet"]["SubnetId"])
            if i % 2:
                ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[-1])
        images = [i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"]]
        for t in range(TEMPLATES):
            ec2.create_launch_template(LaunchTemplateName=f"batch-{t}", LaunchTemplateData={
                "ImageId": images[t % len(images)],
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                         "Ebs": {"VolumeSize": 100, "VolumeType": "gp3"}}]})
        for i in range(n):
            ce = batch.create_compute_environment(
                computeEnvironmentName=f"ce-{i:04d}", type="MANAGED", state="ENABLED",
                serviceRole=service_role["Role"]["Arn"],
                computeResources={
                    # every (type, instance types) pair occurs by N = 10, so the quota
                    # codes and instance types referenced are the same at every N >= 10
                    "type": "SPOT" if (i // len(INSTANCE_TYPES)) % 2 else "EC2",
                    "minvCpus": 0, "maxvCpus": 64,
                    "desiredvCpus": 0, "instanceTypes": INSTANCE_TYPES[i % len(INSTANCE_TYPES)],
                    "subnets": [subnets[i]], "securityGroupIds": [group],
                    "instanceRole": profiles[i % PROFILES],
                    "launchTemplate": {"launchTemplateName": f"batch-{i % TEMPLATES}"},
                })
            batch.create_job_queue(jobQueueName=f"q-{i:04d}", state="ENABLED", priority=1,
                                   computeEnvironmentOrder=[{
                                       "order": 1,
                                       "computeEnvironment": ce["computeEnvironmentArn"]}])
        for j in range(10 * n):
            batch.register_job_definition(
                jobDefinitionName=f"jd-{j:05d}", type="container",
                retryStrategy={"attempts": 3},
                containerProperties={"image": "busybox", "vcpus": 1, "memory": 512})


# -- the probe: counts, latency, AWS's paging ----------------------------------------


@dataclass
class Probe:
    endpoint: str
    latency: float = 0.0
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    # [start of the first call, end of the last] per region (its Batch, EC2 and Service
    # Quotas calls) and for the global services, "iam" and "sts"
    spans: dict[str, list[float]] = field(default_factory=dict)
    _full: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _plain: threading.local = field(default_factory=threading.local)

    def install(self, session: Any) -> None:
        events = session._session.get_component("event_emitter")
        events.register("before-call", self.before_call, unique_id="bench-live-probe")

    def before_call(self, model: Any, params: dict[str, Any], request_signer: Any,
                    **_: Any) -> Any:
        service = model.service_model.signing_name
        region = request_signer.region_name
        now = time.perf_counter()
        with self._lock:
            self.calls[(service, model.name)] += 1
            span = self.spans.setdefault(service if service in GLOBAL else region, [now, now])
            span[1] = now + self.latency
        if self.latency:
            time.sleep(self.latency)
        if service == "batch" and model.name in PAGED:
            return self._page(model.name, region, params)
        return None

    def _page(self, operation: str, region: str, params: dict[str, Any]) -> Any:
        from botocore.awsrequest import AWSResponse

        key, default, largest = PAGED[operation]
        body = json.loads(params.get("body") or b"{}")
        start = int(body.pop("nextToken", None) or 0)
        size = min(int(body.pop("maxResults", None) or default), largest)
        items = self._everything(operation, region, key, body)
        parsed: dict[str, Any] = {key: items[start:start + size],
                                  "ResponseMetadata": {"HTTPStatusCode": 200}}
        if start + size < len(items):
            parsed["nextToken"] = str(start + size)
        return AWSResponse(params.get("url", ""), 200, {}, None), parsed

    def _everything(self, operation: str, region: str, key: str,
                    body: dict[str, Any]) -> list[Any]:
        """The full answer, read once from moto by a client without this probe."""
        cache_key = (region, operation, json.dumps(body, sort_keys=True))
        with self._lock:
            if cache_key in self._full:
                return self._full[cache_key]
        clients = getattr(self._plain, "clients", None)
        if clients is None:
            clients = self._plain.clients = {}
        if region not in clients:
            import boto3

            clients[region] = boto3.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing",
            ).client("batch", region_name=region, endpoint_url=self.endpoint)
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
        items = [item for page in clients[region].get_paginator(snake).paginate(**body)
                 for item in page.get(key) or []]
        with self._lock:
            return self._full.setdefault(cache_key, items)

    def overlap(self) -> int:
        """The largest number of regions whose first-to-last call spans overlap."""
        spans = self.regional()
        events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans],
                        key=lambda x: (x[0], -x[1]))
        best = depth = 0
        for _, step in events:
            depth += step
            best = max(best, depth)
        return best

    def regional(self) -> list[list[float]]:
        return [span for key, span in self.spans.items() if key not in GLOBAL]

    def phases(self, start: float, wall: float) -> dict[str, float]:
        """Seconds before the first regional call (sessions, clients, STS), from it to the
        end of the last one (the regions), of the IAM calls, and the rest."""
        spans = self.regional()
        first = min((s for s, _ in spans), default=start)
        last = max((e for _, e in spans), default=first)
        iam = self.spans.get("iam", [last, last])
        out = {"before regions": first - start, "regions": last - first,
               "IAM": iam[1] - iam[0]}
        out["rest"] = wall - sum(out.values())
        return out


@contextmanager
def probed(probe: Probe) -> Iterator[None]:
    """Install ``probe`` on every session batchlint makes (each passes through ``guard``)."""
    from batchlint.aws import session as sess

    original = sess.guard

    def guard(session: Any, *args: Any, **kwargs: Any) -> Any:
        original(session, *args, **kwargs)
        probe.install(session)
        return session

    sess.guard = guard  # type: ignore[assignment]
    try:
        yield
    finally:
        sess.guard = original  # type: ignore[assignment]


@dataclass
class Collected:
    probe: Probe
    snapshot: dict[str, Any]
    notes: list[str]
    start: float
    wall: float
    cpu: float  # of this process: the part that threads cannot overlap (the GIL)
    server: float = 0.0  # CPU seconds moto_server spent on it

    def phases(self) -> dict[str, float]:
        return self.probe.phases(self.start, self.wall)


def collect(endpoint: str, regions: tuple[str, ...], latency: float = 0.0) -> Collected:
    from batchlint.aws import live

    probe = Probe(endpoint, latency)
    with probed(probe):
        cpu, server, start = time.process_time(), server_cpu(), time.perf_counter()
        result = live.collect(live.LiveOptions(regions=regions))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Collected(probe, result.snapshot, result.notes, start, wall, cpu,
                     server_cpu() - server)


# -- 1. calls per service -----------------------------------------------------------


def expected_calls(operation: str, n: int) -> int | None:
    """Calls a paging collector makes at N, or None where the count must not depend on N."""
    if operation == "batch:ListJobs":
        return n  # one per queue (no RUNNABLE job here): the API takes one queue per call
    items = {"batch:DescribeComputeEnvironments": n, "batch:DescribeJobQueues": n,
             "batch:DescribeJobDefinitions": 10 * n}.get(operation)
    if items is None:
        return None
    _, _, largest = PAGED[operation.split(":", 1)[1]]
    return max(1, math.ceil(items / largest))


def calls_per_service(endpoint: str, sizes: list[int], misses: list[str]) -> None:
    print(f"1. API calls of a one-region collect ({REGION}): N compute environments, N job "
          "queues, 10 x N job definitions;")
    print(f"   {TEMPLATES} launch templates, {PROFILES} instance profiles, "
          f"{len(INSTANCE_TYPES)} instance-type sets shared by the environments; Batch "
          "describes paged as AWS does")
    counts: dict[int, Counter[str]] = {}
    times: dict[int, float] = {}
    for n in sizes:
        reset(endpoint)
        built = time.perf_counter()
        populate(endpoint, (REGION,), n)
        built = time.perf_counter() - built
        run = collect(endpoint, (REGION,))
        probe, notes, elapsed = run.probe, run.notes, run.wall
        region = run.snapshot["accounts"][0]["regions"][0]
        got = (len(region["computeEnvironments"]), len(region["jobQueues"]),
               len(region["jobDefinitions"]))
        if got != (n, n, 10 * n) or notes:
            misses.append(f"N={n}: collected {got}, notes {notes}")
        counts[n] = Counter({f"{s}:{op}": c for (s, op), c in probe.calls.items()})
        times[n] = elapsed
        print(f"   N={n}: built in {built:.1f} s; collected {got[0]} CEs, {got[1]} JQs, "
              f"{got[2]} JDs in {elapsed:.2f} s (no added latency)")
    operations = sorted({op for c in counts.values() for op in c})
    width = max(len(op) for op in [*operations, "operation"])
    head = "".join(f"{'N=' + str(n):>8}" for n in sizes)
    print(f"   {'operation':<{width}}{head}  expected")
    for op in operations:
        row = "".join(f"{counts[n][op]:>8}" for n in sizes)
        rule = expected_calls(op, sizes[0])
        if rule is None:
            ok = len({counts[n][op] for n in sizes}) == 1
            note = "same at every N"
        else:
            ok = all(counts[n][op] == expected_calls(op, n) for n in sizes)
            note = ("N (one per queue: the API takes one queue)" if op == "batch:ListJobs"
                    else "ceil(items / 100)")
        print(f"   {op:<{width}}{row}  {note}{'' if ok else '  <- MISSED'}")
        if not ok:
            misses.append(f"{op}: {[counts[n][op] for n in sizes]} calls, expected {note}")
    print(f"   {'-' * width}{'-' * 8 * len(sizes)}")
    for service in sorted({op.split(':')[0] for op in operations}):
        row = "".join(f"{sum(c for o, c in counts[n].items() if o.startswith(service + ':')):>8}"
                      for n in sizes)
        print(f"   {service:<{width}}{row}")
    total = "".join(f"{sum(counts[n].values()):>8}" for n in sizes)
    print(f"   {'total':<{width}}{total}")
    print()


# -- 2. four regions vs one -----------------------------------------------------------


def parallel_regions(endpoint: str, n: int, repeats: int, misses: list[str]) -> None:
    print(f"2. Wall time with {LATENCY_S * 1000:.0f} ms added to every API call: "
          f"N={n} in each of {len(FOUR_REGIONS)} regions, median of {repeats} (interleaved)")
    reset(endpoint)
    populate(endpoint, FOUR_REGIONS, n)
    cases = {"1 region": FOUR_REGIONS[:1], f"{len(FOUR_REGIONS)} regions": FOUR_REGIONS}
    runs: dict[str, list[Collected]] = {label: [] for label in cases}
    collect(endpoint, FOUR_REGIONS)  # warm-up: imports, connections, moto's lazy state
    for _ in range(repeats):
        for label, regions in cases.items():
            run = collect(endpoint, regions, LATENCY_S)
            scanned = len(run.snapshot["accounts"][0]["regions"])
            if scanned != len(regions) or run.notes:
                misses.append(f"{label}: {scanned} regions collected, notes {run.notes}")
            runs[label].append(run)
    phases = list(runs[next(iter(runs))][0].phases())
    print(f"   {'':<10} {'wall':>6} {'min':>6} {'max':>6} {'cpu':>6} {'server':>6} {'calls':>5} "
          f"{'serial latency':>14}  " + " ".join(f"{p:>14}" for p in phases)
          + "  regions overlapping")
    medians = {}
    for label, done in runs.items():
        walls = [r.wall for r in done]
        medians[label] = statistics.median(walls)
        calls = sum(done[-1].probe.calls.values())
        split = [statistics.median(r.phases()[p] for r in done) for p in phases]
        print(f"   {label:<10} {medians[label]:5.2f}s {min(walls):5.2f}s {max(walls):5.2f}s "
              f"{statistics.median(r.cpu for r in done):5.2f}s "
              f"{statistics.median(r.server for r in done):5.2f}s {calls:>5} "
              f"{calls * LATENCY_S:>13.2f}s  " + " ".join(f"{v:>13.2f}s" for v in split)
              + f"  {done[-1].probe.overlap()} of {len(cases[label])}")
    one, four = medians.values()
    ratio = four / one
    ok = ratio <= RATIO_TARGET
    print(f"   ratio {ratio:.2f}x; target <= {RATIO_TARGET}x -> {'ok' if ok else 'MISSED'}")
    if not ok:
        misses.append(f"4 regions took {ratio:.2f}x one region")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100",
                        help="comma-separated N for the call counts (default 10,100)")
    parser.add_argument("--parallel-n", type=int, default=10,
                        help="N in each region for the timing (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each collect")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    import batchlint

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"batchlint {batchlint.__version__} on Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs (load average {load}); moto_server on 127.0.0.1")
    print()
    misses: list[str] = []
    with tempfile.TemporaryDirectory(prefix="batchlint-bench-live-") as tmp:
        work = Path(tmp)
        with moto_server(work / "moto.log") as endpoint:
            isolate_aws_env(work, endpoint)
            calls_per_service(endpoint, sizes, misses)
            parallel_regions(endpoint, args.parallel_n, args.repeats, misses)
    if hasattr(os, "getloadavg"):
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (the wall times are only "
              "comparable on an otherwise idle machine)")
    print("targets: " + ("all met" if not misses else "missed: " + "; ".join(misses)))
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
