/*
 * Footnote previews: hovering or focusing a footnote marker shows its
 * reference next to it, so a reader need not jump to the Sources and back.
 *
 * Progressive enhancement: without this script a marker is a plain link to
 * its note. The preview is a role="tooltip" element tied to the marker's
 * link with aria-describedby; it is shown with the hidden attribute and
 * classes only (the Content-Security-Policy allows no inline styles), hides
 * on Escape, when the pointer leaves, or when focus moves on, and never
 * takes focus itself.
 */
(function () {
  "use strict";

  var open = null;

  function hide(preview) {
    if (preview && !preview.hidden) {
      preview.hidden = true;
    }
    if (open === preview) {
      open = null;
    }
  }

  function show(preview) {
    if (open && open !== preview) {
      hide(open);
    }
    preview.hidden = false;
    open = preview;
    // Keep the preview on screen: open it to the left near the right edge.
    preview.classList.remove("footnote-preview-left");
    var box = preview.getBoundingClientRect();
    if (box.right > document.documentElement.clientWidth) {
      preview.classList.add("footnote-preview-left");
    }
  }

  function noteText(link) {
    var id;
    try {
      id = decodeURIComponent(link.hash.slice(1));
    } catch (error) {
      return ""; // a malformed address: this marker keeps its plain link
    }
    var note = id && document.getElementById(id);
    var reference = note && note.querySelector(".reference");
    if (!reference) {
      return "";
    }
    // The reference without its "About this source" link, as plain text.
    var copy = reference.cloneNode(true);
    copy.querySelectorAll(".source-detail").forEach(function (element) {
      element.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function enhance(link, index) {
    var text = noteText(link);
    var marker = link.parentElement;
    if (!text || !marker) {
      return;
    }
    var preview = document.createElement("span");
    preview.className = "footnote-preview";
    preview.id = "footnote-preview-" + (index + 1);
    preview.setAttribute("role", "tooltip");
    preview.hidden = true;
    preview.textContent = text;
    marker.classList.add("has-footnote-preview");
    marker.appendChild(preview);
    link.setAttribute("aria-describedby", preview.id);

    marker.addEventListener("mouseenter", function () {
      show(preview);
    });
    marker.addEventListener("mouseleave", function () {
      if (document.activeElement !== link) {
        hide(preview);
      }
    });
    link.addEventListener("focus", function () {
      show(preview);
    });
    link.addEventListener("blur", function () {
      hide(preview);
    });
  }

  function start() {
    document.querySelectorAll('sup.footnote-ref a[role="doc-noteref"]').forEach(enhance);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && open) {
        hide(open);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
