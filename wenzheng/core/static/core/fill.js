// "Use" buttons (the router's advice, in the workbench and on the portal): fill the named fields of the form the advice belongs to
// (data-fill holds {"field": value}); a change event lets htmx refresh what depends on them.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-fill]");
  if (!button) return;
  const holder = button.closest("[data-fill-form]");
  const form = holder && document.querySelector(holder.getAttribute("data-fill-form"));
  if (!form) return;
  const values = JSON.parse(button.getAttribute("data-fill"));
  Object.entries(values).forEach(([name, value]) => {
    const field = form.elements[name];
    if (!field) return;
    field.value = String(value);
    field.dispatchEvent(new Event("change", { bubbles: true }));
  });
  const details = form.closest("details");
  if (details) details.open = true;
  button.classList.add("used");
});
