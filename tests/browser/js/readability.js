// Is the page readable in its current theme? Checks every visible text (body
// text, code, gallery output, admonitions, tables, sidebars) against the
// background it is drawn on, and every figure against the page behind it.
// Figures load lazily (the theme's variant, when it nears the screen): each one
// the theme shows is scrolled to and loaded first. One inside a closed
// <details> (the glossary's «Где это измерено») is not shown: it never loads,
// and checkVisibility() says so where getClientRects() does not.
// -> {texts: [...problems], figures: [...problems], checked: {texts, figures}}
async () => {
  for (const img of document.querySelectorAll("article img")) {
    if (img.complete || !img.checkVisibility()) continue;
    img.scrollIntoView({ block: "center", behavior: "instant" });
    await new Promise((done) => {
      img.addEventListener("load", done, { once: true });
      img.addEventListener("error", done, { once: true });
      setTimeout(done, 5000);
    });
  }
  window.scrollTo(0, 0);
  const parse = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const luminance = ([r, g, b]) => {
    const lin = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The colour an element's content is drawn on: its own background and its
  // ancestors', composited, over the canvas (white unless the page says else).
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility !== "visible" || Number(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && !(s.clip && s.clip.startsWith("rect(0"));
  };
  const describe = (el, text) =>
    `<${el.tagName.toLowerCase()} class="${el.className}"> «${text.slice(0, 40)}»`;

  const texts = [];
  let textsChecked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("script, style, noscript, svg, [aria-hidden=true]") || !visible(el)) {
      continue;
    }
    const s = getComputedStyle(el);
    const bg = backgroundOf(el);
    const fg = over(parse(s.color), bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const ratio = contrast(fg, bg);
    textsChecked++;
    if (ratio < need) {
      texts.push(`${ratio.toFixed(2)}:1 (needs ${need}:1) ${describe(el, text)}`);
    }
  }

  // A figure is readable if its strongest marks (the darkest or lightest 5% of
  // the pixels that differ from its background) reach 4.5:1 against that
  // background, after compositing any transparency over the page behind it.
  // Vector images are drawn at twice their size, so thin lines and small text
  // are not washed out into grey by anti-aliasing.
  const figures = [];
  let figuresChecked = 0;
  for (const img of document.querySelectorAll("article img")) {
    if (!img.complete || !img.naturalWidth || !visible(img)) continue;
    const scale = /\.svg(\?|#|$)/i.test(img.currentSrc || img.src) ? 2 : 1;
    const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0, w, h);
    const data = ctx.getImageData(0, 0, w, h).data;
    const behind = backgroundOf(img.parentElement);
    const step = Math.max(1, Math.floor(Math.sqrt((w * h) / 200000)));
    const pixels = [];
    const counts = new Map();
    for (let y = 0; y < h; y += step) {
      for (let x = 0; x < w; x += step) {
        const i = (y * w + x) * 4;
        const p = over([data[i], data[i + 1], data[i + 2], data[i + 3] / 255], behind);
        pixels.push(p);
        const key = p.slice(0, 3).map((c) => Math.round(c / 8)).join(",");
        counts.set(key, (counts.get(key) || 0) + 1);
      }
    }
    const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const background = top[0]
      .split(",")
      .map((c) => Math.min(255, Number(c) * 8))
      .concat(1);
    const marks = pixels
      .map((p) => contrast(p, background))
      .filter((c) => c > 1.1)
      .sort((a, b) => b - a);
    figuresChecked++;
    const strongest = marks.length ? marks[Math.floor(marks.length * 0.05)] : 1;
    if (strongest < 4.5) {
      figures.push(
        `${img.getAttribute("src")}: its marks reach only ${strongest.toFixed(2)}:1 ` +
          `against its background rgb(${background.slice(0, 3)})`,
      );
    }
  }
  return { texts, figures, checked: { texts: textsChecked, figures: figuresChecked } };
}
