/* The unread badge in the header, kept current over a WebSocket while the page is open.
   Without JavaScript the count is right at every page load. The socket is read-only and
   only ever carries the signed-in person's own count. Markup (templates/base.html): a link with
   data-notifications-socket, a [data-unread-badge] holding [data-unread-count], and a
   [data-unread-status] live region that announces a rise. */
(function () {
  "use strict";
  var link = document.querySelector("[data-notifications-socket]");
  if (!link || !window.WebSocket) { return; }
  var badge = link.querySelector("[data-unread-badge]");
  var counter = link.querySelector("[data-unread-count]");
  var status = document.querySelector("[data-unread-status]");
  if (!badge || !counter) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;

  function show(count) {
    var before = parseInt(counter.textContent, 10) || 0;
    counter.textContent = String(count);
    badge.hidden = count <= 0;
    if (status && count > before) {
      status.textContent = (link.textContent || "").replace(/\s+/g, " ").trim();
    }
  }

  function connect() {
    var socket = new WebSocket(scheme + window.location.host + link.getAttribute("data-notifications-socket"));
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.kind !== "notifications.badge" || !event.data) { return; }
      if (typeof event.data.unread === "number") {
        show(event.data.unread);
      } else if (typeof event.data["new"] === "number") {
        show((parseInt(counter.textContent, 10) || 0) + event.data["new"]);
      }
    };
    socket.onclose = function (closing) {
      if (closing.code === 4403 || closing.code === 4400) { return; }
      // Reconnect with backoff; on reconnect the server sends the exact count again.
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
}());
