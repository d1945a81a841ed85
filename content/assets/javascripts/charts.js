/* Draws the page's charts with the site's own Vega bundle (no CDN), in the light or dark palette
   that Material is showing, and redraws them when the reader switches palette. The bundle is
   fetched only by a page that has a chart, and each chart is drawn when it nears the screen, so
   a page's first view costs neither; a chart's spec and its CSV are fetched when it is drawn. */
(function () {
  "use strict";

  var bundleUrl = document.currentScript.src.replace(/charts\.js(\?.*)?$/, "vega-bundle.js");
  var bundle = null;
  var visible = [];

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function loadBundle() {
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = bundleUrl;
        script.onload = resolve;
        script.onerror = function () { reject(new Error(bundleUrl + " could not be loaded")); };
        document.head.appendChild(script);
      });
    }
    return bundle;
  }

  function fetchSpec(element) {
    if (element._spec) return Promise.resolve(element._spec);
    var url = element.getAttribute("data-spec");
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function specFolder(element) {
    // a spec names its data file (the chart's CSV) beside it, not beside the page
    return new URL(".", new URL(element.getAttribute("data-spec"), document.baseURI)).href;
  }

  function draw(element) {
    return Promise.all([fetchSpec(element), loadBundle()]).then(function (loaded) {
      var spec = loaded[0];
      element._spec = spec;
      if (element._view) element._view.finalize();
      var options = { actions: false, renderer: "svg", theme: isDark() ? "dark" : undefined, loader: { baseURL: specFolder(element) } };
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

  function redrawVisible() {
    visible.forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var charts = document.querySelectorAll(".etf-chart__view");
    if (!charts.length) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        visible.push(entry.target);
        draw(entry.target);
      });
    }, { rootMargin: "200px 0px" });
    charts.forEach(function (chart) { observer.observe(chart); });
    new MutationObserver(redrawVisible).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  });
})();
