// RE-CREATION, NOT THE UPSTREAM FILE: ping-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.5, §7.7) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken, openWebSocketConnection, getRequestId } = require('../koneapi');

const CLIENT_ID = process.env.CLIENT_ID || 'YOUR_CLIENT_ID';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'YOUR_CLIENT_SECRET';
const BUILDING_ID = process.env.BUILDING_ID || 'YOUR_BUILDING_ID';
const GROUP_ID = process.env.GROUP_ID || 'YOUR_GROUP_ID';

const start = async () => {
  validateClientIdAndClientSecret(CLIENT_ID, CLIENT_SECRET);
  const buildingId = `building:${BUILDING_ID}`;
  const accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET, [
    'application/inventory',
    `callgiving/group:${BUILDING_ID}:${GROUP_ID}`,
  ]);
  const webSocketConnection = await openWebSocketConnection(accessToken);
  webSocketConnection.on('message', (data) => {
    const message = JSON.parse(data);
    console.log('Incoming WebSocket message', message);
    console.log('timing', new Date());
  });

  // No top-level requestId: the request is identified by payload.request_id.
  const pingPayload = {
    type: 'common-api',
    buildingId,
    callType: 'ping',
    payload: { request_id: getRequestId() },
    groupId: GROUP_ID,
  };
  webSocketConnection.send(JSON.stringify(pingPayload));
};

start();
