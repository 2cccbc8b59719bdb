#!/usr/bin/python3
"""Interop check of a server built on common/rpc with an independent client
(Debian's python3-grpcio): health Check, server reflection (v1alpha, and v1 when
available) and the UNIMPLEMENTED answer for unknown methods.

Usage: /usr/bin/python3 grpc_interop.py HOST:PORT [--service pss.catalog.v1.Catalog]

Stubs are generated at run time with protoc + grpc_python_plugin. The reflected
service is checked against the methods of the same service compiled from proto/.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRPC_PROTO = "/usr/share/grpc-proto"


def gen_stubs():
    out = tempfile.mkdtemp(prefix="rpc-interop-")
    protos = []
    for d, _, files in os.walk(os.path.join(ROOT, "proto")):
        protos += [os.path.join(d, f) for f in files if f.endswith(".proto")]
    std = [os.path.join(GRPC_PROTO, p) for p in ("grpc/health/v1/health.proto",
                                                 "grpc/reflection/v1alpha/reflection.proto",
                                                 "grpc/reflection/v1/reflection.proto")
           if os.path.exists(os.path.join(GRPC_PROTO, p))]
    base = ["protoc", "-I" + os.path.join(ROOT, "proto"), "-I" + GRPC_PROTO, "-I/usr/include",
            "--python_out=" + out, "--grpc_out=" + out,
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"]
    subprocess.run(base + protos, check=True)
    subprocess.run(base + std, check=True)
    sys.path.insert(0, out)
    import grpc  # grpcio owns the "grpc" package: graft grpc.health / grpc.reflection on it
    grpc.__path__.append(os.path.join(out, "grpc"))
    return out


FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def health(channel, service):
    import grpc
    from grpc.health.v1 import health_pb2, health_pb2_grpc
    stub = health_pb2_grpc.HealthStub(channel)
    r = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    check(r.status == health_pb2.HealthCheckResponse.SERVING, "health Check '' is SERVING")
    r = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    check(r.status == health_pb2.HealthCheckResponse.SERVING, "health Check %s is SERVING" % service)
    try:
        stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
        check(False, "health Check of an unknown service fails")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.NOT_FOUND, "health Check unknown service -> NOT_FOUND")


def reflection(channel, version, service, local_methods):
    from google.protobuf import descriptor_pb2, descriptor_pool
    mod = __import__("grpc.reflection.%s.reflection_pb2" % version, fromlist=["x"])
    mod_grpc = __import__("grpc.reflection.%s.reflection_pb2_grpc" % version, fromlist=["x"])
    stub = mod_grpc.ServerReflectionStub(channel)
    R = mod.ServerReflectionRequest
    reqs = [R(list_services=""),
            R(file_containing_symbol=service),
            R(file_containing_symbol="no.such.Symbol"),
            R(file_by_filename="grpc/health/v1/health.proto")]
    resps = list(stub.ServerReflectionInfo(iter(reqs), timeout=10))
    check(len(resps) == len(reqs), "%s: one response per request" % version)
    if len(resps) != len(reqs):
        return
    names = {s.name for s in resps[0].list_services_response.service}
    for want in (service, "grpc.health.v1.Health", "grpc.reflection.%s.ServerReflection" % version):
        check(want in names, "%s: list_services has %s" % (version, want))

    files = resps[1].file_descriptor_response.file_descriptor_proto
    check(len(files) >= 1, "%s: file_containing_symbol(%s) answered %d files" % (version, service, len(files)))
    pool = descriptor_pool.DescriptorPool()
    protos = {}
    for raw in files:
        fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
        protos[fd.name] = fd
    added = set()

    def add(name):  # dependencies first
        if name in added:
            return
        for dep in protos[name].dependency:
            if dep in protos:
                add(dep)
        pool.Add(protos[name])
        added.add(name)
    try:
        for n in protos:
            add(n)
        sd = pool.FindServiceByName(service)
        methods = [m.name for m in sd.methods]
        check(methods == local_methods,
              "%s: reflected %s has the methods of proto/ (%d)" % (version, service, len(methods)))
        # every message type used by the service resolves
        for m in sd.methods:
            pool.FindMessageTypeByName(m.input_type.full_name)
        check(True, "%s: all request/response types resolve from the reflected files" % version)
        nested = None
        for m in sd.methods:
            for f in m.output_type.fields:
                if f.message_type is not None:
                    nested = f.message_type.full_name
                    break
            if nested:
                break
        if nested:
            r = list(stub.ServerReflectionInfo(iter([R(file_containing_symbol=nested),
                                                     R(file_containing_symbol=service + "." + sd.methods[0].name)]),
                                               timeout=10))
            check(len(r) == 2 and all(x.HasField("file_descriptor_response") for x in r),
                  "%s: message %s and method symbols resolve" % (version, nested))
    except Exception as e:  # noqa
        check(False, "%s: building a descriptor pool from reflection: %r" % (version, e))

    err = resps[2]
    check(err.HasField("error_response") and err.error_response.error_code == 5,
          "%s: unknown symbol -> error_response NOT_FOUND" % version)
    # dependencies travel with the file: every import of a reflected file is answered too
    for fname, fd in sorted(protos.items()):
        if not fd.dependency:
            continue
        r = list(stub.ServerReflectionInfo(iter([R(file_by_filename=fname)]), timeout=10))
        got = [descriptor_pb2.FileDescriptorProto.FromString(x).name
               for x in r[0].file_descriptor_response.file_descriptor_proto]
        check(got[:1] == [fname] and set(fd.dependency) <= set(got),
              "%s: file_by_filename(%s) carries its imports %s" % (version, fname, list(fd.dependency)))
    other = "pss/comparison/v1/comparison.proto"
    if os.path.exists(os.path.join(ROOT, "proto", other)):
        r = list(stub.ServerReflectionInfo(iter([R(file_by_filename=other)]), timeout=10))
        got = [descriptor_pb2.FileDescriptorProto.FromString(x).name
               for x in r[0].file_descriptor_response.file_descriptor_proto]
        deps = list(descriptor_pb2.FileDescriptorProto.FromString(
            r[0].file_descriptor_response.file_descriptor_proto[0]).dependency) if got else []
        check(got[:1] == [other] and set(deps) <= set(got) and len(set(got)) == len(got),
              "%s: file_by_filename(%s) -> %s (imports included once)" % (version, other, got))
    hf = resps[3].file_descriptor_response.file_descriptor_proto
    check(len(hf) >= 1 and descriptor_pb2.FileDescriptorProto.FromString(hf[0]).name ==
          "grpc/health/v1/health.proto", "%s: file_by_filename(health.proto)" % version)


def unimplemented(channel):
    import grpc
    call = channel.unary_unary("/no.such.Service/Nope")
    t0 = time.monotonic()
    try:
        call(b"", timeout=10)
        check(False, "unknown method fails")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.UNIMPLEMENTED and time.monotonic() - t0 < 2,
              "unknown method -> UNIMPLEMENTED at once (%s)" % e.code())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("--service", default="pss.catalog.v1.Catalog")
    args = ap.parse_args()
    gen_stubs()
    import grpc
    from google.protobuf import descriptor_pool
    # the service as compiled locally from proto/
    for d, _, files in os.walk(os.path.join(ROOT, "proto")):
        for f in files:
            if f.endswith(".proto"):
                rel = os.path.relpath(os.path.join(d, f), os.path.join(ROOT, "proto"))
                __import__(rel[:-6].replace("/", ".") + "_pb2")
    local = descriptor_pool.Default().FindServiceByName(args.service)
    local_methods = [m.name for m in local.methods]

    channel = grpc.insecure_channel(args.address)
    grpc.channel_ready_future(channel).result(timeout=10)
    health(channel, args.service)
    reflection(channel, "v1alpha", args.service, local_methods)
    try:
        __import__("grpc.reflection.v1.reflection_pb2_grpc", fromlist=["x"])
        have_v1 = True
    except ImportError:
        have_v1 = False
    if have_v1:
        reflection(channel, "v1", args.service, local_methods)
    else:
        print("skip v1 reflection: no v1 stubs")
    unimplemented(channel)
    channel.close()
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
