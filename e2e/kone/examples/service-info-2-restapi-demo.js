// RE-CREATION, NOT THE UPSTREAM FILE: service-info-2-restapi-demo of konecorp/kone-api-examples,
// re-created in CommonJS from Hoistway's contract kone-api-v2.md (§8.9/§8.10, §4.3, §6) without
// the upstream source. Configure with environment variables only (§2).
'use strict';
const { validateClientIdAndClientSecret, fetchAccessToken, fetchResources, listAccessibleEquipments } = require('../koneapi');
const { fetchServiceOrdersList, fetchSingleServiceOrder } = require('../service-info-2-functions');

const CLIENT_ID = process.env.CLIENT_ID || 'YOUR_CLIENT_ID';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'YOUR_CLIENT_SECRET';
// Keeps its ken: prefix.
const KEN = process.env.KEN || 'ken:38999833';

const start = async () => {
  validateClientIdAndClientSecret(CLIENT_ID, CLIENT_SECRET);

  // 1. An inventory token (empty scope) and the application's resources.
  let accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET);
  const resources = await fetchResources(accessToken);
  console.log('Resources: ' + resources);
  listAccessibleEquipments(resources);

  // 2. A token for the service info of one equipment.
  accessToken = await fetchAccessToken(CLIENT_ID, CLIENT_SECRET, [`serviceinfo/${KEN}`]);

  // 3. Its service orders, then the first one in detail.
  const serviceOrdersList = await fetchServiceOrdersList(accessToken, KEN);
  if (!serviceOrdersList) {
    console.log('There is nothing in the service orders list, not fetching the details');
    return;
  }
  console.log('Service orders list:');
  console.log(JSON.stringify(serviceOrdersList, undefined, 2));
  const { workOrderNumber } = serviceOrdersList[0];
  const serviceOrder = await fetchSingleServiceOrder(accessToken, KEN, workOrderNumber);
  console.log(`Service order ${workOrderNumber}:`);
  console.log(JSON.stringify(serviceOrder, undefined, 2));
};

start();
