// RE-CREATION, NOT THE UPSTREAM FILE. A CommonJS re-creation of
// `src/common/koneapi.ts` of konecorp/kone-api-examples (ws@8.3.0,
// axios@0.24.0), written from Hoistway's contract kone-api-v2.md (§2, §4,
// §7.1, §7.10, §7.11) without the upstream source: same requests, same
// printed lines, same failure behaviour as the contract describes.
'use strict';
const axios = require('axios');
const WebSocket = require('ws');
const querystring = require('querystring');
const { randomUUID } = require('crypto');

// Read once, when the module loads (§2).
const API_HOSTNAME = process.env.API_HOSTNAME || 'dev.kone.com';
const API_AUTH_TOKEN_ENDPOINT = process.env.API_AUTH_TOKEN_ENDPOINT || `https://${API_HOSTNAME}/api/v2/oauth2/token`;
const API_AUTH_LIMITED_TOKEN_ENDPOINT =
  process.env.API_AUTH_LIMITED_TOKEN_ENDPOINT || `https://${API_HOSTNAME}/api/v2/oauth2/limited-token`;
const API_RESOURCES_ENDPOINT =
  process.env.API_RESOURCES_ENDPOINT || `https://${API_HOSTNAME}/api/v2/application/self/resources`;
const WEBSOCKET_ENDPOINT = process.env.WEBSOCKET_ENDPOINT || `wss://${API_HOSTNAME}/stream-v2`;
const WEBSOCKET_SUBPROTOCOL = process.env.WEBSOCKET_SUBPROTOCOL || 'koneapi';

/** Throws (before any network I/O) when the credentials are unset or placeholders. */
function validateClientIdAndClientSecret(clientId, clientSecret) {
  if (!clientId || !clientSecret || clientId === 'YOUR_CLIENT_ID' || clientSecret === 'YOUR_CLIENT_SECRET') {
    throw new Error('CLIENT_ID and CLIENT_SECRET needs to be defined');
  }
}

/** A `payload.request_id`: an integer 0…999,999,999 (§3). */
function getRequestId() {
  return Math.floor(Math.random() * 1000000000);
}

/** A top-level `requestId`: a UUID v4 (§3). */
function getUuid() {
  return randomUUID();
}

/**
 * Client-credentials token (§4.1): Basic auth, form body
 * `grant_type=client_credentials&scope=<space-separated>` (scope may be empty).
 * Resolves with the `access_token` string.
 */
async function fetchAccessToken(clientId, clientSecret, scopes = []) {
  const requestConfig = {
    method: 'POST',
    url: API_AUTH_TOKEN_ENDPOINT,
    auth: { username: clientId, password: clientSecret },
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: querystring.stringify({ grant_type: 'client_credentials', scope: scopes.join(' ') }),
  };
  try {
    const requestResult = await axios(requestConfig);
    console.log('Access token: ' + JSON.stringify(requestResult.data));
    return requestResult.data.access_token;
  } catch (error) {
    const status = error && error.response ? error.response.status : undefined;
    const message = error && error.response && error.response.data ? error.response.data.message : error.message;
    console.error('Error fetching the access token:', status, message);
    console.error('Check that CLIENT_ID and CLIENT_SECRET are correct and that the application may use the requested scopes');
    throw error;
  }
}

/** Limited token (§4.2). No example calls it. */
async function fetchLimitedAccessToken(masterToken, endUserIdentity, scopes, maxAgeSeconds = 60, singleUse = true) {
  const requestResult = await axios({
    method: 'POST',
    url: API_AUTH_LIMITED_TOKEN_ENDPOINT,
    headers: { Authorization: `Bearer ${masterToken}`, 'Content-Type': 'application/json' },
    data: { endUserIdentity, scopes, maxAgeSeconds, singleUse },
  });
  return requestResult.data.access_token;
}

/** `GET {API_RESOURCES_ENDPOINT}` (§4.3): resolves with the response body. */
async function fetchResources(accessToken) {
  const requestResult = await axios({
    method: 'GET',
    url: API_RESOURCES_ENDPOINT,
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
  });
  return requestResult.data;
}

/**
 * The accessible equipment list of a resources body (§4.3): every building's
 * `apiKens` plus every equipment's `id`; throws `No resources found` when empty.
 * A `buildings`/`equipments` that is present but not an array crashes.
 */
