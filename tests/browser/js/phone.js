// Layout problems on a narrow screen: the page itself scrolls sideways, or a
// wide element (code, table, figure, math) sticks out of the screen instead of
// scrolling in its own box. -> list of problems
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const pageWidth = Math.max(
    document.documentElement.scrollWidth,
    document.body.scrollWidth,
  );
  if (pageWidth > width + 1) {
    problems.push(`the page scrolls sideways: ${pageWidth}px wide on a ${width}px screen`);
  }
  // furo's content column scrolls sideways itself (overflow-x: auto): a wide
  // element there moves the whole text, which is no better. (The article
  // itself may overhang by furo's -0.5rem heading margins; that scrolls nothing.)
  for (const el of document.querySelectorAll(".page, .main, .content")) {
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(
        `<${el.tagName.toLowerCase()} class="${el.className}"> scrolls sideways: ` +
          `${el.scrollWidth}px of content in ${el.clientWidth}px`,
      );
    }
  }
  const describe = (el) => {
    const text = (el.textContent || el.getAttribute("src") || "").trim();
    return `<${el.tagName.toLowerCase()} class="${el.className}"> ${text.slice(0, 50)}`;
  };
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const wide = "article pre, article table, article img, article svg, article .math";
  for (const el of document.querySelectorAll(wide)) {
    if (!el.getClientRects().length) continue; // not displayed
    // the nearest box inside the article that scrolls sideways: the element
    // itself or an ancestor (code blocks, output, tables have their own)
    const article = el.closest("article");
    let box = el;
    while (box && box !== article && !scrolls(box)) box = box.parentElement;
    if (box && box !== article) {
      const r = box.getBoundingClientRect();
      if (r.left < -1 || r.right > width + 1) {
        problems.push(`scroll box wider than the screen (${Math.round(r.width)}px): ${describe(box)}`);
      }
      continue;
    }
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > width + 1) {
      problems.push(`sticks out of the screen (${Math.round(r.right)}px): ${describe(el)}`);
    } else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible") {
      problems.push(`content cut off instead of scrolling: ${describe(el)}`);
    }
  }
  return problems;
}
