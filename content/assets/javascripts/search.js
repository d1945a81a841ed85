/* The search box, for readers who never search and readers of screens. Material fetches the
   whole search index as every page loads: this holds that one request back until the reader first
   reaches for the search box (a click or focus on it, or its keyboard shortcuts), so a page's first
   view does not carry the index; it must run before Material's bundle. And it names the search
   dialog, which Material leaves unnamed. */
(function () {
  "use strict";

  var INDEX = /\/search\/search_index\.json$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var waiting = [];
  var wanted = false;

  function release() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (pending) { send.apply(pending.request, pending.args); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this._searchIndex = INDEX.test(new URL(String(url), location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this._searchIndex && !wanted) {
      waiting.push({ request: this, args: arguments });
      return;
    }
    return send.apply(this, arguments);
  };

  function isSearch(target) {
    return target instanceof Element && target.closest("[data-md-component=search], label[for=__search]") !== null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog) dialog.setAttribute("aria-label", "Search");
  });
  document.addEventListener("focusin", function (event) { if (isSearch(event.target)) release(); });
  document.addEventListener("pointerdown", function (event) { if (isSearch(event.target)) release(); });
  document.addEventListener("keydown", function (event) {
    if (["/", "s", "f"].indexOf(event.key) >= 0 || isSearch(event.target)) release();
  });
})();
