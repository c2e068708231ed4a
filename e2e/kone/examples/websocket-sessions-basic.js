// RE-CREATION, NOT THE UPSTREAM FILE: websocket-sessions-basic of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.8, §7.4) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken, openWebSocketConnection, getUuid } = require('../koneapi');

const CLIENT_ID = process.env.CLIENT_ID || 'YOUR_CLIENT_ID';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'YOUR_CLIENT_SECRET';

// Prints every message; a `type: "ok"` frame with a data.sessionId is handed
// to sessionIdFn. The second connection passes none, so an ok with a
// sessionId there (only create-session may answer that, R4) throws
// `sessionIdFn is not a function`.
const listenForSessionId = (webSocketConnection, sessionIdFn) => {
  webSocketConnection.on('message', (data) => {
    const message = JSON.parse(data);
    console.log('Incoming WebSocket message', message);
    console.log('timing', new Date());
    if (message.type === 'ok' && message.data?.sessionId) {
      sessionIdFn(message.data.sessionId);
    }
  });
};

const start = async () => {
  validateClientIdAndClientSecret(CLIENT_ID, CLIENT_SECRET);
  // An empty scope: the default (application/inventory) is enough.
  const accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET);

  const firstConnection = await openWebSocketConnection(accessToken);
  console.log('First WebSocket connection is open');
  const sessionIdPromise = new Promise((resolve) => listenForSessionId(firstConnection, resolve));
  firstConnection.send(JSON.stringify({ type: 'create-session', requestId: getUuid() }));
  const sessionId = await sessionIdPromise;
  console.log('sessionId found, closing the connection');
  firstConnection.close();

  // Same token, new connection, resume the session at once.
  const secondConnection = await openWebSocketConnection(accessToken);
  console.log('Second WebSocket connection open');
  listenForSessionId(secondConnection);
  secondConnection.send(JSON.stringify({ type: 'resume-session', requestId: getUuid(), sessionId }));
  console.log('Sending resume-session with sessionId', sessionId);
};

start();
