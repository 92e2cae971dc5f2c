// connection.js — the page's WebSocket to calmond: messages in, requests out, reconnects.
//
// calmond sends JSON messages with a "type" (src/daemon/dashboard_json.h); requests are
// protobuf-JSON ControlRequests, answered in order, so each request's promise takes the
// next "reply". When the socket closes — the daemon stopped, or dropped a page too far
// behind — pending requests fail and a new connection is tried with a growing delay
// (0.5 s to 5 s), forever. A history request (send) is answered by its own message, out
// of order with the replies.

export class Connection {
  constructor(url, { onMessage, onOpen, onClose }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.pending = [];
    this.delay = 500;
    this.connect();
  }

  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = 500;
      this.onOpen();
    };
    ws.onmessage = (event) => {
      this.receivedAt = performance.now();  // before parsing: what a big message costs starts here
      const message = JSON.parse(event.data);
      if (message.type === 'reply') {
        const waiting = this.pending.shift();
        if (waiting) waiting(message.data);
      } else {
        this.onMessage(message);
      }
    };
    ws.onclose = () => {
      for (const waiting of this.pending.splice(0)) waiting({ ok: false, error: 'connection lost' });
      this.onClose();
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    };
  }

  // Sends a message that is not a control request (no reply is waited for: a "history"
  // request, answered by a "history" message); false when not connected.
  send(body) {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(body));
    return true;
  }

  // Resolves with the ControlReply (never rejects).
  request(body) {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, error: 'not connected' });
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.ws.send(JSON.stringify(body));
    });
  }
}
