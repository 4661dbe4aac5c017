// The health page's Print button. A script file, not an onclick attribute: the
// Content-Security-Policy allows no inline handlers. Without JavaScript the button stays hidden.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
