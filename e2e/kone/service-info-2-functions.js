// RE-CREATION, NOT THE UPSTREAM FILE. A CommonJS re-creation of
// `src/common/service-info-2-functions.ts` of konecorp/kone-api-examples, written from
// Hoistway's contract kone-api-v2.md §6: GET
// `https://${API_HOSTNAME}/api/v2/equipment/<KEN>/serviceOrders[/<wo>]`
// (the KEN goes into the path raw); failures are printed and resolve with
// undefined.
'use strict';
const axios = require('axios');

const API_HOSTNAME = process.env.API_HOSTNAME || 'dev.kone.com';
const API_SERVICE_INFO_2_ENDPOINT = `https://${API_HOSTNAME}/api/v2/equipment`;

function errorMessage(error) {
  return (error.response && error.response.data && error.response.data.message) || error.message;
}

/** The service orders of one equipment (a list; [0].workOrderNumber is read). */
async function fetchServiceOrdersList(accessToken, equipmentId) {
  try {
    const requestResult = await axios({
      method: 'GET',
      url: `${API_SERVICE_INFO_2_ENDPOINT}/${equipmentId}/serviceOrders`,
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
    });
    return requestResult.data;
  } catch (error) {
    console.error('Failed to fetch list of service orders:', errorMessage(error));
  }
}

/** One service order by work order number (put into the URL unencoded). */
async function fetchSingleServiceOrder(accessToken, equipmentId, workOrderNumber) {
  try {
    const requestResult = await axios({
      method: 'GET',
      url: `${API_SERVICE_INFO_2_ENDPOINT}/${equipmentId}/serviceOrders/${workOrderNumber}`,
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
    });
    return requestResult.data;
  } catch (error) {
    console.error('Failed to fetch details of the service order:', errorMessage(error));
  }
}

module.exports = { fetchServiceOrdersList, fetchSingleServiceOrder };
