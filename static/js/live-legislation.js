/* A bill's pages, live: new comments per article, amendment supports and decisions, new versions.
   The pages work without it (per-article forms, full page loads); this only saves the reload.
   Also: selecting a passage of an article fills that article's hidden quote field and opens its form. */
(function () {
  "use strict";
  var root = document.getElementById("live-legislation");
  if (!root) return;
  var statusLine = document.querySelector("[data-role=live-status]");
  var versionNotice = document.querySelector("[data-role=version-notice]");

  /* --- the passage a reader selects ---------------------------------------------------- */
  function articleOf(node) {
    while (node && node.nodeType !== 1) node = node.parentNode;
    return node ? node.closest("[data-section]") : null;
  }

  function quoteSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    var article = articleOf(selection.anchorNode);
    var text = article && article.querySelector("[data-role=article-text]");
    if (!text || !text.contains(selection.anchorNode) || !text.contains(selection.focusNode)) return;
    var quote = selection.toString().replace(/\s+/g, " ").trim();
    if (!quote) return;
    var form = article.querySelector("form") || document.querySelector("form[data-role=annotate]");
    if (!form) return;
    var field = form.querySelector("input[name=quote]");
    var preview = form.querySelector("[data-role=quote-preview]");
    if (!field) return;
    field.value = quote.slice(0, 2000);
    if (preview) {
      preview.textContent = "“" + field.value + "”";
      preview.hidden = false;
    }
    var details = article.querySelector("details[data-role=annotate]");
    if (details) details.open = true;
  }
  document.addEventListener("mouseup", quoteSelection);
  document.addEventListener("keyup", function (event) { if (event.shiftKey) quoteSelection(); });

  /* --- live events (the socket itself: live-socket.js) --------------------------------- */
  var live = window.DecideLive;
  if (!live || !live.supported()) return;
  var pick = live.pick;

  function sectionNode(key) {
    return document.querySelector("[data-section=\"" + String(key).replace(/[^0-9a-f-]/g, "") + "\"]");
  }

  var handlers = {
    "annotation.created": function (d) {
      var article = sectionNode(d.section);
      if (!article || document.getElementById("annotation-" + d.annotation)) return;
      var count = article.querySelector("[data-role=count]");
      if (count) count.textContent = String(d.count);
      var heat = article.parentNode.querySelector("[data-role=heat]");
      var list = article.querySelector("[data-role=recent]") || document.querySelector("[data-role=recent]");
      if (list) {
        var template = document.createElement("template");
        template.innerHTML = pick(d.html).trim();
        var node = template.content.firstElementChild;
        if (node) list.prepend(node);
      }
      if (heat) heat.setAttribute("data-heat", String(d.heat));
    },
    "amendment.supports": function (d) {
      document.querySelectorAll("[data-role=amendment-supports][data-amendment=\"" + parseInt(d.amendment, 10) + "\"]")
        .forEach(function (node) { node.textContent = String(d.count); });
    },
    "amendment.decided": function (d) {
      document.querySelectorAll("[data-role=amendment-status][data-amendment=\"" + parseInt(d.amendment, 10) + "\"]")
        .forEach(function (node) { node.textContent = pick(d.labels); });
    },
    "version.created": function (d) {
      if (!versionNotice || typeof d.url !== "string" || d.url.charAt(0) !== "/") return;
      versionNotice.textContent = pick(d.message) + " ";
      var link = document.createElement("a");
      link.href = d.url;
      link.textContent = "v" + parseInt(d.number, 10);
      versionNotice.appendChild(link);
    },
    "debate.resync": function () { window.location.reload(); }
  };

  live.open(root, statusLine, handlers);
})();
