// RE-CREATION, NOT THE UPSTREAM FILE. A CommonJS re-creation of
// `src/common/equipment-status-2-functions.ts` of konecorp/kone-api-examples,
// written from Hoistway's contract kone-api-v2.md §5: POST
// `https://${API_HOSTNAME}/api/v2/equipment/<path>` with
// `{"equipmentIds":[KEN]}`; on any failure print `<error text>: <message>`
// and resolve with undefined (the scripts still exit 0).
'use strict';
const axios = require('axios');

const API_HOSTNAME = process.env.API_HOSTNAME || 'dev.kone.com';
const API_EQUIPMENT_STATUS_2_ENDPOINT = `https://${API_HOSTNAME}/api/v2/equipment`;

async function postEquipmentRequest(accessToken, path, equipmentId, errorText) {
  try {
    const requestResult = await axios({
      method: 'POST',
      url: `${API_EQUIPMENT_STATUS_2_ENDPOINT}/${path}`,
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
      data: { equipmentIds: [equipmentId] },
    });
    return requestResult.data;
  } catch (error) {
    const message = (error.response && error.response.data && error.response.data.message) || error.message;
    console.error(`${errorText}:`, message);
  }
}

const fetchEquipmentAvailability = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'search/availability', equipmentId, 'Failed to fetch availability information');
const fetchEquipmentStatus = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'search/status', equipmentId, 'Failed to fetch status information');
const fetchEquipmentMovement = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'search/movement', equipmentId, 'Failed to fetch movement information');
const fetchElevatorDoorEvent = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'elevator/door', equipmentId, 'Failed to fetch door information');
const fetchElevatorButtonEvent = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'elevator/button', equipmentId, 'Failed to fetch button information');
// The error text is the button one (sic, §5).
const fetchEscalatorDirectionEvent = (accessToken, equipmentId) =>
  postEquipmentRequest(accessToken, 'escalator/movement/direction', equipmentId, 'Failed to fetch button information');

module.exports = {
  fetchEquipmentAvailability,
  fetchEquipmentStatus,
  fetchEquipmentMovement,
  fetchElevatorDoorEvent,
  fetchElevatorButtonEvent,
  fetchEscalatorDirectionEvent,
};
