// scaletrack's only script, loaded from this server: small helpers that pages work without.
// A result form shows the total of each breakdown dimension as you type.
(function () {
  "use strict";
  function parse(text) {
    var value = parseFloat(String(text).replace(/\s/g, "").replace(",", "."));
    return isNaN(value) ? 0 : value;
  }
  function update(group) {
    var total = 0;
    group.querySelectorAll("input[data-part]").forEach(function (input) { total += parse(input.value); });
    var out = group.querySelector("output[data-total]");
    if (out) { out.textContent = String(Math.round(total * 100) / 100); }
  }
  document.addEventListener("input", function (event) {
    var group = event.target.closest && event.target.closest("[data-dimension]");
    if (group) { update(group); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dimension]").forEach(update);
  });
})();
