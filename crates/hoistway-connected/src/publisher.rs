//! The handle that sends remote commands to units over the broker, held by
//! the pipeline once the MQTT connection is up.

use rumqttc::{AsyncClient, QoS};

/// Sends commands to units.
#[derive(Clone)]
pub struct Publisher {
    client: AsyncClient,
}

impl Publisher {
    pub fn new(client: AsyncClient) -> Self {
        Self { client }
    }

    /// Publishes `payload` on `topic` at QoS 1.
    pub async fn publish(&self, topic: String, payload: Vec<u8>) -> Result<(), String> {
        self.client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|e| e.to_string())
    }
}
