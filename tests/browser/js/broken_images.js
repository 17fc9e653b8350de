// Images the browser could not display (lazy ones not yet in view excepted).
() =>
  Array.from(document.images)
    .filter((img) => img.loading !== "lazy")
    .filter((img) => !(img.complete && img.naturalWidth > 0))
    .map((img) => img.currentSrc || img.src)
