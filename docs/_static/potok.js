// potok: small additions to furo. Keep this file short.

// A box that scrolls (wide code, long output, tables on a phone) must be
// reachable from the keyboard, or a reader without a mouse cannot scroll it
// (WCAG 2.1.1; axe: scrollable-region-focusable). Such a box with nothing
// focusable inside gets a tab stop; it loses it when it no longer scrolls.
(() => {
  const boxes = "article pre, article table, article .sphx-glr-script-out";
  const focusable = "a[href], button, input, select, textarea, [tabindex]";
  const update = () => {
    for (const el of document.querySelectorAll(boxes)) {
      // sideways, or down: sphinx-gallery caps the height of long outputs
      const scrolls =
        el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(focusable)) {
        el.setAttribute("tabindex", "0");
        el.dataset.potokScrollFocus = "";
      } else if (!scrolls && "potokScrollFocus" in el.dataset) {
        el.removeAttribute("tabindex");
        delete el.dataset.potokScrollFocus;
      }
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", update);
})();

// Sphinx's Russian catalog leaves the search summary untranslated (empty), so
// the search page never says what it found. Russian has three plural forms
// here (1, 2-4, 5-20) plus one for fractions; Sphinx picks by its PLURAL_EXPR.
// This file loads after translations.js, which it would otherwise overwrite.
(() => {
  // doctools.js declares it with const: a global binding, not a window property
  const docs = typeof Documentation === "undefined" ? null : Documentation;
  const key = "Search finished, found one page matching the search query.";
  if (!docs || docs.LOCALE !== "ru" || (docs.TRANSLATIONS[key] || []).some(Boolean)) {
    return;
  }
  docs.TRANSLATIONS[key] = [
    "Поиск завершён: найдена ${resultCount} страница.",
    "Поиск завершён: найдены ${resultCount} страницы.",
    "Поиск завершён: найдено ${resultCount} страниц.",
    "Поиск завершён: найдено ${resultCount} страниц.",
  ];
})();
