/*
 * Themes autocomplete on goal forms: as an editor types a theme in a themes
 * field (names separated by commas), existing themes that match the name
 * being typed are offered in a list under the field. Arrow keys move, Enter
 * or a click takes one, Escape closes. The field stays a plain text field:
 * without this script, or with no match, typing works as before.
 * First-party and same-origin only (the admin's Content Security Policy).
 */
(function () {
  "use strict";

  var SELECTOR = "input[data-theme-suggestions]";
  var input = null;
  var list = null;
  var active = -1;
  var timer = null;

  function typedNames(value) {
    return value.split(",").map(function (name) { return name.trim().toLowerCase(); });
  }

  function lastName(value) {
    var names = value.split(",");
    return names[names.length - 1].trim();
  }

  function close() {
    if (list) {
      list.remove();
      list = null;
    }
    if (input) {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    active = -1;
  }

  function choose(name) {
    var value = input.value;
    var comma = value.lastIndexOf(",");
    var head = comma >= 0 ? value.slice(0, comma + 1) + " " : "";
    input.value = head + name + ", ";
    close();
    input.focus();
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  function show(field, names) {
    close();
    input = field;
    var taken = typedNames(field.value).slice(0, -1);
    names = names.filter(function (name) { return taken.indexOf(name.toLowerCase()) < 0; });
    if (!names.length) {
      return;
    }
    list = document.createElement("ul");
    list.id = field.id + "-suggestions";
    list.className = "theme-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Existing themes");
    names.forEach(function (name, index) {
      var option = document.createElement("li");
      option.id = list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = name;
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the field
        choose(name);
      });
      list.appendChild(option);
    });
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("aria-expanded", "true");
    field.setAttribute("aria-controls", list.id);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches(SELECTOR)) {
      return;
    }
    var typed = lastName(field.value);
    window.clearTimeout(timer);
    if (!typed) {
      close();
      return;
    }
    timer = window.setTimeout(function () {
      var url = field.dataset.themeSuggestions + "?q=" + encodeURIComponent(typed);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { themes: [] }; })
        .then(function (data) {
          if (lastName(field.value) === typed) {
            show(field, data.themes || []);
          }
        })
        .catch(close);
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!list || event.target !== input) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); // take the theme, do not submit the form
      choose(list.querySelectorAll("[role=option]")[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === input) {
      close();
    }
  });
})();
