// Every URL the page refers to: links, images (every srcset candidate), styles,
// scripts; resolved by the browser against the page's own URL. -> [[kind, url]]
() => {
  const urls = [];
  const add = (kind, u) => {
    if (u) urls.push([kind, new URL(u, document.baseURI).href]);
  };
  document.querySelectorAll("a[href]").forEach((a) => add("link", a.href));
  document.querySelectorAll("img").forEach((img) => {
    add("image", img.getAttribute("src"));
    for (const candidate of (img.getAttribute("srcset") || "").split(",")) {
      add("image", candidate.trim().split(/\s+/)[0]);
    }
  });
  document.querySelectorAll("link[href]").forEach((l) => add("asset", l.href));
  document.querySelectorAll("script[src]").forEach((s) => add("asset", s.src));
  return urls;
}