function listAccessibleEquipments(resources) {
  const equipments = [];
  if (resources.buildings) {
    resources.buildings.forEach((building) => equipments.push(...(building.apiKens || [])));
  }
  if (resources.equipments) {
    resources.equipments.forEach((equipment) => equipments.push(equipment.id));
  }
  if (equipments.length === 0) throw new Error('No resources found');
  console.log('List of accessible equipments:', equipments);
  return equipments;
}

/**
 * Opens `{WEBSOCKET_ENDPOINT}?accessToken=<token>` offering the `koneapi`
 * subprotocol (§7.1). A close before the handshake completes rejects with the
 * close code; after the open the close listener is removed, so a
 * server-initiated close later is silent (§7.10). Errors are only printed.
 */
function openWebSocketConnection(accessToken) {
  return new Promise((resolve, reject) => {
    const wsConnection = new WebSocket(`${WEBSOCKET_ENDPOINT}?accessToken=${accessToken}`, WEBSOCKET_SUBPROTOCOL);
    wsConnection.on('error', (error) => {
      console.error('WebSocket error', error);
    });
    const closeListener = (code) => {
      console.error('WebSocket closed', code);
      reject(code);
    };
    wsConnection.on('close', closeListener);
    wsConnection.once('open', () => {
      wsConnection.removeListener('close', closeListener);
      console.log('web socket ocnnection opened', wsConnection.url.split('?')[0]);
      resolve(wsConnection);
    });
  });
}

/**
 * Waits for the session response (`type` "ok" or "error") to `requestId`
 * (§7.11); rejects with Error('Timeout') after 10 s. Not used by the examples.
 */
function waitForResponse(wsConnection, requestId, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const onMessage = (data) => {
      let message;
      try {
        message = JSON.parse(data);
      } catch (_) {
        return;
      }
      if ((message.type === 'ok' || message.type === 'error') && message.requestId === requestId) {
        clearTimeout(timer);
        wsConnection.removeListener('message', onMessage);
        if (message.type === 'ok') resolve(message);
        else reject(message);
      }
    };
    const timer = setTimeout(() => {
      wsConnection.removeListener('message', onMessage);
      reject(new Error('Timeout'));
    }, timeoutMs);
    wsConnection.on('message', onMessage);
  });
}

/**
 * A self-healing session (§7.11), not used by the examples: opens the socket,
 * sends `create-session` and resolves with the `sessionId`; re-emits other
 * frames as `session-event` on the returned emitter; on close reconnects
 * after 100 ms (doubling) and sends `resume-session` with
 * `resendLatestStateUpToSeconds: 30`. `onHandshakeError(status)` gets the
 * HTTP status of a failed handshake.
 */
function connectWithSession(accessToken, emitter, onHandshakeError) {
  let delay = 100;
  let sessionId;
  const connect = () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${WEBSOCKET_ENDPOINT}?accessToken=${accessToken}`, WEBSOCKET_SUBPROTOCOL);
      ws.on('unexpected-response', (_req, res) => {
        if (onHandshakeError) onHandshakeError(res.statusCode);
        ws.terminate();
      });
      ws.on('error', () => {});
      ws.on('message', (data) => {
        const message = JSON.parse(data);
        if (message.type !== 'ok' && message.type !== 'error') emitter.emit('session-event', message);
      });
      ws.on('close', () => {
        setTimeout(() => connect().catch(() => {}), delay);
        delay *= 2;
      });
      ws.once('open', async () => {
        try {
          const requestId = getUuid();
          if (sessionId === undefined) {
            ws.send(JSON.stringify({ type: 'create-session', requestId }));
            const ok = await waitForResponse(ws, requestId);
            sessionId = ok.data.sessionId;
          } else {
            ws.send(JSON.stringify({ type: 'resume-session', requestId, sessionId, resendLatestStateUpToSeconds: 30 }));
            await waitForResponse(ws, requestId);
          }
          delay = 100;
          resolve(sessionId);
        } catch (e) {
          reject(e);
        }
      });
    });
  return connect();
}

module.exports = {
  API_HOSTNAME,
  API_AUTH_TOKEN_ENDPOINT,
  API_RESOURCES_ENDPOINT,
  WEBSOCKET_ENDPOINT,
  WEBSOCKET_SUBPROTOCOL,
  validateClientIdAndClientSecret,
  getRequestId,
  getUuid,
  fetchAccessToken,
  fetchLimitedAccessToken,
  fetchResources,
  listAccessibleEquipments,
  openWebSocketConnection,
  waitForResponse,
  connectWithSession,
};
