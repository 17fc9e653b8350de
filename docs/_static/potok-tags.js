// potok: sphinx-gallery's tag filter (sg-tags.js) in Russian.
// sg-tags.js builds the filter above the gallery's cards on DOMContentLoaded and
// writes its two labels, "🏷 Tags:" and "Clear", in English from JavaScript,
// where the build's translations cannot reach them (potok_sphinx.where). This
// file loads after it, so its handler runs after the filter is built.
document.addEventListener("DOMContentLoaded", () => {
  for (const label of document.querySelectorAll(".sphx-glr-tag-label")) {
    if (label.id === "sphx-glr-tag-clear") {
      label.textContent = "Сбросить";
    } else if (label.textContent.trim() === "🏷 Tags:") {
      label.textContent = "🏷 Метки:";
    }
  }
});
