// Only helps navigation: the page reads the same without it (links are plain #fragment links).
// A click on a citation marker, a citation or a back link scrolls its target to the middle of the
// view, flashes it and gives it focus, so the keyboard carries on from there.
(function () {
  "use strict";
  var still = window.matchMedia("(prefers-reduced-motion: reduce)");

  function show(target) {
    target.scrollIntoView({ block: "center", behavior: still.matches ? "auto" : "smooth" });
    target.classList.remove("flash");
    void target.offsetWidth; // restart the animation when the same span is shown twice in a row
    target.classList.add("flash");
    target.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    if (location.hash !== link.hash) history.pushState(null, "", link.hash);
    show(target);
  });

  window.addEventListener("popstate", function () {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) show(target);
  });
})();
