use arazzo_generated::propelauth_rotate_user_api_key as generated;
use arazzo_runtime::SecretString;
use arazzo_tests::Recorder;
use arazzo_tests::propelauth::{self, FakePropelAuth, Presence, PropelKey, PropelSeed};

use super::{BenchError, Scenario, Variant};
use crate::handwritten;

const BACKEND_KEY: &str = "bk_bench_4f6c1d0a9b8e7f6a";
const USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
const EXPIRES: i64 = 1_900_000_000;

/// Each run revokes the user's latest key and creates one: the number of keys stays the same.
pub struct PropelAuth {
    fake: FakePropelAuth,
    client: arazzo_runtime::Client,
    config: generated::Config,
    http: reqwest::Client,
}

fn key(id: &str, created_at: i64) -> PropelKey {
    PropelKey {
        api_key_id: id.into(),
        token: format!("tok_{id}"),
        user_id: Some(USER.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    }
}

impl Scenario for PropelAuth {
    const NAME: &'static str = "propelauth";
    const STEPS: u32 = 3;

    async fn start() -> Result<Self, BenchError> {
        let seed = PropelSeed {
            backend_api_keys: vec![BACKEND_KEY.into()],
            keys: vec![
                key("a1b2c3d4e5f60718293a4b5c6d7e8f90", 1_700_000_100),
                key("0f1e2d3c4b5a69788796a5b4c3d2e1f0", 1_700_000_200),
            ],
            now: 1_700_000_500,
        };
        let fake = propelauth::start(seed).await?;
        let config = generated::Config { api_keys_api: generated::ApiKeysApi::new().with_base_url(&fake.base_url) };
        Ok(PropelAuth { fake, client: arazzo_runtime::Client::new(), config, http: handwritten::client()? })
    }

    async fn execute(&mut self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Generated => {
                let inputs = generated::RotateUserApiKeyInputs {
                    backend_api_key: SecretString::from(BACKEND_KEY),
                    user_id: USER.into(),
                    expires_at_seconds: Some(EXPIRES),
                };
                let outputs = generated::rotate_user_api_key(&self.client, &self.config, &inputs)
                    .await
                    .map_err(BenchError::generated)?;
                std::hint::black_box(outputs);
            }
            Variant::Handwritten => {
                let inputs = handwritten::propelauth::Inputs {
                    backend_api_key: BACKEND_KEY.into(),
                    user_id: USER.into(),
                    expires_at_seconds: Some(EXPIRES),
                };
                let outputs = handwritten::propelauth::rotate(&self.http, &self.fake.base_url, &inputs).await?;
                std::hint::black_box(outputs);
            }
        }
        Ok(())
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
}
