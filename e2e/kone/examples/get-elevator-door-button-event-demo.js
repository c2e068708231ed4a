// RE-CREATION, NOT THE UPSTREAM FILE: get-elevator-door-button-event-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.14, §5) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken } = require('../koneapi');
const { fetchElevatorDoorEvent, fetchElevatorButtonEvent } = require('../equipment-status-2-functions');

const CLIENT_ID = process.env.CLIENT_ID || 'YOUR_CLIENT_ID';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'YOUR_CLIENT_SECRET';
// Keeps its ken: prefix.
const KEN = process.env.KEN || 'YOUR_EQUIPMENT_WITH_KEN_PREFIX';

const start = async () => {
  validateClientIdAndClientSecret(CLIENT_ID, CLIENT_SECRET);
  // One token for both requests.
  const accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET, [`rtm/${KEN}`]);
  const doorEvent = await fetchElevatorDoorEvent(accessToken, KEN);
  console.log('Elevator door event:');
  console.log(JSON.stringify(doorEvent, undefined, 2));
  const buttonEvent = await fetchElevatorButtonEvent(accessToken, KEN);
  console.log('Elevator button event:');
  console.log(JSON.stringify(buttonEvent, undefined, 2));
};

start();
