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


def _citations_as_list_items(app, pagename, templatename, context, doctree):
    """Mark each bibliography entry as an item of its list.

    docutils gives each citation role="doc-biblioentry", which DPUB-ARIA 1.1 deprecates, inside a
    role="list" element, which then has no list items for screen readers to count.
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    app.connect("html-page-context", _citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
