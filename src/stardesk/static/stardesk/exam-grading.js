// Grading page: a language rubric form shows only the parts of the rubric chosen.
(function () {
  "use strict";
  document.querySelectorAll("[data-rubric-form]").forEach(function (form) {
    var choice = form.querySelector("[data-rubric-choice]");
    if (!choice) return;
    function show() {
      form.querySelectorAll("[data-rubric-group]").forEach(function (group) {
        group.classList.toggle("d-none", group.dataset.rubricGroup !== choice.value);
      });
    }
    choice.addEventListener("change", show);
    show();
  });
})();
