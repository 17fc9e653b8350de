"""potok's Sphinx extension: everything the site's build adds, registered here.

conf.py lists ``potok_sphinx`` once, after ``sphinx_gallery.gen_gallery``;
:func:`setup` below connects every hook, so this table is the whole build as
Sphinx runs it (a lower priority runs first; sphinx-gallery's own steps are in
brackets, for orientation):

===================  ========  ===============================================
Sphinx event         priority  what happens
===================  ========  ===============================================
config-inited        [10]      [sphinx-gallery fills in its defaults]
config-inited        500       guard: a bad ``POTOK_EXAMPLE_TIMEOUT`` or
                               ``POTOK_OUTPUT_LIMIT`` fails before any example
config-inited        600       build: one build at a time in this tree (a
                               second one stops, naming the first)
builder-inited       [10]      [sphinx-gallery prepares its configuration]
builder-inited       40        build: the mark of a finished build is removed;
                               epub: the site forgets an older build's book
builder-inited       50        gallery: files generated from removed examples
                               are deleted; the copies of modules beside
                               examples leave the gallery folder
builder-inited       100       gallery: an example whose figure a page shows
                               runs while that figure is missing; one whose
                               generated page, thumbnail or image is missing
                               runs again; one this Python cannot run is left
                               out of ``filename_pattern``; if a reusable
                               result was made under another cache key,
                               ``run_stale_examples`` is set
builder-inited       110       guard: armed for the whole build (subreaper,
                               tracebacks on SIGUSR1, the report at exit)
builder-inited       120       epub: the book's build stops if any example
                               would run (it shows the HTML build's results)
builder-inited       490       intersphinx: a cached inventory's local copy is
                               not read again
builder-inited       500       russian: furo's templates load through gettext;
                               versions: the version selector's data; epub:
                               the book's visitors (sphinx-gallery#1285,
                               sphinx#14587), stylesheet, plot_directive.css
builder-inited       [500]     [sphinx-gallery runs the examples; intersphinx
                               loads its inventories; around each example the
                               guards: its cached result forgotten, timeouts,
                               exits refused, leftovers, its run recorded]
builder-inited       510       intersphinx: its configuration put back
builder-inited       600       gallery: each module beside an example is
                               copied beside its page (shown whole there)
builder-inited       900       gallery: who ran what, where and when
                               (``auto_examples/potok-gallery.json``, from
                               sphinx-gallery's ``passing_examples`` and
                               ``stale_examples``)
builder-inited       920       thumbnails: every example's thumbnail, light
                               and dark, drawn again from what its page shows
                               (its key panel, or a card)
builder-inited       950       guard: no page with a flood of output, nor
                               with a path of the build machine; reader: each
                               notebook installs this potok
builder-inited       955       downloads: every script the pages offer
                               states what it needs (PEP 723, this build's
                               potok pinned); the archives get the modules
                               beside the examples and today's notebooks
builder-inited       960       claims: ``auto_examples/claims.txt`` for the
                               page «Проверка утверждений»
(role)                         claims: ``{claim}`` — one claim's verdict of this
                               build in a page (the guide «Что выбрать»)
(directive)                    claims: ``verdicts`` — the verdicts of an
                               example's claims as blocks (example pages, the
                               claims page, the front page's figure)
(directive)                    claims: ``measured`` — an example's figure of
                               this build with its verdicts, in a chapter
(scraper)                      figures: each figure an example draws is saved
                               light and dark, with its key panel
                               (``image_scrapers`` in conf.py)
(transform)          400       figures: a gallery picture on another page
                               becomes the gallery's figure node; an image
                               with a dark twin gets it (furo's only-light /
                               only-dark)
(writer)                       figures: the gallery's figure node as HTML:
                               both variants, each a link to its full size
(post-transform)     900       epub: in the book, raw HTML made XHTML and
                               download links led to the site
env-get-outdated     500       gallery: pages whose stamp changed are read
                               again; orphans: which pages were removed;
                               reader: the example pages, when where this
                               build's potok comes from changed
source-read          400       fences: a MyST page with a code fence that is
                               not closed stops the build, naming the file and
                               the line of the fence
source-read          500       in this order: gallery (the stamp under the
                               title), russian (sphinx-gallery's English),
                               where (an example's tags, in Russian, each
                               linked to the gallery filtered by it),
                               reader (the folded box «Как воспроизвести»),
                               claims (each claim's verdict under the output
                               that printed it), offline (the times pages:
                               CDN scripts dropped, left out of search),
                               diagrams (a page with a diagram depends on the
                               code drawing it)
doctree-read         500       claims: in the guide's tree, a branch whose
                               claims failed here says so after its advice
doctree-resolved     500       where: example cards outside the gallery load
                               their thumbnails lazily
html-page-context    500       versions: the selector and the banner;
                               gallery: the pages this build writes; epub:
                               the sidebar's link to the book (the book's
                               pages: without the site's stylesheets)
html-page-context    900       html_fixes: ``aria-level`` on toctree captions;
                               russian: the sidebar's button labels
html-page-context    950       offline: a page that would load a file from
                               another host fails the build
build-finished       500       orphans: built pages no source accounts for
                               deleted; reader: ``<stem>.record.json`` beside
                               each page
build-finished       990       build: the mark that this build finished
===================  ========  ===============================================

The two guards sphinx-gallery calls around every example (``reset_modules``
in conf.py) are :func:`potok_sphinx.guard.example_timeout`, first, and
:func:`potok_sphinx.guard.example_leftovers`, last.

State of one build is ``app.potok`` (:class:`BuildState`); what must outlive a
build is in ``auto_examples/potok-gallery.json`` (what ran, under which key)
and ``env.potok_stamps`` (the stamp each page was read with).

Modules, by concern:

- the build: :mod:`.build` (one at a time, finished or not);
- the gallery: :mod:`.gallery` (cache key, requirements, run record, stamps,
  orphans), :mod:`.guard` (timeout, exits, leftovers, output limit; the
  tests' runner is :mod:`.leftovers`, the watchdog process
  :mod:`.watchdog`), :mod:`.claims`, :mod:`.reader` (the folded box «Как
  воспроизвести», where this build's potok comes from), :mod:`.downloads`
  (scripts that say what they need), :mod:`.figures` (figures light and dark,
  sized for the column, linked to their full size), :mod:`.thumbnails`;
- the Russian interface: :mod:`.russian` (sphinx-gallery's and furo's English);
- fixes to what upstream writes, each naming the upstream issue and when it
  can go: :mod:`.html_fixes`, :mod:`.offline`, :mod:`.intersphinx`;
- the site: :mod:`.versions` (multi-version selector), :mod:`.epub` (the EPUB
  edition, built from the HTML build's output), :mod:`.diagrams`,
  :mod:`.where` (backreferences and tags: «Где это измерено»),
  :mod:`.fences` (a code fence left open in a page);
- :mod:`.limits`: the strict flags, timeouts and exit codes the build, the
  tests and nox share (standard library only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["BuildState", "setup"]


@dataclass
class BuildState:
    """What one build's hooks hand to each other (``app.potok``)."""

    #: script path -> why this interpreter does not run it
    skipped: dict[str, str] = field(default_factory=dict)
    #: the cache key of this build's examples and what it is made of
    key: str = ""
    key_parts: dict[str, str] = field(default_factory=dict)
    #: docnames removed since the last build (their built files go too)
    removed: set[str] = field(default_factory=set)
    #: pages this build writes (documents and the builder's own pages)
    pages: set[str] = field(default_factory=set)
    #: intersphinx's mapping, while a cached inventory's local copy is left out
    intersphinx_mapping: dict | None = None
    #: where readers get this build's potok (:class:`.reader.Source`)
    source: object = None


