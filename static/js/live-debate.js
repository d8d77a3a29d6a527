/* Live debate: applies a proposal's live events to the page (the socket itself: live-socket.js).
   The page works without it; this only saves the reload. Server-rendered HTML comes in the event,
   in every site language. */
(function () {
  "use strict";
  var section = document.getElementById("debate");
  var live = window.DecideLive;
  if (!section || !live || !live.supported()) return;

  var statusLine = section.querySelector("[data-role=live-status]");
  var thread = section.querySelector("[data-role=thread]");
  var countNode = section.querySelector("[data-role=comment-count]");
  var pick = live.pick;
  var canPost = section.getAttribute("data-can-post") === "true";
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  function build(html) {
    var template = document.createElement("template");
    template.innerHTML = pick(html).trim();
    var node = template.content.firstElementChild;
    if (node) prepare(node);
    return node;
  }

  /* Inserted forms get this page's CSRF token; actions this viewer may not take are dropped. */
  function prepare(node) {
    if (!canPost) {
      node.querySelectorAll("[data-requires=post]").forEach(function (el) { el.remove(); });
    }
    node.querySelectorAll("form[method=post]").forEach(function (form) {
      if (tokenInput && !form.querySelector("input[name=csrfmiddlewaretoken]")) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = tokenInput.value;
        form.prepend(input);
      }
    });
  }

  function commentNode(id) { return document.getElementById("comment-" + id); }
  function mainOf(item) { return item.querySelector(":scope > [data-role=main]"); }
  function repliesOf(item) { return item.querySelector(":scope > [data-role=replies]"); }

  // "1 comment", "2 comments": the page's two translated forms, picked by the language's plural rule.
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "es") : null;

  function addToCount(delta) {
    if (!countNode) return;
    var value = Math.max(0, (parseInt(countNode.textContent, 10) || 0) + delta);
    var form = plural && plural.select(value) === "one" ? "data-one" : "data-other";
    var words = countNode.getAttribute(form) || String(value);
    countNode.textContent = words.replace(/\d+/, String(value));
  }

  function setFlags(item, data) {
    var main = mainOf(item);
    item.classList.toggle("comment-pinned", !!data.pinned);
    item.classList.toggle("comment-official", !!(main && main.getAttribute("data-official") === "true"));
    if (data.pinned && !data.parent && item.parentNode === thread) thread.prepend(item);
  }

  function replaceMain(item, html) {
    var fresh = build(html);
    if (!fresh) return;
    var main = fresh.matches("[data-role=main]") ? fresh : mainOf(fresh);
    var old = mainOf(item);
    if (main && old) old.replaceWith(main);
  }

  function insertComment(data, counted) {
    var existing = commentNode(data.comment);
    if (existing) {
      replaceMain(existing, data.html);
      setFlags(existing, data);
      return;
    }
    var parent = data.parent ? commentNode(data.parent) : null;
    var list = parent ? repliesOf(parent) : thread;
    if (!list) return;
    var item = build(data.html);
    if (!item) return;
    list.appendChild(item);
    setFlags(item, data);
    var empty = section.querySelector("[data-role=empty]");
    if (empty) empty.remove();
    if (counted) addToCount(1);
  }

  function removeComment(data) {
    var item = commentNode(data.comment);
    if (!item) return;
    var replies = repliesOf(item);
    if (data.reason !== "deleted" && !(replies && replies.children.length)) {
      item.remove();
    } else {
      replaceMain(item, data.html);
      item.classList.remove("comment-pinned", "comment-official");
    }
    addToCount(-1);
  }

  function setText(selector, text) {
    document.querySelectorAll(selector).forEach(function (el) { el.textContent = text; });
  }

  var handlers = {
    "comment.created": function (d) { insertComment(d, true); },
    "comment.restored": function (d) { insertComment(d, false); addToCount(1); },
    "comment.edited": function (d) {
      var item = commentNode(d.comment);
      if (item) { replaceMain(item, d.html); setFlags(item, d); }
    },
    "comment.removed": removeComment,
    "comment.reactions": function (d) {
      var item = commentNode(d.comment);
      if (!item) return;
      var main = mainOf(item);
      var agree = main && main.querySelector("[data-role=agree-count]");
      var disagree = main && main.querySelector("[data-role=disagree-count]");
      if (agree) agree.textContent = String(d.agree);
      if (disagree) disagree.textContent = String(d.disagree);
    },
    /* The proposal page marks these with ids; this page shows a single proposal. */
    "proposal.supports": function (d) { setText("#support-count", String(d.count)); },
    "proposal.status": function (d) { setText("#proposal-status", pick(d.labels) || d.label); },
    "debate.locked": function (d) {
      var notice = section.querySelector("[data-role=lock-notice]");
      if (notice) notice.innerHTML = pick(d.message);
      var form = section.querySelector("[data-role=comment-form]");
      if (form) form.hidden = !!d.locked;
    },
    "debate.resync": function () { window.location.reload(); },
    /* Results of a poll on this proposal were published: say so quietly, with the link. */
    "poll.results": function (d) {
      if (typeof d.url !== "string" || d.url.charAt(0) !== "/") return;  // only links within the site
      var holder = document.querySelector("[data-role=results-notice]");
      if (!holder) return;
      holder.textContent = (holder.getAttribute("data-notice") || "") + " ";
      var link = document.createElement("a");
      link.href = d.url;
      link.textContent = holder.getAttribute("data-link-label") || d.title || d.url;
      holder.appendChild(link);
      holder.hidden = false;
    }
  };

  live.open(section, statusLine, handlers);
})();
