/* A bill's pages, live: new comments per article, amendment supports and decisions, new versions.
   The pages work without it (per-article forms, full page loads); this only saves the reload.
   Also: selecting a passage of an article fills that article's hidden quote field and opens its form. */
(function () {
  "use strict";
  var root = document.getElementById("live-legislation");
  if (!root) return;
  var statusLine = document.querySelector("[data-role=live-status]");
  var versionNotice = document.querySelector("[data-role=version-notice]");
  var lang = (document.documentElement.lang || "es").toLowerCase();
  var lastId = parseInt(root.getAttribute("data-last-event"), 10) || 0;
  var applied = {};
  var delay = 1000;
  var MAX_DELAY = 30000;
  var retry = null;

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

  /* --- live events ------------------------------------------------------------------ */
  if (!("WebSocket" in window) || !("content" in document.createElement("template"))) return;

  function setStatus(name) {
    if (statusLine) statusLine.textContent = root.getAttribute("data-status-" + name) || "";
  }

  function pick(values) {
    if (typeof values === "string") return values;
    return values[lang] || values[lang.slice(0, 2)] || values[Object.keys(values)[0]] || "";
  }

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

  function onMessage(message) {
    var event;
    try { event = JSON.parse(message.data); } catch (error) { return; }
    if (!event || typeof event !== "object") return;
    if (event.id) {
      if (applied[event.id]) return;
      applied[event.id] = true;
      if (event.id > lastId) lastId = event.id;
    }
    var handler = handlers[event.kind];
    if (handler) handler(event.data || {});
  }

  function connect() {
    retry = null;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path") + "?last_event_id=" + lastId);
    socket.onopen = function () { delay = 1000; setStatus("live"); };
    socket.onmessage = onMessage;
    socket.onclose = function (event) {
      if (event.code === 4403 || event.code === 4404 || event.code === 4400) { setStatus("offline"); return; }
      setStatus("reconnecting");
      retry = window.setTimeout(connect, delay + Math.floor(Math.random() * delay / 2));
      delay = Math.min(delay * 2, MAX_DELAY);
    };
  }
  window.addEventListener("online", function () {
    if (retry) { window.clearTimeout(retry); delay = 1000; connect(); }
  });
  connect();
})();
