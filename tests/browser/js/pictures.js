// Every gallery picture the page shows in its current theme and width: figures
// (.potok-figure), thumbnails (gallery index, chapter cards) and diagrams, with
// what each picture file says about itself (its PNG text chunks: potok:theme,
// potok:run, potok:min-text-px, potok:thumbnail) and how large it is shown.
// -> {figures: [...], thumbnails: [...], diagrams: [...], pairs: [...]}
async () => {
  const chunks = async (url) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const view = new DataView(bytes.buffer);
    const out = { bytes: bytes.length };
    const latin1 = new TextDecoder("latin1");
    if (latin1.decode(bytes.slice(1, 4)) !== "PNG") return out;
    out.width = view.getUint32(16);
    out.height = view.getUint32(20);
    for (let i = 8; i + 8 <= bytes.length; ) {
      const length = view.getUint32(i);
      const type = latin1.decode(bytes.slice(i + 4, i + 8));
      if (type === "tEXt") {
        const data = bytes.slice(i + 8, i + 8 + length);
        const zero = data.indexOf(0);
        out[latin1.decode(data.slice(0, zero))] = latin1.decode(data.slice(zero + 1));
      }
      if (type === "IEND") break;
      i += 12 + length;
    }
    return out;
  };
  const shown = (el) => el.getClientRects().length > 0;
  const load = (img) =>
    img.complete
      ? Promise.resolve()
      : new Promise((done) => {
          img.addEventListener("load", done, { once: true });
          img.addEventListener("error", done, { once: true });
        });
  const describe = async (img) => {
    img.scrollIntoView({ block: "center", behavior: "instant" });
    await load(img);
    const r = img.getBoundingClientRect();
    const link = img.closest("a[href]");
    const box = img.closest(".potok-figure");
    const url = img.currentSrc || img.src;
    return {
      src: img.getAttribute("src"),
      url,
      loaded: img.complete && img.naturalWidth > 0,
      shownWidth: r.width,
      naturalWidth: img.naturalWidth,
      right: box ? box.getBoundingClientRect().right : r.right,
      scrolls: box ? box.scrollWidth > box.clientWidth + 1 : false,
      link: link ? link.href : null,
      facts: /\.png(\?|#|$)/i.test(url) ? await chunks(url) : {},
      linked: link && /\.png(\?|#|$)/i.test(link.href) ? await chunks(link.href) : null,
    };
  };
  const all = (selector) => [...document.querySelectorAll(selector)];
  const figures = [];
  // a gallery figure wherever it is: potok's component, or sphinx-gallery's
  // own image (which says nothing of its text: it fails the legibility test)
  const gallery =
    "article .potok-figure img, article img.sphx-glr-single-img, " +
    "article img.sphx-glr-multi-img";
  for (const img of new Set(all(gallery).filter(shown))) {
    figures.push(await describe(img));
  }
  const thumbnails = [];
  const thumbs = "article .sphx-glr-thumbcontainer img, article img.sd-card-img-top";
  for (const img of all(thumbs).filter(shown)) thumbnails.push(await describe(img));
  const diagrams = [];
  for (const img of all("article img.potok-diagram").filter(shown)) {
    diagrams.push({ src: img.getAttribute("src"), url: img.currentSrc || img.src });
  }
  // every picture with a theme: how many variants of it the page holds
  const pairs = [];
  for (const holder of all(
    "article .potok-figure, article .sphx-glr-thumbcontainer, article .sd-card, " +
      "article figure:has(img.potok-diagram), article div:has(> img.potok-diagram)",
  )) {
    const imgs = [...holder.querySelectorAll("img")];
    if (!imgs.length) continue;
    pairs.push({
      what: imgs[0].getAttribute("src"),
      light: imgs.filter((i) => i.matches(".only-light, .only-light img")).length,
      dark: imgs.filter((i) => i.matches(".only-dark, .only-dark img")).length,
      shown: imgs.filter(shown).length,
    });
  }
  window.scrollTo(0, 0);
  return { figures, thumbnails, diagrams, pairs };
}
