# Offline stub: Bazel 4.2.3's embedded tools load("@rules_cc//cc:defs.bzl", ...).
cc_library = native.cc_library
cc_binary = native.cc_binary
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
cc_import = native.cc_import
cc_proto_library = native.cc_proto_library
objc_library = native.objc_library
objc_import = native.objc_import
