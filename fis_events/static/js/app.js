// Fonts are served from our own server: Bootstrap Italia loads them from the path we give.
(function () {
  if (window.bootstrap && window.bootstrap.loadFonts) {
    window.bootstrap.loadFonts(document.body.dataset.fontsPath);
  }
})();
