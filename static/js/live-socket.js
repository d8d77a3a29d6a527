/* The socket every live page shares (a proposal's debate, a bill's pages): connect with the id of the
   last event the page saw, apply each event once, reconnect with back-off and jitter, and say the state
   in the page's status line. The pages work without it; a live page only saves the reload. */
window.DecideLive = (function () {
  "use strict";
  var lang = (document.documentElement.lang || "es").toLowerCase();
  var MAX_DELAY = 30000;

  /* Server-rendered text comes in every site language: the page's own, else the first. */
  function pick(values) {
    if (typeof values === "string") return values;
    if (!values) return "";
    return values[lang] || values[lang.slice(0, 2)] || values[Object.keys(values)[0]] || "";
  }

  function supported() {
    return "WebSocket" in window && "content" in document.createElement("template");
  }

  /* root carries data-ws-path, data-last-event and data-status-{live,reconnecting,offline}. */
  function open(root, statusLine, handlers) {
    var lastId = parseInt(root.getAttribute("data-last-event"), 10) || 0;
    var applied = {};
    var delay = 1000;
    var retry = null;

    function setStatus(name) {
      if (statusLine) statusLine.textContent = root.getAttribute("data-status-" + name) || "";
    }

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
        // Exponential back-off with jitter, so a restarted server is not hit by every page at once.
        retry = window.setTimeout(connect, delay + Math.floor(Math.random() * delay / 2));
        delay = Math.min(delay * 2, MAX_DELAY);
      };
    }

    window.addEventListener("online", function () {
      if (retry) { window.clearTimeout(retry); delay = 1000; connect(); }
    });
    connect();
  }

  return { open: open, pick: pick, supported: supported };
})();
