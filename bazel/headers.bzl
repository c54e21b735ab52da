"""kiln_headers: the source headers of Kiln's own libraries under a target, for the installer."""

def _kiln_headers_impl(ctx):
    headers = [
        h
        for h in ctx.attr.dep[CcInfo].compilation_context.headers.to_list()
        if h.is_source and h.owner.workspace_name == ctx.label.workspace_name
    ]
    return [DefaultInfo(files = depset(headers), runfiles = ctx.runfiles(files = headers))]

kiln_headers = rule(
    implementation = _kiln_headers_impl,
    attrs = {"dep": attr.label(providers = [CcInfo])},
)
