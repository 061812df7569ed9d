// The report page's behaviour: filters, search, keyboard review, decisions kept in the
// browser and exported as JSON. It reads only the page itself and never fetches anything.
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("state").textContent);
  var storeKey = "claimcheck:" + state.report;
  var decisions = Object.assign({}, state.decisions);
  try {
    Object.assign(decisions, JSON.parse(localStorage.getItem(storeKey) || "{}"));
  } catch (e) { /* storage unavailable (private window): decisions last for this visit */ }

  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  cards.forEach(function (card, rank) {
    card.dataset.rank = rank;
    card.dataset.home = card.dataset.severity === "low" ? "low-cards" : "main-cards";
  });
  var current = null;

  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(decisions)); } catch (e) { /* see above */ }
  }

  function place(card) {
    var target = document.getElementById(card.dataset.review === "dismissed" ? "dismissed-cards" : card.dataset.home);
    if (card.parentElement === target) return;
    var rank = Number(card.dataset.rank);
    var after = Array.prototype.find.call(target.children, function (c) { return Number(c.dataset.rank) > rank; });
    target.insertBefore(card, after || null);
  }

  function show(card) {
    var d = decisions[card.dataset.key];
    var status = d ? d.status : "";
    card.dataset.review = status;
    card.querySelector(".badge.decision").textContent = status;
    card.querySelectorAll(".review button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.status === status));
    });
    card.querySelector(".note").value = d ? d.note : "";
    place(card);
  }

  function counts() {
    var none = document.getElementById("no-main");  // said while no high or medium card is left undismissed
    if (none) none.hidden = document.getElementById("main-cards").children.length > 0;
    document.querySelector("#low .n").textContent = document.getElementById("low-cards").children.length;
    document.querySelector("#dismissed .n").textContent = document.getElementById("dismissed-cards").children.length;
  }

  // the card a reviewer goes on to after deciding `card`: the next undecided one in the order
  // shown, wrapping round to the top, found before the decided card moves away
  function nextUndecided(card) {
    var list = visible();
    var at = list.indexOf(card);
    var ahead = list.slice(at + 1).concat(list.slice(0, Math.max(at, 0)));
    return ahead.find(function (c) { return !c.dataset.review; }) || null;
  }

  function decide(card, status, note, stay) {
    var key = card.dataset.key;
    var old = decisions[key];
    var next = status && !stay ? nextUndecided(card) : null;
    if (!status) {
      delete decisions[key];
    } else {
      decisions[key] = {
        status: status,
        note: note !== undefined ? note : (old ? old.note : ""),
        summary: card.querySelector(".summary").textContent.trim()
      };
    }
    save();
    show(card);
    counts();
    filter();
    if (next) focusCard(next);
  }

  var search = document.getElementById("search");
  var kind = document.getElementById("kind");
  var severity = document.getElementById("severity");
  var source = document.getElementById("source");

  function filter() {
    var q = search.value.trim().toLowerCase();
    var active = q || kind.value || severity.value || source.value;
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!kind.value || card.dataset.kind === kind.value) &&
        (!severity.value || card.dataset.severity === severity.value) &&
        (!source.value || card.dataset.sources.split("\n").indexOf(source.value) >= 0) &&
        (!q || card.textContent.toLowerCase().indexOf(q) >= 0);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    if (active) {
      ["low", "dismissed"].forEach(function (id) {
        var box = document.getElementById(id);
        if (box.querySelector(".card:not([hidden])")) box.open = true;
      });
    }
    document.getElementById("count").textContent = shown + " of " + cards.length + " shown";
  }

  function visible() {
    return cards.filter(function (c) { return !c.hidden; }).sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
  }

  function focusCard(card) {
    if (current) current.classList.remove("current");
    current = card;
    if (!card) return;
    var box = card.closest("details");
    if (box) box.open = true;
    card.classList.add("current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }

  function step(by) {
    var list = visible();
    if (!list.length) return;
    var at = list.indexOf(current);
    focusCard(list[at < 0 ? (by > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + by))]);
  }

  cards.forEach(function (card) {
    show(card);
    card.querySelectorAll(".review button").forEach(function (b) {
      b.addEventListener("click", function () {
        decide(card, card.dataset.review === b.dataset.status ? "" : b.dataset.status);
      });
    });
    card.querySelector(".note").addEventListener("change", function (e) {
      decide(card, card.dataset.review || "needs-check", e.target.value, true);  // still typing here
    });
    card.addEventListener("click", function () { if (current !== card) focusCard(card); });
  });
  counts();
  [search, kind, severity, source].forEach(function (el) { el.addEventListener("input", filter); });
  filter();

  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
    if (e.key === "Escape" && typing) { e.target.blur(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    var keys = { j: 1, k: -1 };
    var marks = { c: "confirmed", d: "dismissed", n: "needs-check", u: "" };
    if (e.key in keys) { step(keys[e.key]); e.preventDefault(); }
    else if (e.key in marks && current) { decide(current, marks[e.key]); e.preventDefault(); }
    else if (e.key === "/") { search.focus(); e.preventDefault(); }
  });

  document.getElementById("export").addEventListener("click", function () {
    var data = {
      format: "claimcheck-decisions-1",
      report: state.report,
      story: state.story,
      exported: new Date().toISOString(),
      decisions: decisions
    };
    var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = "decisions-" + (state.story || "report") + ".json";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
