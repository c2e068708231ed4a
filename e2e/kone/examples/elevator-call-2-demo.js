// RE-CREATION, NOT THE UPSTREAM FILE: elevator-call-2-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.1, §7.5) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken, openWebSocketConnection, getRequestId } = require('../koneapi');

const CLIENT_ID = process.env.CLIENT_ID || 'YOUR_CLIENT_ID';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'YOUR_CLIENT_SECRET';
const BUILDING_ID = process.env.BUILDING_ID || 'YOUR_BUILDING_ID';
const GROUP_ID = process.env.GROUP_ID || 'YOUR_GROUP_ID';

const onWebSocketMessage = (data) => {
  const message = JSON.parse(data);
  console.log('Incoming WebSocket message', message);
  console.log('timing', new Date());
};

const start = async () => {
  validateClientIdAndClientSecret(CLIENT_ID, CLIENT_SECRET);
  const buildingId = `building:${BUILDING_ID}`;
  const accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET, [
    'application/inventory',
    `callgiving/group:${BUILDING_ID}:${GROUP_ID}`,
  ]);
  const webSocketConnection = await openWebSocketConnection(accessToken);
  webSocketConnection.on('message', (data) => onWebSocketMessage(data));

  // A destination call from area 5000 to 3000 at terminal 2 (action 3).
  const destinationCallPayload = {
    type: 'lift-call-api-v2',
    buildingId,
    callType: 'action',
    groupId: GROUP_ID,
    payload: {
      request_id: getRequestId(),
      area: 5000,
      time: new Date().toISOString(),
      terminal: 2,
      call: { action: 3, destination: 3000 },
    },
  };
  webSocketConnection.send(JSON.stringify(destinationCallPayload));
};

start();
