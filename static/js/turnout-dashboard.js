/* Live turnout dashboard: replaces the table body with the figures the socket sends.
   Without JavaScript the page shows the same figures and a reload refreshes them. */
(function () {
  "use strict";
  var status = document.getElementById("turnout-status");
  var table = document.getElementById("turnout-table");
  if (!status || !table || !window.WebSocket) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + status.getAttribute("data-socket");
  var delay = 1000;

  function cell(tag, text, className) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (className) { el.className = className; }
    if (tag === "th") { el.setAttribute("scope", "row"); }
    return el;
  }

  // Figures arrive raw; format them like the page did, in the page's language. Labels too come from the page.
  var lang = document.documentElement.lang || undefined;
  var whole = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var labels = {};
  Array.prototype.forEach.call(table.querySelectorAll("tr[data-cell] th"), function (th) {
    labels[th.parentNode.getAttribute("data-cell")] = th.firstChild ? th.firstChild.textContent.trim() : "";
  });

  function formatted(row) {
    return [
      whole.format(row.participants),
      whole.format(row.eligible),
      row.rate === null ? "—" : percent.format(row.rate * 100) + " %",
      row.index === null ? "—" : decimal.format(row.index)
    ];
  }

  function render(rows) {
    var body = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-cell", row.cell);
      if (row.cell === "all-all") { tr.className = "subtotal"; }
      var label = cell("th", labels[row.cell] || row.label);
      if (row.low) {
        tr.className = "under-represented";
        label.appendChild(document.createTextNode(" "));
        label.appendChild(cell("span", table.getAttribute("data-low-label") || "under-represented", "badge badge-warn"));
      }
      tr.appendChild(label);
      formatted(row).forEach(function (value) {
        tr.appendChild(cell("td", value, "num"));
      });
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
  }

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { delay = 1000; status.textContent = status.getAttribute("data-live-label") || "Live"; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.kind === "poll.turnout" && event.data && event.data.rows) { render(event.data.rows); }
    };
    socket.onclose = function (close) {
      if (close.code === 4403 || close.code === 4404) { return; }
      status.textContent = status.getAttribute("data-offline-label") || "Reconnecting…";
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
}());
