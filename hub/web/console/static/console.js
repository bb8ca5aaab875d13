// The console works without this file; it only asks before a form marked data-confirm is sent.
document.addEventListener("submit", (event) => {
  const text = event.target.getAttribute("data-confirm");
  if (text && !window.confirm(text)) event.preventDefault();
});
