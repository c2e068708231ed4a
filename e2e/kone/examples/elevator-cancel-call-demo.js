// RE-CREATION, NOT THE UPSTREAM FILE: elevator-cancel-call-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.2, §7.5, §7.6) without
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

  // Every message is checked for a session_id: the lift-call result carries
  // one, and the call is then cancelled with it.
  webSocketConnection.on('message', (data) => {
    const message = JSON.parse(data);
    console.log('Incoming WebSocket message', message);
    console.log('timing', new Date());
    if (message.data.session_id) {
      console.log('Making delete call request');
      const deleteCallPayload = {
        type: 'lift-call-api-v2',
        buildingId,
        callType: 'delete',
        groupId: GROUP_ID,
        payload: { session_id: message.data.session_id },
      };
      webSocketConnection.send(JSON.stringify(deleteCallPayload));
    }
  });

  const destinationCallPayload = {
    type: 'lift-call-api-v2',
    buildingId,
    callType: 'action',
    groupId: GROUP_ID,
    payload: {
      request_id: getRequestId(),
      area: 3000,
      time: new Date().toISOString(),
      terminal: 1,
      call: { action: 2, destination: 5000 },
    },
  };
  webSocketConnection.send(JSON.stringify(destinationCallPayload));
};

start();
