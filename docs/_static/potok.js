// potok: small additions to furo. Keep this file short.

// A box that scrolls sideways (wide code, output, tables on a phone) must be
// reachable from the keyboard, or a reader without a mouse cannot scroll it
// (WCAG 2.1.1; axe: scrollable-region-focusable). Such a box with nothing
// focusable inside gets a tab stop; it loses it when it no longer scrolls.
(() => {
  const boxes = "article pre, article table, article .sphx-glr-script-out";
  const focusable = "a[href], button, input, select, textarea, [tabindex]";
  const update = () => {
    for (const el of document.querySelectorAll(boxes)) {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
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
