/* Tells viewers of a poll page, live, that its results are out. Without JavaScript the page
   shows the results link on the next load. Markup: an empty role="status" element (a live region from the
   start, so screen readers announce the text when it arrives) with data-poll-socket="/ws/polls/<id>/"
   and data-notice="<translated sentence>", data-link-label="<translated link text>". */
(function () {
  "use strict";
  var holder = document.querySelector("[data-poll-socket]");
  if (!holder || !window.WebSocket) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var socket = new WebSocket(scheme + window.location.host + holder.getAttribute("data-poll-socket"));
  socket.onmessage = function (message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if (event.kind !== "poll.results" || !event.data || typeof event.data.url !== "string") { return; }
    if (event.data.url.charAt(0) !== "/") { return; }  // only links within the site
    holder.textContent = (holder.getAttribute("data-notice") || "Results are published.") + " ";
    var link = document.createElement("a");
    link.href = event.data.url;
    link.textContent = holder.getAttribute("data-link-label") || "See the results";
    holder.appendChild(link);
  };
}());
