"""doxygen_html: Doxygen's HTML for Kiln's public headers, as one directory output."""

def _doxygen_html_impl(ctx):
    out = ctx.actions.declare_directory(ctx.attr.name)
    # Doxygen runs in the execroot, where the headers are at their source paths, so the file pages
    # are named keras/model.h, as a user includes them. The public ones are picked by the same
    # script that picks what `bazel run //:install` copies.
    command = """set -e
headers="$({select})"
{{ cat {doxyfile}
   echo "INPUT = $(echo $headers)"
   echo "INPUT_FILTER = \\"python3 {filter}\\""
   echo "OUTPUT_DIRECTORY = {out}"
   echo "HTML_OUTPUT = ."
}} > {out}.cfg
doxygen {out}.cfg
rm {out}.cfg
test -f {out}/index.html
""".format(
        select = ctx.file.select.path,
        doxyfile = ctx.file.doxyfile.path,
        filter = ctx.file.filter.path,
        out = out.path,
    )
    ctx.actions.run_shell(
        inputs = ctx.files.srcs + [ctx.file.doxyfile, ctx.file.filter, ctx.file.select],
        outputs = [out],
        command = command,
        mnemonic = "Doxygen",
        progress_message = "Doxygen HTML for Kiln's public headers",
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

doxygen_html = rule(
    implementation = _doxygen_html_impl,
    attrs = {
        "srcs": attr.label_list(allow_files = [".h"]),
        "doxyfile": attr.label(allow_single_file = True),
        "filter": attr.label(allow_single_file = True),
        "select": attr.label(allow_single_file = True),
    },
)
