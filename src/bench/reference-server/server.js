// The reference server: section 2.2 of websocket-heartbeat-explained.zh.md ("服务端实现"),
// Node.js with the `ws` package, as the peer our server is measured against.
//
// Changed from the document, and only as far as needed to run it under the benchmark:
//  1. The port comes from the environment (PORT) instead of the fixed 8080, so that it runs
//     beside other servers on a free port; it binds to 127.0.0.1 only, as the load is loopback.
//  2. The ack carries the client's timestamp back ({ type: 'heartbeat_ack', timestamp }), as our
//     server's does, so the load generator can measure the round trip from the ack itself.
//  3. The client id is a counter instead of Date.now(). With Date.now() two connections opened in
//     the same millisecond (hundreds at 1,000 connections per second) share one entry of the map:
//     one's heartbeats keep the other alive, and when one closes the other's timer reads the
//     deleted entry (clients.get(clientId).lastActive of undefined) and the process dies of an
//     uncaught TypeError. A counter keeps the document's intent, one entry per connection.
//  4. It prints one line when it is listening, so the benchmark knows when to start.
// Unchanged: the behaviour the benchmark compares. Each connection has its own 10 s timer that
// terminates it once it has been silent for more than 40 s, every heartbeat updates lastActive
// and is answered at once, and a close clears the timer and the map entry.
const WebSocket = require('ws');
const wss = new WebSocket.Server({ host: '127.0.0.1', port: Number(process.env.PORT) }); // (1)
wss.on('listening', () => console.log(`listening on ${wss.address().port}`)); // (4)

const clients = new Map();
let nextClientId = 0; // (3)

wss.on('connection', (ws) => {
  const clientId = ++nextClientId; // (3) was: Date.now()
  clients.set(clientId, {
    ws,
    lastActive: Date.now()
  });

  // 心跳检测定时器
  const heartbeatInterval = setInterval(() => {
    const now = Date.now();
    if (now - clients.get(clientId).lastActive > 40000) { // 40秒无响应
      ws.terminate(); // 关闭连接
      clearInterval(heartbeatInterval);
      clients.delete(clientId);
    }
  }, 10000);

  ws.on('message', (message) => {
    const data = JSON.parse(message);
    if (data.type === 'heartbeat') {
      clients.get(clientId).lastActive = Date.now(); // 更新活跃时间
      ws.send(JSON.stringify({ type: 'heartbeat_ack', timestamp: data.timestamp })); // (2)
    }
  });

  ws.on('close', () => {
    clearInterval(heartbeatInterval);
    clients.delete(clientId);
  });
});
