// The question form shows only the inputs of the chosen type (options for choice
// questions, a key for objective ones, a rubric for 简答/口试, a passage for 打字).
// Without this script every input stays visible and the labels say which applies.
(function () {
  "use strict";
  var form = document.querySelector("form[data-question-form]");
  if (!form) return;
  var select = form.querySelector("[data-question-type]");
  if (!select) return;

  function apply() {
    var type = select.value;
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-for").split(" ");
      block.hidden = wanted.indexOf(type) === -1;
    });
  }

  select.addEventListener("change", apply);
  apply();
})();
