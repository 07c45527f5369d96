// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.requestSubmit();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    document.querySelectorAll("details.menu[open]").forEach((menu) => menu.removeAttribute("open"));
  }
});

// Search suggestions: keep aria-expanded in step, arrow keys move through them, Escape closes.
document.addEventListener("htmx:afterSettle", () => {
  const input = document.getElementById("site-search");
  const list = document.getElementById("search-suggestions");
  if (input && list) input.setAttribute("aria-expanded", String(!list.hidden));
});
document.addEventListener("keydown", (event) => {
  const input = document.getElementById("site-search");
  const list = document.getElementById("search-suggestions");
  if (!input || !list || list.hidden || !["ArrowDown", "ArrowUp", "Escape"].includes(event.key)) return;
  const links = [...list.querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  if (at < 0 && document.activeElement !== input) return;
  event.preventDefault();
  if (event.key === "Escape") {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.focus();
    return;
  }
  const next = event.key === "ArrowDown" ? at + 1 : at - 1;
  if (next < 0) input.focus();
  else links[Math.min(next, links.length - 1)].focus();
});
