#!/usr/bin/env python3
"""Count a restricted view of gantry's `pickup` endpoint over native gRPC.

This is the flow Dozer documents for its Python client, written against
stubs generated from gantry's own protos:

1. authenticate with a master token (metadata `authorization: Bearer ...`);
2. mint a restricted token with dozer.auth.AuthGrpcService/getAuthToken,
   whose access_filter is a whole Access JSON document;
3. count on `pickup` with that token through
   dozer.common.CommonGrpcService/count.

The stubs are generated into a temporary directory at every run, so the
example always matches proto/. See README.md beside this file.
"""

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import grpc
except ImportError:  # reported by load_stubs, so --check-deps can tell
    grpc = None

ENDPOINT = "pickup"
OTHER_BOROUGH = "Manhattan"
CALL_TIMEOUT = 10  # seconds, for each RPC
PROTO_FILES = [
    "dozer/types/types.proto",
    "dozer/common/common.proto",
    "dozer/auth/auth.proto",
]


class SetupError(Exception):
    """The Python gRPC runtime or a stub generator is missing."""


def generator_commands(proto_dir, out_dir):
    """Yields the protoc invocations to try, best first.

    Debian's python3-grpc-tools (1.14) bundles protoc 3.6, which rejects the
    proto3 `optional` fields Dozer's protos use, so Debian's own protoc with
    its gRPC Python plugin comes first. A pip-installed grpcio-tools is
    recent enough and is the fallback.
    """
    outputs = ["-I", str(proto_dir), f"--python_out={out_dir}",
               f"--grpc_python_out={out_dir}"]
    protoc = shutil.which("protoc")
    plugin = shutil.which("grpc_python_plugin")
    if protoc and plugin:
        yield [protoc, f"--plugin=protoc-gen-grpc_python={plugin}", *outputs]
    yield [sys.executable, "-m", "grpc_tools.protoc", *outputs]


def generate_stubs(proto_dir, out_dir):
    """Generates the Python stubs into out_dir, raising SetupError on failure."""
    failures = []
    for cmd in generator_commands(proto_dir, out_dir):
        run = subprocess.run([*cmd, *PROTO_FILES], capture_output=True,
                             text=True, timeout=60, check=False)
        if run.returncode == 0:
            return
        failures.append(f"{' '.join(cmd[:3])}: {run.stderr.strip()}")
    raise SetupError("cannot generate stubs from proto/:\n" + "\n".join(failures))


def load_stubs(proto_dir, out_dir):
    """Generates and imports the stubs; returns a namespace of modules."""
    if grpc is None:
        raise SetupError("python gRPC is not installed (Debian: python3-grpcio)")

    generate_stubs(proto_dir, out_dir)
    sys.path.insert(0, str(out_dir))
    return argparse.Namespace(
        common=importlib.import_module("dozer.common.common_pb2"),
        common_grpc=importlib.import_module("dozer.common.common_pb2_grpc"),
        auth=importlib.import_module("dozer.auth.auth_pb2"),
        auth_grpc=importlib.import_module("dozer.auth.auth_pb2_grpc"),
    )


def bearer(token):
    """Returns the call metadata Dozer's clients send with a token."""
    return [("authorization", f"Bearer {token}")]


def count(stubs, channel, token, query="{}"):
    """Counts `pickup` records; like Dozer's client, an absent query is "{}"."""
    service = stubs.common_grpc.CommonGrpcServiceStub(channel)
    request = stubs.common.QueryRequest(endpoint=ENDPOINT, query=query)
    reply = service.count(request, metadata=bearer(token), timeout=CALL_TIMEOUT)
    return reply.count


def restricted_token(stubs, channel, master_token, borough):
    """Mints a token that sees only one borough's pickups."""
    access = {"Custom": {ENDPOINT: {"filter": {"borough": borough}}}}
    service = stubs.auth_grpc.AuthGrpcServiceStub(channel)
    request = stubs.auth.GetAuthTokenRequest(access_filter=json.dumps(access))
    reply = service.getAuthToken(request, metadata=bearer(master_token),
                                 timeout=CALL_TIMEOUT)
    return reply.token


def borough_query(borough):
    """Returns a count query whose filter selects one borough."""
    return json.dumps({"$filter": {"borough": borough}})


def run_flow(stubs, address, master_token, borough):
    """Runs the documented flow and returns the counts by name."""
    with grpc.insecure_channel(address) as channel:
        token = restricted_token(stubs, channel, master_token, borough)
        return {
            "address": address,
            "endpoint": ENDPOINT,
            "borough": borough,
            "master_count": count(stubs, channel, master_token),
            "master_borough_count": count(stubs, channel, master_token,
                                          borough_query(borough)),
            "restricted_count": count(stubs, channel, token),
            # The token's filter is ANDed ahead of the caller's, so asking
            # for another borough cannot widen the view: this is 0.
            "restricted_other_borough_count": count(
                stubs, channel, token, borough_query(OTHER_BOROUGH)),
        }


def parse_args(argv):
    """Reads the command line, with defaults from the environment."""
    default_proto = Path(__file__).resolve().parents[2] / "proto"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--address", default=os.environ.get("GANTRY_GRPC", "127.0.0.1:50051"),
        help="gantry's gRPC host:port, an http:// prefix is dropped "
             "(env GANTRY_GRPC; default 127.0.0.1:50051)")
    parser.add_argument(
        "--token", default=os.environ.get("MASTER_TOKEN", ""),
        help="a master (All) token (env MASTER_TOKEN)")
    parser.add_argument("--borough", default="Queens",
                        help="the borough the restricted token sees")
    parser.add_argument("--proto-dir", type=Path, default=default_proto,
                        help="gantry's proto/ directory")
    parser.add_argument("--json", action="store_true",
                        help="print the counts as one JSON object")
    parser.add_argument("--check-deps", action="store_true",
                        help="only check that stubs can be generated and loaded")
    args = parser.parse_args(argv)
    args.address = args.address.removeprefix("http://")
    if not args.check_deps and not args.token:
        parser.error("a master token is required: --token or MASTER_TOKEN")
    return args


def main(argv):
    """Runs the example; returns the process exit status."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gantry-stubs-") as out_dir:
        try:
            stubs = load_stubs(args.proto_dir, out_dir)
        except SetupError as err:
            print(f"restricted_count: {err}", file=sys.stderr)
            return 1
    if args.check_deps:
        return 0

    try:
        counts = run_flow(stubs, args.address, args.token, args.borough)
    except grpc.RpcError as err:
        print(f"restricted_count: {err.code().name}: {err.details()}",
              file=sys.stderr)
        return 1

    if args.json:
        print(json.dumps(counts))
        return 0
    rows = [
        ("master token", counts["master_count"]),
        (f"master token, filter borough={args.borough}",
         counts["master_borough_count"]),
        (f"restricted token (borough={args.borough})", counts["restricted_count"]),
        (f"restricted token, filter borough={OTHER_BOROUGH}",
         counts["restricted_other_borough_count"]),
    ]
    print(f"count on {ENDPOINT} at {args.address}")
    for label, value in rows:
        print(f"  {label:<44} {value:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
