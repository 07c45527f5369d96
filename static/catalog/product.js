// Product page: the variant picker and the gallery. The page works without it (the first
// variant's price and stock are rendered by the server); this only follows the shopper's choice.
(() => {
  const dataElement = document.getElementById("variant-data");
  if (!dataElement) return;
  const data = JSON.parse(dataElement.textContent);
  const picker = document.getElementById("variant-picker");
  const byId = (id) => document.getElementById(id);

  function chosenOptions() {
    if (!picker) return [];
    return Array.from(picker.querySelectorAll("input[type=radio]:checked")).map((i) => Number(i.value));
  }

  function matching(options) {
    return data.variants.find((v) => options.every((o) => v.options.includes(o)) && v.options.length === options.length)
      || data.variants.find((v) => options.every((o) => v.options.includes(o)));
  }

  function showImage(src) {
    const main = byId("gallery-main");
    if (!main || !src) return;
    const img = main.querySelector("img");
    if (!img) return;
    main.querySelectorAll("source").forEach((source) => source.remove());
    img.removeAttribute("srcset");
    img.src = src;
  }

  function show(variant) {
    const price = byId("variant-price");
    const compare = byId("variant-compare");
    const stock = byId("variant-stock");
    const sku = byId("variant-sku");
    const tiers = byId("tier-table");
    const hidden = byId("variant-id");
    if (!variant) {
      if (stock) stock.textContent = stock.dataset.unavailable || "—";
      return;
    }
    if (price) price.textContent = variant.price;
    if (compare) { compare.textContent = variant.compare_at; compare.hidden = !variant.compare_at; }
    if (stock) {
      const template = variant.stock > 0 ? stock.dataset.inStock : stock.dataset.soldOut;
      stock.textContent = template ? template.replace("__n__", variant.stock) : String(variant.stock);
    }
    if (sku) sku.textContent = variant.sku;
    if (hidden) hidden.value = variant.id;
    if (tiers) {
      const body = tiers.querySelector("tbody");
      body.replaceChildren(...variant.tiers.map(([quantity, unit]) => {
        const row = document.createElement("tr");
        const q = document.createElement("td"); q.textContent = `≥ ${quantity}`;
        const u = document.createElement("td"); u.textContent = unit;
        row.append(q, u);
        return row;
      }));
      tiers.hidden = variant.tiers.length === 0;
    }
    showImage(variant.image);
  }

  if (picker) {
    picker.addEventListener("change", () => show(matching(chosenOptions())));
  }

  document.querySelectorAll(".gallery-thumb").forEach((button) => {
    button.addEventListener("click", () => {
      document.querySelectorAll(".gallery-thumb").forEach((b) => b.removeAttribute("aria-current"));
      button.setAttribute("aria-current", "true");
      showImage(button.dataset.src);
    });
  });
})();
