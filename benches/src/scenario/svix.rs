use arazzo_generated::svix_rotate_integration_key as generated;
use arazzo_runtime::SecretString;
use arazzo_tests::Recorder;
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};

use super::{BenchError, Scenario, Variant};
use crate::handwritten;

pub const TOKEN: &str = "testsk_bench_bearer_token";
pub const APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
pub const INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";

/// Svix rotates the same integration every time: its state does not grow.
pub struct Svix {
    fake: FakeSvix,
    client: arazzo_runtime::Client,
    config: generated::Config,
    http: reqwest::Client,
}

/// The fake's data: one app with one integration.
pub fn seed() -> SvixSeed {
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp {
            id: APP.into(),
            uid: None,
            integrations: vec![SvixIntegration {
                id: INTEG.into(),
                name: "Payments".into(),
                key: "integsk_kV3ts5tKPNJN4Dl25cMTfUNdmabxbX0O".into(),
                feature_flags: vec![],
                created_at: "2024-03-01T10:00:00Z".into(),
                updated_at: "2024-03-02T10:00:00Z".into(),
            }],
        }],
    }
}

fn handwritten_inputs() -> handwritten::svix::Inputs {
    handwritten::svix::Inputs { app_id: APP.into(), integration_id: INTEG.into() }
}

impl Svix {
    /// One bare GET of the integration with reqwest, body read: the cost floor of one step.
    pub async fn raw_round_trip(&self) -> Result<usize, BenchError> {
        Ok(handwritten::svix::raw_round_trip(&self.http, &self.fake.base_url, TOKEN, &handwritten_inputs()).await?)
    }
}

impl Scenario for Svix {
    const NAME: &'static str = "svix";
    const STEPS: u32 = 3;

    async fn start() -> Result<Self, BenchError> {
        let fake = svix::start(seed()).await?;
        let config = generated::Config {
            svix_api: generated::SvixApi::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url),
        };
        Ok(Svix { fake, client: arazzo_runtime::Client::new(), config, http: handwritten::client()? })
    }

    async fn execute(&mut self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Generated => {
                let inputs = generated::RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: INTEG.into() };
                let outputs = generated::rotate_integration_key(&self.client, &self.config, &inputs)
                    .await
                    .map_err(BenchError::generated)?;
                std::hint::black_box(outputs);
            }
            Variant::Handwritten => {
                let outputs =
                    handwritten::svix::rotate(&self.http, &self.fake.base_url, TOKEN, &handwritten_inputs()).await?;
                std::hint::black_box(outputs);
            }
        }
        Ok(())
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
}
