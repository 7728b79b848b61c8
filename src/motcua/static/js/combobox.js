/*
 * Commune picker: turns each <select data-combobox> (communes grouped by province in
 * <optgroup data-province>) into a WAI-ARIA 1.2 combobox with a listbox popup.
 *
 * - Typing filters without accents and case ("dien bien phu" finds "Phường Điện Biên Phủ",
 *   "d" finds "đ"), on the commune's name and its province's; at most MAX_RESULTS are listed.
 * - Down/Up open the list and move through it, Enter chooses, Escape closes (then clears),
 *   a polite live region says how many results there are.
 * - The <select> stays the form's control: it is hidden (from everyone, assistive technology
 *   included) and gets the chosen value, with a `change` event, so the form posts exactly what it
 *   posts without JavaScript. The text box takes the select's id, so its <label for> names it.
 * - When a <select data-province-select> comes before it in the form and has a value, that
 *   province's communes are listed first (the others stay reachable: the province asked may be
 *   another one, e.g. a place of birth).
 *
 * Loaded by base.html on every page (a no-op without data-combobox). Idempotent: selects that
 * arrive with an htmx swap are enhanced on `htmx:load`, each select once, even if the script runs
 * twice. Texts come from data- attributes (translated by the template).
 */
(function () {
  "use strict";

  if (window.motcuaCombobox) {
    window.motcuaCombobox.enhanceAll(document);
    return;
  }

  var MAX_RESULTS = 50;
  var ANNOUNCE_DELAY_MS = 400;
  var TYPE_PREFIX = /^(phuong|xa|dac khu|thi tran) /;
  var counter = 0;
  var collator = window.Intl ? new Intl.Collator("vi") : null;

  /** Lower case, without accents, đ as d, punctuation as spaces. */
  function fold(text) {
    return String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/['’]/g, "")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  function format(template, count) {
    return String(template || "").replace(/%\(count\)s/g, String(count));
  }

  function readEntries(select) {
    var entries = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) {
        return;
      }
      var group = option.parentElement && option.parentElement.tagName === "OPTGROUP" ? option.parentElement : null;
      var label = option.textContent.trim();
      var province = group ? group.label : "";
      var key = fold(label);
      entries.push({
        value: option.value,
        label: label,
        province: province,
        provinceCode: group ? group.getAttribute("data-province") || "" : "",
        key: key,
        shortKey: key.replace(TYPE_PREFIX, ""),
        words: (key + " " + fold(province)).split(" "),
        labelWords: key.split(" "),
      });
    });
    if (collator) {
      entries.sort(function (a, b) {
        return collator.compare(a.label, b.label) || collator.compare(a.province, b.province);
      });
    }
    entries.forEach(function (entry, index) {
      entry.order = index;
    });
    return entries;
  }

  function hasWordStartingWith(words, token) {
    for (var i = 0; i < words.length; i += 1) {
      if (words[i].lastIndexOf(token, 0) === 0) {
        return true;
      }
    }
    return false;
  }

  /** Rank of an entry for the folded query (lower is better), or -1 when it does not match. */
  function rank(entry, query, tokens) {
    if (!query) {
      return 3;
    }
    if (entry.shortKey.lastIndexOf(query, 0) === 0 || entry.key.lastIndexOf(query, 0) === 0) {
      return 0;
    }
    if ((" " + entry.key).indexOf(" " + query) !== -1) {
      return 1;
    }
    var inLabel = true;
    for (var i = 0; i < tokens.length; i += 1) {
      if (!hasWordStartingWith(entry.words, tokens[i])) {
        return -1;
      }
      if (inLabel && !hasWordStartingWith(entry.labelWords, tokens[i])) {
        inLabel = false;
      }
    }
    return inLabel ? 2 : 3;
  }

  function precedingProvinceSelect(select) {
    var scope = select.form || document;
    var found = null;
    Array.prototype.forEach.call(scope.querySelectorAll("select[data-province-select]"), function (candidate) {
      // eslint-disable-next-line no-bitwise
      if (candidate.compareDocumentPosition(select) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = candidate;
      }
    });
    return found;
  }

  function Combobox(select) {
    this.select = select;
    this.entries = readEntries(select);
    this.byValue = {};
    this.entries.forEach(function (entry) {
      this.byValue[entry.value] = entry;
    }, this);
    this.results = [];
    this.activeIndex = -1;
    this.announceTimer = null;
    this.build();
  }

  Combobox.prototype.build = function () {
    var select = this.select;
    var hadFocus = document.activeElement === select;
    var id = select.id || "combobox-" + (counter += 1);
    var listId = id + "-listbox";

    var wrapper = document.createElement("div");
    wrapper.className = "combobox";

    var hint = null;
    if (select.getAttribute("data-combobox-hint")) {
      hint = document.createElement("p");
      hint.className = "field__hint combobox__hint";
      hint.id = id + "-combobox-hint";
      hint.textContent = select.getAttribute("data-combobox-hint");
      wrapper.appendChild(hint);
    }

    var input = document.createElement("input");
    input.type = "text";
    input.className = "input combobox__input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("autocapitalize", "none");
    input.spellcheck = false;
    var describedBy = [select.getAttribute("aria-describedby"), hint && hint.id].filter(Boolean).join(" ");
    if (describedBy) {
      input.setAttribute("aria-describedby", describedBy);
    }
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    if (select.required) {
      input.setAttribute("aria-required", "true");
    }

    var listbox = document.createElement("ul");
    listbox.id = listId;
    listbox.className = "combobox__listbox";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");

    // The text box takes over the id, so <label for>, error links and htmx's focus keeping
    // (it refocuses the element with the same id after a swap) all point to it.
    select.removeAttribute("id");
    select.id = id + "-select";
    input.id = id;
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.id = label.id || id + "-label";
      listbox.setAttribute("aria-labelledby", label.id);
    }

    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.setAttribute("data-combobox-enhanced", "");

    this.wrapper = wrapper;
    this.input = input;
    this.listbox = listbox;
    this.status = status;
    input.value = this.displayText(this.byValue[select.value]);

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeyDown.bind(this));
    input.addEventListener("click", this.onClick.bind(this));
    input.addEventListener("blur", this.onBlur.bind(this));
    // The text box is not a form control of its own: its `change` must not reach listeners on
    // the form (htmx re-renders the test form on change). The select fires the real one.
    input.addEventListener("change", function (event) {
      event.stopPropagation();
    });
    // Keep the focus in the text box when an option is clicked.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", this.onOptionClick.bind(this));
    // The select may change from elsewhere (form reset, another script).
    select.addEventListener("change", this.syncFromSelect.bind(this));

    if (hadFocus) {
      input.focus();
    }
  };

  Combobox.prototype.displayText = function (entry) {
    if (!entry) {
      return "";
    }
    return entry.province ? entry.label + ", " + entry.province : entry.label;
  };

  Combobox.prototype.syncFromSelect = function () {
    if (document.activeElement !== this.input) {
      this.input.value = this.displayText(this.byValue[this.select.value]);
    }
  };

  Combobox.prototype.filter = function () {
    var query = fold(this.input.value);
    var current = this.byValue[this.select.value];
    if (current && this.input.value === this.displayText(current)) {
      // The text shows the current choice: list its name's matches, not just itself.
      query = current.key;
    }
    var tokens = query ? query.split(" ") : [];
    var provinceSelect = precedingProvinceSelect(this.select);
    var preferred = provinceSelect ? provinceSelect.value : "";
    var matches = [];
    this.entries.forEach(function (entry) {
      var r = rank(entry, query, tokens);
      if (r >= 0) {
        matches.push({ entry: entry, rank: r, other: preferred && entry.provinceCode !== preferred ? 1 : 0 });
      }
    });
    matches.sort(function (a, b) {
      return a.other - b.other || a.rank - b.rank || a.entry.order - b.entry.order;
    });
    this.total = matches.length;
    this.results = matches.slice(0, MAX_RESULTS).map(function (match) {
      return match.entry;
    });
  };

  Combobox.prototype.render = function () {
    var listbox = this.listbox;
    var id = this.input.id;
    while (listbox.firstChild) {
      listbox.removeChild(listbox.firstChild);
    }
    this.results.forEach(function (entry, index) {
      var option = document.createElement("li");
      option.id = id + "-option-" + index;
      option.className = "combobox__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-value", entry.value);
      option.appendChild(document.createTextNode(entry.label));
      if (entry.province) {
        var province = document.createElement("span");
        province.className = "combobox__province";
        province.textContent = ", " + entry.province;
        option.appendChild(province);
      }
      listbox.appendChild(option);
    });
  };

  Combobox.prototype.open = function () {
    this.filter();
    this.render();
    this.setActive(-1);
    var hasResults = this.results.length > 0;
    this.listbox.hidden = !hasResults;
    this.input.setAttribute("aria-expanded", hasResults ? "true" : "false");
    this.announce();
  };

  Combobox.prototype.isOpen = function () {
    return this.input.getAttribute("aria-expanded") === "true";
  };

  Combobox.prototype.close = function () {
    this.setActive(-1);
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    window.clearTimeout(this.announceTimer);
  };

  Combobox.prototype.announce = function () {
    var select = this.select;
    var total = this.total;
    var status = this.status;
    var message;
    if (total === 0) {
      message = select.getAttribute("data-combobox-none");
    } else if (total > MAX_RESULTS) {
      message = format(select.getAttribute("data-combobox-more"), MAX_RESULTS);
    } else if (total === 1) {
      message = select.getAttribute("data-combobox-one");
    } else {
      message = format(select.getAttribute("data-combobox-many"), total);
    }
    window.clearTimeout(this.announceTimer);
    // Wait for a pause in typing: one message, not one per key.
    this.announceTimer = window.setTimeout(function () {
      status.textContent = message || "";
    }, ANNOUNCE_DELAY_MS);
  };

  Combobox.prototype.setActive = function (index) {
    var options = this.listbox.children;
    if (this.activeIndex >= 0 && options[this.activeIndex]) {
      options[this.activeIndex].setAttribute("aria-selected", "false");
      options[this.activeIndex].classList.remove("combobox__option--active");
    }
    this.activeIndex = index;
    if (index >= 0 && options[index]) {
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      option.classList.add("combobox__option--active");
      this.input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) {
        option.scrollIntoView({ block: "nearest" });
      }
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.move = function (step) {
    if (!this.isOpen()) {
      this.open();
    }
    var count = this.results.length;
    if (!count) {
      return;
    }
    var index = this.activeIndex;
    if (index < 0) {
      index = step > 0 ? 0 : count - 1;
    } else {
      index = (index + step + count) % count;
    }
    this.setActive(index);
  };

  Combobox.prototype.choose = function (entry) {
    var select = this.select;
    var value = entry ? entry.value : "";
    this.input.value = this.displayText(entry);
    this.close();
    if (select.value !== value) {
      select.value = value;
      select.dispatchEvent(new Event("input", { bubbles: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  Combobox.prototype.onInput = function () {
    this.open();
  };

  Combobox.prototype.onClick = function () {
    if (!this.isOpen()) {
      this.open();
    }
  };

  Combobox.prototype.onOptionClick = function (event) {
    var option = event.target.closest ? event.target.closest("[role=option]") : null;
    if (!option) {
      return;
    }
    this.choose(this.byValue[option.getAttribute("data-value")]);
    this.input.focus();
  };

  Combobox.prototype.onKeyDown = function (event) {
    if (event.ctrlKey || event.metaKey) {
      return;
    }
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        event.preventDefault();
        if (event.altKey) {
          if (!this.isOpen()) {
            this.open();
          }
        } else {
          this.move(1);
        }
        break;
      case "ArrowUp":
      case "Up":
        event.preventDefault();
        if (event.altKey) {
          this.close();
        } else {
          this.move(-1);
        }
        break;
      case "Enter":
        if (!this.isOpen()) {
          return; // a closed combobox lets Enter submit the form, as a text box does
        }
        event.preventDefault();
        if (this.activeIndex >= 0) {
          this.choose(this.results[this.activeIndex]);
        } else if (this.results.length === 1) {
          this.choose(this.results[0]);
        }
        break;
      case "Escape":
      case "Esc":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
        }
        break;
      case "Tab":
        this.close();
        break;
      case "ArrowLeft":
      case "ArrowRight":
      case "Home":
      case "End":
        // The caret moves in the text: the visual focus leaves the list (APG).
        this.setActive(-1);
        break;
      default:
        break;
    }
  };

  /** Leaving the box: an empty text clears the choice, any other text shows the choice again. */
  Combobox.prototype.onBlur = function () {
    this.close();
    if (!this.input.value.trim()) {
      this.choose(null);
    } else {
      this.input.value = this.displayText(this.byValue[this.select.value]);
    }
  };

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var selects = scope.querySelectorAll("select[data-combobox]:not([data-combobox-enhanced])");
    Array.prototype.forEach.call(selects, function (select) {
      // A disabled select (or one in a disabled fieldset, as in a read-only preview) stays as it is.
      if (!select.matches(":disabled") && select.parentNode) {
        select.motcuaCombobox = new Combobox(select);
      }
    });
  }

  window.motcuaCombobox = { enhanceAll: enhanceAll, fold: fold };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  // htmx swaps (the builder's test form re-renders on change): enhance what came in.
  document.addEventListener("htmx:load", function () {
    enhanceAll(document);
  });
})();
