// Receipt page: copy and print buttons. Without JavaScript the code is plain selectable text.
document.querySelectorAll(".js-only").forEach((el) => { el.hidden = false; });
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", () => {
    const target = document.querySelector(button.dataset.copy);
    if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
  });
});
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
