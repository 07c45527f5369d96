// Listing pages: leave empty facet fields out of the address htmx pushes, so a shared link
// reads ?brand=acme rather than ?brand=acme&price_min=&price_max=&rating=.
document.addEventListener("htmx:configRequest", (event) => {
  if (!(event.detail.elt instanceof HTMLElement) || !event.detail.elt.closest("#listing")) return;
  const parameters = event.detail.parameters;
  const names = parameters instanceof FormData ? Array.from(parameters.keys()) : Object.keys(parameters);
  for (const name of new Set(names)) {
    const values = parameters instanceof FormData ? parameters.getAll(name) : [parameters[name]].flat();
    if (values.every((value) => value === "" || value === null)) {
      if (parameters instanceof FormData) parameters.delete(name);
      else delete parameters[name];
    }
  }
});

// On a phone the filters start folded under a "Filter and sort" button (open without JS).
function foldFacetsOnSmallScreens() {
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll(".facets-panel[open]").forEach((panel) => {
    if (!panel.dataset.touched) panel.removeAttribute("open");
  });
}
document.addEventListener("DOMContentLoaded", foldFacetsOnSmallScreens);
document.addEventListener("toggle", (event) => {
  if (event.target instanceof HTMLElement && event.target.matches(".facets-panel")) {
    event.target.dataset.touched = "1";
  }
}, true);
document.addEventListener("htmx:afterSettle", (event) => {
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!(source instanceof HTMLElement) || !source.closest(".facets")) foldFacetsOnSmallScreens();
});
