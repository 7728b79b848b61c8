/*
 * Keyboard navigation in the dossier inbox (instruction/inbox.html): on a <table data-inbox-keys>,
 * each row's dossier link (a.dossier-code) is a stop of the list.
 *
 * - j / k move the focus to the next / previous dossier (from anywhere on the page, except while
 *   typing in a form control); ArrowDown / ArrowUp do the same once a dossier link has the focus
 *   (elsewhere they keep scrolling the page). Enter opens the focused dossier: it is a link.
 * - "/" puts the focus in the search box (input[type=search] of the page).
 * - The focused row is highlighted by CSS (tr:focus-within) and scrolled into view.
 *
 * Without JavaScript the page works the same: the links are reached with Tab. The shortcuts are
 * documented on the page (a <details> "Keyboard shortcuts"). Idempotent: a table is set up once.
 */
(function () {
  "use strict";

  var TYPING = /^(INPUT|TEXTAREA|SELECT)$/;

  function links(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody a.dossier-code"));
  }

  function isTyping(target) {
    return !!target && (TYPING.test(target.tagName) || target.isContentEditable);
  }

  function move(table, step) {
    var items = links(table);
    if (!items.length) {
      return false;
    }
    var index = items.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    items[next].focus();
    if (items[next].scrollIntoView) {
      items[next].scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  function setUp(table) {
    if (table.getAttribute("data-inbox-keys-ready") === "1") {
      return;
    }
    table.setAttribute("data-inbox-keys-ready", "1");
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
        return;
      }
      var onRow = links(table).indexOf(document.activeElement) !== -1;
      var step = 0;
      if (event.key === "j" || (event.key === "ArrowDown" && onRow)) {
        step = 1;
      } else if (event.key === "k" || (event.key === "ArrowUp" && onRow)) {
        step = -1;
      } else if (event.key === "/") {
        var search = document.querySelector('input[type="search"]');
        if (search) {
          event.preventDefault();
          search.focus();
        }
        return;
      }
      if (step && move(table, step)) {
        event.preventDefault();
      }
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-inbox-keys]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