def setup(app: Sphinx) -> dict:
    from sphinx.errors import ConfigError

    from . import (
        build,
        claims,
        diagrams,
        downloads,
        epub,
        fences,
        figures,
        gallery,
        guard,
        html_fixes,
        intersphinx,
        offline,
        reader,
        russian,
        thumbnails,
        versions,
        where,
    )

    if "sphinx_gallery.gen_gallery" not in app.extensions:
        raise ConfigError("potok_sphinx must come after sphinx_gallery.gen_gallery")
    app.setup_extension("sphinx.ext.intersphinx")
    app.add_config_value("potok_site_path", "/", "html", types=frozenset({str}))
    # the public address of this build's HTML site (its downloads), or ""
    app.add_config_value("potok_site_url", "", "html", types=frozenset({str}))
    app.potok = BuildState()  # type: ignore[attr-defined]
    app.add_role("claim", claims.ClaimRole())
    app.add_directive("verdicts", claims.VerdictsDirective)
    app.add_directive("measured", claims.MeasuredDirective)
    figures.setup(app)
    app.add_js_file("potok-tags.js", priority=800)  # after sphinx-gallery's sg-tags.js
    on = app.connect

    on("config-inited", guard.check_settings)
    on("config-inited", build.take_lock, priority=600)

    on("builder-inited", build.start, priority=40)
    on("builder-inited", epub.forget_old_book, priority=40)
    on("builder-inited", gallery.remove_orphans, priority=50)
    on("builder-inited", gallery.hide_siblings, priority=50)
    on("builder-inited", gallery.prepare_run, priority=100)
    on("builder-inited", guard.start, priority=110)
    on("builder-inited", epub.refuse_to_run_examples, priority=120)
    on("builder-inited", intersphinx.skip_cached_local, priority=490)
    on("builder-inited", russian.wrap_furo_templates)
    on("builder-inited", versions.builder_inited)
    on("builder-inited", epub.register_visitors)
    on("builder-inited", epub.prepare_book)
    on("builder-inited", intersphinx.restore, priority=510)
    on("builder-inited", gallery.copy_siblings, priority=600)
    on("builder-inited", gallery.record_runs, priority=900)
    on("builder-inited", thumbnails.make_all, priority=920)
    on("builder-inited", guard.check_output_size, priority=950)
    on("builder-inited", guard.check_private_paths, priority=950)
    on("builder-inited", reader.set_notebook_cells, priority=950)
    on("builder-inited", downloads.write_downloads, priority=955)
    on("builder-inited", claims.write_page, priority=960)

    on("env-get-outdated", gallery.outdated)
    on("env-get-outdated", gallery.note_removed)
    on("env-get-outdated", reader.outdated)

    on("source-read", fences.check_page, priority=400)
    on("source-read", gallery.stamp_pages)
    on("source-read", russian.translate)
    on("source-read", where.link_tags)
    on("source-read", reader.add_run_block)
    on("source-read", claims.place_verdicts)
    on("source-read", offline.strip_remote_assets)
    on("source-read", offline.leave_out_of_search)
    on("source-read", diagrams.follow_their_code)

    on("doctree-read", claims.mark_failed_branches)

    on("html-page-context", versions.page_context)
    on("html-page-context", gallery.note_page)
    on("html-page-context", epub.page_context)
    on("html-page-context", html_fixes.add_heading_levels, priority=900)
    on("html-page-context", russian.translate_navigation, priority=900)
    on("html-page-context", offline.refuse_remote_files, priority=950)

    app.add_post_transform(epub.RawHtmlForEpub)
    app.add_post_transform(epub.DownloadsForEpub)
    on("doctree-resolved", where.lazy_cards)

    on("build-finished", gallery.remove_built_orphans)
    on("build-finished", reader.write_claims)
    on("build-finished", build.finished, priority=990)
    return {
        "version": "2",
        # how pages are read changed (verdicts placed from the records): a
        # bump makes Sphinx read every page again instead of keeping doctrees
        # read the old way
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
