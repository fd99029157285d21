// Spoken answers recorded in the browser (MediaRecorder) on the exam page, next to the upload field.
// A finished recording is handed to the page's upload field as a file, so it is uploaded,
// kept and replaced exactly like an uploaded recording. Without a microphone or MediaRecorder
// the button is not shown and uploading a file still works.
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.DataTransfer) return;
  var t = window.gettext || function (text) { return text; };
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

  function chosenType() {
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported(TYPES[i])) return TYPES[i];
    }
    return "";
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function enhance(input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-danger btn-sm";
    button.dataset.testid = "record-audio";
    button.innerHTML = '<i class="bi bi-mic-fill"></i> ';
    var label = document.createElement("span");
    label.textContent = t("开始录音");
    button.appendChild(label);
    var preview = document.createElement("audio");
    preview.controls = true;
    preview.className = "d-none";
    preview.dataset.testid = "recording-preview";
    input.parentNode.insertBefore(button, input);
    input.parentNode.appendChild(preview);

    var recorder = null, chunks = [], started = 0, ticker = null, stream = null;

    function stopTicker() {
      if (ticker) window.clearInterval(ticker);
      ticker = null;
    }

    function finish() {
      stopTicker();
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      var type = (recorder && recorder.mimeType) || "audio/webm";
      var blob = new Blob(chunks, {type: type.split(";")[0]});
      recorder = null;
      button.classList.replace("btn-danger", "btn-outline-danger");
      label.textContent = t("重新录音");
      if (!blob.size) return;
      var extension = type.indexOf("ogg") >= 0 ? "ogg" : type.indexOf("mp4") >= 0 ? "m4a" : "webm";
      var file = new File([blob], "recording." + extension, {type: blob.type});
      preview.src = URL.createObjectURL(blob);
      preview.classList.remove("d-none");
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", {bubbles: true}));  // the page uploads it like a chosen file
    }

    button.addEventListener("click", function () {
      if (recorder) {
        recorder.stop();
        return;
      }
      navigator.mediaDevices.getUserMedia({audio: true}).then(function (media) {
        stream = media;
        chunks = [];
        var type = chosenType();
        recorder = type ? new MediaRecorder(media, {mimeType: type}) : new MediaRecorder(media);
        recorder.addEventListener("dataavailable", function (event) { if (event.data && event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", finish);
        recorder.start(1000);
        started = Date.now();
        button.classList.replace("btn-outline-danger", "btn-danger");
        label.textContent = t("停止录音") + " 00:00";
        ticker = window.setInterval(function () {
          label.textContent = t("停止录音") + " " + clock(Math.floor((Date.now() - started) / 1000));
        }, 500);
      }).catch(function () {
        label.textContent = t("无法使用麦克风，请上传录音文件");
        button.disabled = true;
      });
    });
  }

  document.querySelectorAll("input[type=file][data-audio-url]").forEach(enhance);
})();
