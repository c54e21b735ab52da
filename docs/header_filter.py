#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: a Kiln header's opening comment becomes its file page.

Kiln's headers open with plain `//` comments: a summary, an indented usage example, the contract.
Doxygen reads only its own comment markers, so this turns that opening block into a `@file`
comment whose first sentence is the brief, whose indented lines are a C++ code block, and whose
prose stays Markdown. Everything after the block passes through unchanged (EXTRACT_ALL documents
the declarations).
"""
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("//"):
        head += 1
    if head == 0:
        sys.stdout.write("\n".join(lines))
        return
    out = ["/** @file"]
    in_code = False
    for line in lines[:head]:
        text = line[2:]
        text = text[1:] if text.startswith(" ") else text
        is_code = text.startswith("  ")
        if is_code and not in_code:
            out.append("@code{.cpp}")
            in_code = True
        elif not is_code and in_code and text.strip():
            out.append("@endcode")
            in_code = False
        out.append(text[2:] if in_code else text.replace("*/", "* /"))
    if in_code:
        out.append("@endcode")
    out.append("*/")
    # One output line per input line would keep Doxygen's line numbers; the block is replaced by
    # as many lines plus the markers, so pad nothing and accept shifted numbers in the block only.
    sys.stdout.write("\n".join(out + lines[head:]))


if __name__ == "__main__":
    main(sys.argv[1])
