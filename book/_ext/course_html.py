"""Small fixes to the book's HTML, loaded by _config.yml (sphinx: local_extensions)."""

from __future__ import annotations


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each <script>.

    Some extensions register their inline scripts twice (sphinx-thebe's, for instance, whose
    `const THEBE_JS_URL` declared twice is a JavaScript error on every page).
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", None) or ""),
               tuple(sorted((name, str(value)) for name, value in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
