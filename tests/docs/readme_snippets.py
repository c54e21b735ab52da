#!/usr/bin/env python3
"""Writes the README's C++ snippets as one translation unit, so that building it checks them.

    readme_snippets.py README.md OUT.cc

Each ```cpp block becomes the body of a function of its own (never called: the snippets train
models), in the README's order. A block's `#include` lines and its leading `using namespace`
lines go to file scope, as do class definitions (from `class`/`struct` at column 0 to `};`), so a
snippet reads as a program does. Nothing else is added: a variable a snippet uses must be
defined in it.
"""
import sys


def blocks(lines):
    block = None
    for line in lines:
        if block is None and line.strip() == "```cpp":
            block = []
        elif block is not None and line.strip() == "```":
            yield block
            block = None
        elif block is not None:
            block.append(line)


def main(readme, out):
    with open(readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    file_scope, functions = [], []
    for n, block in enumerate(blocks(lines), 1):
        body, in_class, leading = [], False, True
        for line in block:
            if line.startswith("#include") or (leading and line.startswith("using namespace")):
                file_scope.append(line)
                continue
            leading = leading and not line.strip()
            if line.startswith(("class ", "struct ")):
                in_class = True
            (file_scope if in_class else body).append(line)
            if in_class and line.startswith("};"):
                in_class = False
        functions += [f"[[maybe_unused]] static void readme_snippet_{n}() {{"] + body + ["}", ""]
    if not functions:
        sys.exit(f"{readme}: no ```cpp blocks")
    count = len([f for f in functions if f.startswith("[[maybe_unused]]")])
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"// Generated from {readme} by tests/docs/readme_snippets.py.\n")
        f.write("\n".join(file_scope + [""] + functions))
        f.write(f"\nint kReadmeSnippets = {count};\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
