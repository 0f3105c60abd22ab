// The UI's only script: buttons that open and close a <dialog> (the Connect modal). Served
// from /static/ because the Content-Security-Policy allows no inline script.
document.querySelectorAll("[data-opens]").forEach((button) => {
  button.addEventListener("click", () => {
    const dialog = document.getElementById(button.dataset.opens);
    dialog.showModal();
    dialog.querySelector("input:not([type=hidden])")?.focus();
  });
});
document.querySelectorAll("[data-closes]").forEach((button) => {
  button.addEventListener("click", () => document.getElementById(button.dataset.closes).close());
});
