// The browser kiosk's page logic, loaded before textual-serve's textual.js.
//
// - Seat: a random token made here, kept in the URL fragment (so a reload or a restored
//   tab keeps it, and it is never sent in a request line or derived from the device).
// - The websocket URL follows the page's own origin (never the server's bind address).
// - A websocket that drops (phone locked, network gone) is reopened with the same seat,
//   and the server continues the same participant; the terminal never sees the gap.
// - Font size for about 40 columns on a phone; no on-screen keyboard (taps only).
// Nothing here loads anything from anywhere but this page's server.
(function () {
  "use strict";
  var NativeWebSocket = window.WebSocket;
  var SEAT = /^[A-Za-z0-9_-]{16,64}$/;
  var CLOSE_DONE = 4000, CLOSE_FORBIDDEN = 4003, CLOSE_FULL = 4009;
  var FULL_RETRY_MS = 60000, PING_MS = 5000, SILENT_MS = 15000;

  function newSeat() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function seat() {
    var found = new URLSearchParams(location.hash.slice(1)).get("seat");
    if (found && SEAT.test(found)) return found;
    var made = newSeat();
    history.replaceState(null, "", location.pathname + location.search + "#seat=" + made);
    return made;
  }

  function overlay(key) {
    var box = document.getElementById("ck-overlay");
    if (!box) return;
    if (!key) { box.classList.remove("ck-shown"); return; }
    document.getElementById("ck-message").textContent = document.body.dataset[key] || "";
    box.classList.add("ck-shown");
  }

  function fontSize() {
    // The face (DejaVu Sans Mono) is 0.6 em wide: about 40 columns on a phone, more on a tablet.
    var size = Math.floor(window.innerWidth / (40 * 0.6));
    return Math.max(12, Math.min(size, 20));
  }

  // A WebSocket for textual.js that survives drops: it reconnects with the same seat
  // and replays "open" (textual.js then sends the terminal size again), so the server's
  // new kiosk process draws the participant's next statement into the same terminal.
  function SeatSocket(url) {
    var target = document.createElement("span");
    var self = this;
    this.binaryType = "arraybuffer";
    this.readyState = 0;
    this.addEventListener = target.addEventListener.bind(target);
    this.removeEventListener = target.removeEventListener.bind(target);
    var socket = null, attempt = 0, lastHeard = 0, pinger = null, finished = false;
    var waitingForScreen = true;
    var query = new URLSearchParams(url.split("?")[1] || "");
    // The terminal's size in cells, for anyone who needs to find a cell on the page.
    window.ckTerminalSize = {width: Number(query.get("width")), height: Number(query.get("height"))};

    function checkUrl() {
      var parts = url.split("?")[0].split("/");
      return "/check/" + parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }

    function retry(delay) {
      if (finished) return;
      setTimeout(open, delay);
    }

    function backoff() {
      attempt += 1;
      return Math.min(1000 * attempt, 5000);
    }

    function open() {
      if (finished || (socket && socket.readyState <= 1)) return;
      fetch(checkUrl(), { cache: "no-store" }).then(function (response) {
        return response.json().catch(function () { return { status: "forbidden" }; });
      }).then(function (answer) {
        if (answer.status === "done") { stop("msgDone"); return; }
        if (answer.status === "forbidden") { stop("msgForbidden"); return; }
        if (answer.status === "full") { overlay("msgFull"); retry(FULL_RETRY_MS); return; }
        connect();
      }, function () {
        overlay("msgReconnecting");
        retry(backoff());
      });
    }

    function stop(message) {
      finished = true;
      self.readyState = 3;
      overlay(message);
    }

    function connect() {
      socket = new NativeWebSocket(url);
      socket.binaryType = "arraybuffer";
      socket.addEventListener("open", function () {
        attempt = 0;
        lastHeard = Date.now();
        self.readyState = 1;
        waitingForScreen = true;
        target.dispatchEvent(new Event("open"));
        clearInterval(pinger);
        pinger = setInterval(function () {
          if (Date.now() - lastHeard > SILENT_MS) { socket.close(); return; }
          self.send(JSON.stringify(["ping", "" + Date.now()]));
        }, PING_MS);
      });
      socket.addEventListener("message", function (event) {
        lastHeard = Date.now();
        if (typeof event.data === "string" && event.data.indexOf('["pong"') === 0) return;
        if (waitingForScreen && typeof event.data !== "string" && event.data.byteLength > 200) {
          // The kiosk has drawn its screen: only now can a tap reach it, so only now
          // does the "connecting" card go away.
          waitingForScreen = false;
          window.ckScreens = (window.ckScreens || 0) + 1;
          overlay(null);
        }
        target.dispatchEvent(new MessageEvent("message", { data: event.data }));
      });
      socket.addEventListener("close", function (event) {
        clearInterval(pinger);
        self.readyState = 0;
        if (event.code === CLOSE_DONE) { stop("msgDone"); return; }
        if (event.code === CLOSE_FORBIDDEN) { stop("msgForbidden"); return; }
        if (event.code === CLOSE_FULL) { overlay("msgFull"); retry(FULL_RETRY_MS); return; }
        overlay("msgReconnecting");
        retry(backoff());
      });
    }

    this.send = function (data) {
      if (typeof data === "string" && data.indexOf('["resize"') === 0) {
        try { window.ckTerminalSize = JSON.parse(data)[1]; } catch (error) { /* not ours */ }
      }
      if (socket && socket.readyState === 1) socket.send(data);
    };
    this.close = function () {
      finished = true;
      if (socket) socket.close();
    };
    this.reconnectNow = function () {
      if (!socket || socket.readyState > 1) { attempt = 0; open(); }
      else self.send(JSON.stringify(["ping", "" + Date.now()]));
    };
    window.ckSocket = this;
    open();
  }
  window.WebSocket = SeatSocket;

  // xterm.js's canvas and WebGL renderers draw at the wrong scale on high-density screens
  // (seen at devicePixelRatio 2 in Chromium: a quarter of the terminal fills the page).
  // Without WebGL for it, xterm.js uses its DOM renderer: crisp text at any density, real
  // text in the page (selectable, readable by a screen reader).
  var getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind) {
    if (String(kind).indexOf("webgl") === 0) return null;
    return getContext.apply(this, arguments);
  };

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && window.ckSocket) window.ckSocket.reconnectNow();
  });

  function boot() {
    var token = document.body.dataset.token;
    var terminal = document.getElementById("terminal");
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    terminal.dataset.sessionWebsocketUrl =
      scheme + "//" + location.host + "/ws/" + token + "/" + seat();
    var size = fontSize();
    terminal.dataset.fontSize = String(size);
    var fontReady = document.fonts ? document.fonts.load(size + 'px "Roboto Mono"') : null;
    Promise.resolve(fontReady).catch(function () {}).then(function () {
      var script = document.createElement("script");
      script.src = "/static/ts/js/textual.js";
      script.onload = function () {
        // textual.js starts from window.onload; we start it once the font is measured.
        var start = window.onload;
        window.onload = null;
        if (typeof start === "function") start(new Event("load"));
        var input = document.querySelector(".xterm-helper-textarea");
        if (input) input.setAttribute("inputmode", "none");
      };
      document.head.appendChild(script);
    });
  }
  document.addEventListener("DOMContentLoaded", boot);
})();
