/* Draws every chart on the page with the site's own Vega bundle (no CDN), in the light or
   dark palette that Material is showing, and redraws when the reader switches palette. */
(function () {
  "use strict";

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function draw(element) {
    var url = element.getAttribute("data-spec");
    var load = element._spec
      ? Promise.resolve(element._spec)
      : fetch(url).then(function (response) {
          if (!response.ok) throw new Error(url + ": " + response.status);
          return response.json();
        });
    return load.then(function (spec) {
      element._spec = spec;
      if (element._view) element._view.finalize();
      var options = { actions: false, renderer: "svg", theme: isDark() ? "dark" : undefined };
      var themed = Object.assign({}, spec, { background: null });
      return window.vegaEmbed(element, themed, options).then(function (result) {
        element._view = result;
        element.setAttribute("data-drawn", isDark() ? "dark" : "light");
      });
    }).catch(function (error) {
      element.textContent = "This chart could not be drawn: " + error.message;
      element.setAttribute("data-drawn", "error");
      console.error(error);
    });
  }

  function drawAll() {
    document.querySelectorAll(".etf-chart__view").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    new MutationObserver(drawAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  });
})();
