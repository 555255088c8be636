use arazzo_generated::apigee_rotate_app_key as generated;
use arazzo_runtime::SecretString;
use arazzo_tests::Recorder;
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed, FakeApigee};

use super::{BenchError, Scenario, Variant};
use crate::handwritten;

const TOKEN: &str = "ya29.bench-oauth-access-token";
const ORG: &str = "acme-prod";
const DEVELOPER: &str = "dev@example.com";
const APP: &str = "billing-app";
const PRODUCT: &str = "payments-gold";

/// Each run creates key `bench-key-<n>` and revokes the key of the previous run.
pub struct Apigee {
    fake: FakeApigee,
    client: arazzo_runtime::Client,
    config: generated::Config,
    http: reqwest::Client,
    runs: u64,
}

impl Apigee {
    fn key(n: u64) -> String {
        format!("bench-key-{n}")
    }
}

impl Scenario for Apigee {
    const NAME: &'static str = "apigee";
    const STEPS: u32 = 4;

    async fn start() -> Result<Self, BenchError> {
        let seed = ApigeeSeed {
            tokens: vec![TOKEN.into()],
            products: vec![PRODUCT.into()],
            apps: vec![ApigeeApp {
                organization: ORG.into(),
                developer_email: DEVELOPER.into(),
                developer_id: "5f1e2d3c-developer".into(),
                name: APP.into(),
                app_id: "8d7c6b5a-app".into(),
                api_products: vec![PRODUCT.into()],
                credentials: vec![ApigeeKey::new(&Apigee::key(0), "bench-secret-0")],
            }],
        };
        let fake = apigee::start(seed).await?;
        let config = generated::Config {
            apigee_api_management: generated::ApigeeApiManagement::new(SecretString::from(TOKEN))
                .with_base_url(&fake.base_url),
        };
        Ok(Apigee { fake, client: arazzo_runtime::Client::new(), config, http: handwritten::client()?, runs: 0 })
    }

    async fn execute(&mut self, variant: Variant) -> Result<(), BenchError> {
        let (old, new) = (Apigee::key(self.runs), Apigee::key(self.runs + 1));
        let secret = format!("bench-secret-{}", self.runs + 1);
        match variant {
            Variant::Generated => {
                let inputs = generated::RotateAppKeyInputs {
                    organization_id: ORG.into(),
                    developer_id: DEVELOPER.into(),
                    app_id: APP.into(),
                    new_consumer_key: SecretString::from(new),
                    new_consumer_secret: SecretString::from(secret),
                    api_product: PRODUCT.into(),
                    old_key_id: old,
                };
                let outputs = generated::rotate_app_key(&self.client, &self.config, &inputs)
                    .await
                    .map_err(BenchError::generated)?;
                std::hint::black_box(outputs);
            }
            Variant::Handwritten => {
                let inputs = handwritten::apigee::Inputs {
                    organization_id: ORG.into(),
                    developer_id: DEVELOPER.into(),
                    app_id: APP.into(),
                    new_consumer_key: new,
                    new_consumer_secret: secret,
                    api_product: PRODUCT.into(),
                    old_key_id: old,
                };
                let outputs = handwritten::apigee::rotate(&self.http, &self.fake.base_url, TOKEN, &inputs).await?;
                std::hint::black_box(outputs);
            }
        }
        self.runs += 1;
        Ok(())
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
}
