// Every image in the page's content with its alt text and what kind it is.
() =>
  Array.from(document.querySelectorAll("article img")).map((img) => ({
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    figure: img.matches(".sphx-glr-single-img, .sphx-glr-multi-img"),
    // a gallery thumbnail sits in a link whose title text names the example
    thumbnail: !!img.closest(".sphx-glr-thumbcontainer"),
  }))
