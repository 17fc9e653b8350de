// Version links (sidebar selector, old-version banner) lead to the same page in
// the other version when it exists there, else to that version's start page.
// The link's href is the same page; data-start is the start page. Without
// JavaScript, or where a HEAD request cannot be made (file://), the href is used.
"use strict";
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a.potok-version-link[data-start]");
  if (!link || event.defaultPrevented || event.button !== 0 ||
      event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  let target = link.href;
  try {
    const response = await fetch(target, { method: "HEAD", cache: "no-store" });
    if (!response.ok) {
      target = new URL(link.dataset.start, document.baseURI).href;
    }
  } catch (error) {
    // no HTTP (file://): follow the link as it is
  }
  window.location.assign(target);
});
