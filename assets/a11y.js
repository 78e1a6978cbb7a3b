// Accessibility repairs the page needs whatever Dash renders (run again after every re-render).
(function () {
  // Setting an attribute to the value it already has still notifies the observer below: only
  // write when something changes, or the page would loop forever.
  function set(element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function repair() {
    // 1. The <html> element carries the page's language (the layout's root says which).
    var page = document.querySelector(".page[lang]");
    if (page && document.documentElement.lang !== page.lang) {
      document.documentElement.lang = page.lang;
    }
    // 2. Dash 4.4 renders radio and check lists as role="listbox" holding role="option" labels that
    //    each contain an <input>: screen readers see nested, unnamed controls. The native inputs are
    //    accessible by themselves, so the container becomes a named group and the labels plain labels.
    // Only radio and check lists: a dropdown's menu is a real listbox and keeps its roles.
    var lists = ".dash-radioitems[role='listbox'], .dash-checklist[role='listbox']";
    document.querySelectorAll(lists).forEach(function (list) {
      var isRadio = list.classList.contains("dash-radioitems");
      set(list, "role", isRadio ? "radiogroup" : "group");
      var label = list.id && document.querySelector("label[for='" + list.id + "']");
      if (label) {
        if (!label.id) {
          label.id = list.id + "-label";
        }
        set(list, "aria-labelledby", label.id);
      }
    });
    var options = ".dash-radioitems > .dash-options-list-option[role='option'],"
      + " .dash-checklist > .dash-options-list-option[role='option']";
    document.querySelectorAll(options).forEach(function (option) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
    // 3. Dash 4.4 dropdowns take keyboard focus on a hidden <input aria-hidden="true">: a keyboard
    //    user lands on something screen readers cannot see. It becomes a named combobox instead.
    document.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var focus = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (!focus || !button) {
        return;
      }
      var label = document.querySelector("label[for='" + button.id + "']");
      var value = button.querySelector(".dash-dropdown-value");
      var name = (label ? label.textContent + " : " : "") + (value ? value.textContent : "");
      if (focus.hasAttribute("aria-hidden")) {
        focus.removeAttribute("aria-hidden");
      }
      set(focus, "role", "combobox");
      set(focus, "aria-haspopup", "listbox");
      set(focus, "aria-expanded", button.getAttribute("aria-expanded") || "false");
      set(focus, "aria-label", name);
    });
    // 4. Dash 4.4 names a dropdown's button by its current value only (« Toutes »): a screen reader
    //    would not say which filter it is. Its label comes first: « Région Toutes ».
    document.querySelectorAll(".dash-dropdown-wrapper button.dash-dropdown[id]").forEach(function (button) {
      var label = document.querySelector("label[for='" + button.id + "']");
      if (!label) {
        return;
      }
      if (!label.id) {
        label.id = button.id + "-label";
      }
      var own = (button.getAttribute("aria-labelledby") || button.id + "-value").split(/\s+/)
        .filter(function (id) { return id && id !== label.id; });
      set(button, "aria-labelledby", [label.id].concat(own).join(" "));
    });
    // 5. dcc.Upload's file input has no label of its own: it takes the drop zone's words.
    document.querySelectorAll(".upload-box input[type='file']:not([aria-label])").forEach(function (input) {
      set(input, "aria-label", input.closest(".upload-box").textContent.trim());
    });
  }
  // Many mutations arrive per frame (the grid, the map); one repair per frame is enough.
  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        repair();
      });
    }
  }
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                                                   attributeFilter: ["role", "lang", "aria-expanded", "aria-labelledby"] });
})();
