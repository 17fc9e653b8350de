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

// A release is built once and kept as it is (docs/_polyversion/poly.py --keep),
// so the versions it was built with may not be today's: a later release exists,
// and the banner must point there. The site's root has today's list
// (versions.json, written on every deploy); the selector and the banner are
// redrawn from it. Where it cannot be read, the build's own list stays.
function versionLink(v, root, page, latest) {
  const link = document.createElement("a");
  link.className = "potok-version-link";
  link.href = `${root}${v.name}/${page ? `${page}.html` : "index.html"}`;
  link.dataset.start = `${root}${v.name}/index.html`;
  link.dataset.version = v.name;
  let text = v.label;
  if (v.name === latest) {
    text += " (последний выпуск)";
  } else if (v.kind !== "release") {
    text += " (в разработке)";
  }
  link.textContent = text;
  return link;
}

function drawBanner(current, latest, root, page) {
  let bar = document.querySelector(".announcement");
  const ours = bar && bar.querySelector(".potok-old-version");
  if (!latest || latest.name === current.name) {
    if (ours) {
      bar.remove();
    }
    return;
  }
  if (bar && !ours) {
    return; // someone else's announcement: leave it
  }
  const span = document.createElement("span");
  span.className = "potok-old-version";
  const what = current.kind === "release"
    ? `версию ${current.label}`
    : "ещё не выпущенную версию из ветки main";
  const link = versionLink(latest, root, page, null);
  link.textContent = latest.label;
  span.append(`Вы читаете ${what}. Последний выпуск — `, link, ".");
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "announcement";
    const aside = document.createElement("aside");
    aside.className = "announcement-content";
    bar.append(aside);
    const main = document.querySelector(".page"); // furo puts the bar before it
    if (main) {
      main.before(bar);
    } else {
      document.body.prepend(bar);
    }
  }
  bar.querySelector(".announcement-content").replaceChildren(span);
}

async function redrawVersions() {
  const nav = document.querySelector("nav.potok-versions[data-root]");
  if (!nav) {
    return;
  }
  const { root, page, current: name } = nav.dataset;
  let data;
  try {
    const url = new URL(`${root}versions.json`, document.baseURI);
    const response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) {
      return;
    }
    data = await response.json();
  } catch (error) {
    return; // no HTTP (file://) or no list: the build's own list stays
  }
  const versions = Array.isArray(data && data.versions) ? data.versions : [];
  const valid = versions.every((v) => v && typeof v.name === "string" &&
    typeof v.label === "string" && typeof v.kind === "string");
  const current = versions.find((v) => v && v.name === name);
  if (!valid || !current) {
    return;
  }
  const items = versions.map((v) => {
    const item = document.createElement("li");
    const link = versionLink(v, root, page, data.latest);
    if (v.name === name) {
      link.classList.add("current");
      link.setAttribute("aria-current", "page");
    }
    item.append(link);
    return item;
  });
  nav.querySelector("ul").replaceChildren(...items);
  const latest = versions.find((v) => v.name === data.latest);
  drawBanner(current, latest, root, page);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", redrawVersions);
} else {
  redrawVersions();
}
