"""Declares everything Kiln's build needs, for Kiln's own WORKSPACE and for a workspace using Kiln.

    # In your WORKSPACE:
    local_repository(name = "kiln", path = "/path/to/kiln")  # or http_archive of a release
    load("@kiln//:deps.bzl", "kiln_dependencies")
    kiln_dependencies()

    # In your BUILD (Kiln's headers are C++20; its own targets carry their flags):
    cc_binary(name = "app", srcs = ["app.cc"], copts = ["-std=c++20"], deps = ["@kiln//:kiln"])

Contract:
  - Nothing is downloaded. The system libraries come from Debian 12's packages (Kiln's
    scripts/setup.sh lists them) and are declared as `kiln_<name>` repositories, so they never
    clash with a workspace's own `@zlib` or `@eigen`.
  - Bazel 4.2.3 (Debian's bazel-bootstrap) fetches @rules_cc, @rules_java and
    @remote_coverage_tools from the network for every C++ build. Where the workspace has not
    declared them itself, Kiln's offline stand-ins are declared under those names.
"""

# (repository, path on Debian 12, build file in third_party/system/)
_SYSTEM_LIBRARIES = [
    ("kiln_eigen", "/usr/include/eigen3", "eigen.BUILD"),
    ("kiln_hdf5", "/usr/include/hdf5/serial", "hdf5.BUILD"),
    ("kiln_flatbuffers", "/usr", "flatbuffers.BUILD"),
    ("kiln_gtest", "/usr", "gtest.BUILD"),
    ("kiln_benchmark", "/usr", "benchmark.BUILD"),
    ("kiln_nlohmann_json", "/usr", "nlohmann_json.BUILD"),
    ("kiln_cli11", "/usr", "cli11.BUILD"),
    ("kiln_zlib", "/usr", "zlib.BUILD"),
    ("kiln_libzip", "/usr", "libzip.BUILD"),
    ("kiln_protobuf", "/usr", "protobuf.BUILD"),
    ("kiln_onnx", "/usr", "onnx.BUILD"),
]

_STUBS = ["rules_cc", "rules_java", "remote_coverage_tools"]

def _stub_repository_impl(ctx):
    # A local_repository's path is relative to the main workspace, which is not Kiln's root when
    # Kiln is a dependency; a label into Kiln's own repository finds the stand-in wherever it is.
    kiln_root = ctx.path(Label("//:WORKSPACE")).dirname
    stub = kiln_root.get_child("third_party").get_child("stubs").get_child(ctx.attr.stub)
    for entry in stub.readdir():
        ctx.symlink(entry, entry.basename)

_stub_repository = repository_rule(
    implementation = _stub_repository_impl,
    attrs = {"stub": attr.string(mandatory = True)},
    local = True,
)

def kiln_dependencies():
    """Declares the system libraries and, where missing, the offline stand-ins."""
    for name in _STUBS:
        if not native.existing_rule(name):
            _stub_repository(name = name, stub = name)
    for name, path, build_file in _SYSTEM_LIBRARIES:
        if not native.existing_rule(name):
            native.new_local_repository(
                name = name,
                path = path,
                build_file = str(Label("//third_party/system:" + build_file)),
            )
