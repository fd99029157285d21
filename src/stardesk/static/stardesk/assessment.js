// Keyboard moves in the assessment grids: Enter / Shift+Enter go down / up a column,
// arrow keys move between cells, Ctrl+Enter saves. Changed cells are marked, and
// leaving the page with unsaved changes asks first.
(function () {
  "use strict";

  function cells(grid) {
    return Array.from(grid.querySelectorAll(".grid-cell:not([disabled])"));
  }

  function find(grid, row, col) {
    return grid.querySelector('.grid-cell[data-row="' + row + '"][data-col="' + col + '"]:not([disabled])');
  }

  function focus(cell) {
    if (!cell) return false;
    cell.focus();
    if (cell.select) cell.select();
    return true;
  }

  function vertical(grid, cell, step) {
    var col = cell.dataset.col;
    var row = Number(cell.dataset.row) + step;
    var rows = cells(grid).map(function (c) { return Number(c.dataset.row); });
    var last = Math.max.apply(null, rows);
    while (row >= 0 && row <= last) {
      if (focus(find(grid, row, col))) return true;
      row += step;
    }
    return false;
  }

  function horizontal(grid, cell, step) {
    var all = cells(grid);
    var i = all.indexOf(cell) + step;
    return i >= 0 && i < all.length && focus(all[i]);
  }

  function atEdge(cell, side) {
    if (cell.type !== "text" || cell.selectionStart === null) return true;
    if (side < 0) return cell.selectionStart === 0 && cell.selectionEnd === 0;
    return cell.selectionEnd === cell.value.length;
  }

  document.querySelectorAll("form[data-grid]").forEach(function (grid) {
    var dirty = false;
    // After a refused save, the cursor waits in the first cell to fix.
    var firstBad = grid.querySelector(".grid-cell.is-invalid:not([disabled])");
    if (firstBad) focus(firstBad);

    grid.addEventListener("keydown", function (e) {
      var cell = e.target.closest(".grid-cell");
      if (!cell) return;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        dirty = false;
        grid.requestSubmit();
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (!vertical(grid, cell, e.shiftKey ? -1 : 1) && !e.shiftKey) {
          // After the last row, Enter goes on to the next column's first cell.
          var next = find(grid, 0, Number(cell.dataset.col) + 1);
          focus(next);
        }
      } else if (e.key === "ArrowDown") {
        e.preventDefault();
        vertical(grid, cell, 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        vertical(grid, cell, -1);
      } else if (e.key === "ArrowLeft" && atEdge(cell, -1)) {
        if (horizontal(grid, cell, -1)) e.preventDefault();
      } else if (e.key === "ArrowRight" && atEdge(cell, 1)) {
        if (horizontal(grid, cell, 1)) e.preventDefault();
      }
    });

    grid.addEventListener("input", function (e) {
      var cell = e.target.closest(".grid-cell");
      if (!cell) return;
      cell.classList.toggle("grid-changed", cell.value !== cell.defaultValue);
      cell.classList.remove("is-invalid");
      dirty = true;
    });

    grid.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  });

  // A button that prints the page (the register).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The monitoring form shows the total field or the item table, by the chosen way of scoring.
  var modes = document.querySelectorAll('input[name="mode"]');
  if (modes.length) {
    var show = function () {
      var chosen = document.querySelector('input[name="mode"]:checked');
      var byItems = chosen && chosen.value === "items";
      document.querySelectorAll("[data-mode-items]").forEach(function (el) { el.hidden = !byItems; });
      document.querySelectorAll("[data-mode-total]").forEach(function (el) { el.hidden = byItems; });
    };
    modes.forEach(function (m) { m.addEventListener("change", show); });
    show();
  }
})();
