// RE-CREATION, NOT THE UPSTREAM FILE: call-and-monitoring-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.3, §7.5, §7.8) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken, openWebSocketConnection, getRequestId, getUuid } = require('../koneapi');

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

  // Once the lift call has a session_id, subscribe to its call states.
  webSocketConnection.on('message', (data) => {
    const message = JSON.parse(data);
    console.log('Incoming WebSocket message', message);
    console.log('timing', new Date());
    const sessionId = message.data.session_id;
    if (sessionId) {
      console.log('Making monitoring request', sessionId);
      const monitoringPayload = {
        type: 'site-monitoring',
        requestId: getUuid(),
        buildingId,
        callType: 'monitor',
        groupId: GROUP_ID,
        payload: {
          sub: 'KCESmartLiftClient2',
          duration: 300,
          subtopics: [
            `call_state/${sessionId}/being_allocated`,
            `call_state/${sessionId}/being_served`,
            `call_state/${sessionId}/served_soon`,
            `call_state/${sessionId}/served`,
          ],
        },
      };
      webSocketConnection.send(JSON.stringify(monitoringPayload));
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
