// The online exam page. The server keeps the time and the answers; this script only
// - counts down from the server's remaining seconds (re-synchronised on every save),
// - saves each answer as it is given (one POST per answer, one at a time per item,
//   retried after a dropped connection; the last answer given is the one kept),
// - hands in when the clock reaches zero, after the pending saves,
// - reports leaving and returning to the page (evidence only, never a penalty).
(function () {
  "use strict";
  var root = document.querySelector("[data-exam]");
  if (!root) return;

  var texts = JSON.parse(document.getElementById("exam-messages").textContent);
  var form = document.getElementById("exam-submit-form");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var clock = document.getElementById("exam-clock");
  var overall = document.getElementById("exam-save-state");
  var answered = document.getElementById("exam-answered");
  var items = Array.prototype.slice.call(root.querySelectorAll(".exam-item"));
  var deadline = performance.now() + Number(root.dataset.remaining) * 1000;
  var handingIn = false;
  var dirty = {};      // item id -> a change not yet sent
  var inflight = {};   // item id -> the save on its way
  var failed = {};     // item id -> the last save did not arrive
  var timers = {};     // item id -> debounce timer of text inputs
  var typing = {};     // item id -> {keys, first}

  function secondsLeft() {
    return Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function resync(seconds) {
    // The server's figure wins; small differences are network delay and are left alone.
    var target = performance.now() + seconds * 1000;
    if (Math.abs(target - deadline) > 2000) deadline = target;
  }

  function tick() {
    var left = secondsLeft();
    clock.textContent = format(left);
    clock.classList.toggle("is-low", left <= 300);
    if (left <= 0) handIn("timer");
  }

  function itemOf(element) {
    return element.closest(".exam-item");
  }

  function valuesOf(item) {
    var type = item.dataset.type;
    var inputs = item.querySelectorAll("input[name^='item-'], textarea[name^='item-']");
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else {
        values.push(input.value);
      }
    });
    if (type === "fill_in") return values;
    return values;
  }

  function isAnswered(item) {
    if (item.dataset.type === "speaking") return !!item.querySelector("[data-audio-state] .bi");
    return valuesOf(item).some(function (v) { return v.trim() !== ""; });
  }

  function countAnswered() {
    var n = items.filter(isAnswered).length;
    answered.textContent = texts.answered.replace("%(n)s", n).replace("%(total)s", items.length);
    return n;
  }

  function setItemState(item, text, kind) {
    var badge = item.querySelector("[data-save-state]");
    badge.textContent = text;
    badge.className = "small " + (kind === "error" ? "text-danger" : kind === "busy" ? "text-body-secondary" : "text-success");
  }

  function refreshOverall() {
    var waiting = Object.keys(dirty).filter(function (k) { return dirty[k]; }).length +
                  Object.keys(inflight).filter(function (k) { return inflight[k]; }).length;
    var broken = Object.keys(failed).filter(function (k) { return failed[k]; }).length;
    if (broken) {
      overall.textContent = texts.offline.replace("%(n)s", broken);
      overall.className = "small save-state text-danger";
    } else if (waiting) {
      overall.textContent = texts.saving;
      overall.className = "small save-state text-body-secondary";
    } else {
      overall.textContent = texts.all_saved;
      overall.className = "small save-state text-success";
    }
  }

  function leave() {
    window.location.assign(root.dataset.reviewUrl);
  }

  function save(item) {
    var id = item.dataset.item;
    if (inflight[id]) {
      dirty[id] = true;  // sent again once the current save is back: the last answer wins
      return inflight[id];
    }
    dirty[id] = false;
    var body = new FormData();
    valuesOf(item).forEach(function (v) { body.append("value", v); });
    if (typing[id]) {
      body.append("keystrokes", typing[id].keys);
      body.append("seconds", Math.round((performance.now() - typing[id].first) / 1000));
    }
    setItemState(item, texts.saving, "busy");
    refreshOverall();
    var request = fetch(item.dataset.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (result.ok) {
        failed[id] = false;
        setItemState(item, texts.saved_at.replace("%(t)s", result.data.saved_at), "ok");
        resync(result.data.remaining_seconds);
      } else {
        failed[id] = false;
        setItemState(item, result.data.detail, "error");
        if (result.data.code === "attempt_time_over" || result.data.code === "attempt_submitted") {
          handingIn = true;
          leave();
        }
      }
    }).catch(function () {
      failed[id] = true;
      dirty[id] = true;
      setItemState(item, texts.not_saved, "error");
      window.setTimeout(function () { if (dirty[id] && !inflight[id]) save(item); }, 3000);
    }).then(function () {
      inflight[id] = null;
      if (dirty[id] && !failed[id]) return save(item);
      refreshOverall();
      countAnswered();
    });
    inflight[id] = request;
    return request;
  }

  function flush() {
    items.forEach(function (item) {
      var id = item.dataset.item;
      if (timers[id]) { window.clearTimeout(timers[id]); timers[id] = null; dirty[id] = true; }
      if (dirty[id] && !inflight[id]) save(item);
    });
    var waiting = Object.keys(inflight).map(function (k) { return inflight[k]; }).filter(Boolean);
    // Never wait for ever: the server accepts answers for its grace period only.
    var limit = new Promise(function (resolve) { window.setTimeout(resolve, 8000); });
    return Promise.race([Promise.all(waiting), limit]);
  }

  function handIn(how) {
    if (handingIn) return;
    handingIn = true;
    overall.textContent = how === "timer" ? texts.time_up : texts.handing_in;
    flush().then(function () {
      form.querySelector("[name=how]").value = how;
      form.submit();
    });
  }

  // Choices save at once; text saves after a short pause in typing and when the field is left.
  root.addEventListener("change", function (e) {
    var item = itemOf(e.target);
    if (!item || handingIn) return;
    if (e.target.type === "file") return;
    var id = item.dataset.item;
    if (timers[id]) { window.clearTimeout(timers[id]); timers[id] = null; }
    save(item);
    countAnswered();
  });

  root.addEventListener("input", function (e) {
    var item = itemOf(e.target);
    if (!item || handingIn || (e.target.type !== "text" && e.target.tagName !== "TEXTAREA")) return;
    var id = item.dataset.item;
    dirty[id] = true;
    setItemState(item, texts.editing, "busy");
    refreshOverall();
    if (timers[id]) window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () { timers[id] = null; save(item); }, 800);
  });

  // Typing test: keystrokes and time from the first key are part of its raw data; pasting is not typing.
  root.querySelectorAll("textarea[data-typing]").forEach(function (area) {
    var id = itemOf(area).dataset.item;
    area.addEventListener("keydown", function () {
      if (!typing[id]) typing[id] = {keys: 0, first: performance.now()};
      typing[id].keys += 1;
    });
    area.addEventListener("paste", function (e) { e.preventDefault(); });
    area.addEventListener("drop", function (e) { e.preventDefault(); });
  });

  // Spoken answers are uploaded as files.
  root.querySelectorAll("input[data-audio-url]").forEach(function (input) {
    input.addEventListener("click", function () { ownDialog = true; });
    input.addEventListener("change", function () {
      var item = itemOf(input);
      var state = item.querySelector("[data-audio-state]");
      if (!input.files.length) return;
      var body = new FormData();
      body.append("audio", input.files[0]);
      state.textContent = texts.uploading;
      fetch(input.dataset.audioUrl, {method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": csrf}})
        .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); })
        .then(function (result) {
          if (result.ok) {
            state.innerHTML = '<i class="bi bi-mic"></i> ';
            state.appendChild(document.createTextNode(texts.uploaded));
            setItemState(item, texts.saved_at.replace("%(t)s", result.data.saved_at), "ok");
            resync(result.data.remaining_seconds);
          } else {
            state.textContent = result.data.detail;
          }
          countAnswered();
        })
        .catch(function () { state.textContent = texts.not_saved; });
    });
  });

  // Leaving the page: logged once per absence, as evidence for the examiner.
  var away = false;
  var unloading = false;  // a reload or closing the page hides it too: that is not leaving the exam
  window.addEventListener("pagehide", function () { unloading = true; });
  var ownDialog = false;  // the page's own confirm box or file chooser takes the focus too: not leaving
  function report(kind) {
    if (ownDialog) {
      if (kind === "back") ownDialog = false;
      return;
    }
    if ((kind === "away") === away || handingIn || unloading) return;
    away = kind === "away";
    var body = new FormData();
    body.append("kind", kind);
    body.append("csrfmiddlewaretoken", csrf);
    if (!(navigator.sendBeacon && navigator.sendBeacon(root.dataset.focusUrl, body))) {
      fetch(root.dataset.focusUrl, {method: "POST", body: body, credentials: "same-origin", keepalive: true});
    }
  }
  document.addEventListener("visibilitychange", function () { report(document.hidden ? "away" : "back"); });
  window.addEventListener("blur", function () { report("away"); });
  window.addEventListener("focus", function () { report("back"); });

  document.getElementById("exam-submit").addEventListener("click", function () {
    var left = items.length - countAnswered();
    var question = left ? texts.confirm_unanswered.replace("%(n)s", left) : texts.confirm;
    ownDialog = true;
    var sure = window.confirm(question);
    window.setTimeout(function () { ownDialog = false; }, 500);
    if (sure) handIn("agent");
  });
  form.addEventListener("submit", function (e) {
    if (handingIn) return;
    e.preventDefault();
    document.getElementById("exam-submit").click();
  });

  window.addEventListener("beforeunload", function (e) {
    unloading = true;
    if (handingIn) return;
    var waiting = Object.keys(dirty).some(function (k) { return dirty[k]; }) ||
                  Object.keys(inflight).some(function (k) { return inflight[k]; });
    if (waiting) {
      e.preventDefault();
      e.returnValue = "";
      window.setTimeout(function () { unloading = false; }, 1000);  // the agent chose to stay
    }
  });

  // Once a minute the server's clock corrects this one (a sleeping laptop, a changed system clock).
  window.setInterval(function () {
    if (handingIn) return;
    fetch(root.dataset.stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        if (state.status !== "in_progress") { handingIn = true; leave(); return; }
        resync(state.remaining_seconds);
      })
      .catch(function () {});
  }, 60000);

  countAnswered();
  refreshOverall();
  tick();
  window.setInterval(tick, 250);
})();
