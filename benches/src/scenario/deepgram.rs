use arazzo_generated::deepgram_rotate_project_key as generated;
use arazzo_runtime::SecretString;
use arazzo_tests::Recorder;
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed, FakeDeepgram};

use super::{BenchError, Scenario, Variant};
use crate::handwritten;

const PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
const ADMIN_SECRET: &str = "dg_admin_bench_secret_0123456789";
const COMMENT: &str = "rotated by the benchmark";
const SCOPES: [&str; 2] = ["usage:write", "keys:read"];

/// Each run deletes the key the previous run created.
pub struct Deepgram {
    fake: FakeDeepgram,
    client: arazzo_runtime::Client,
    config: generated::Config,
    http: reqwest::Client,
    old_key_id: String,
}

fn dg_key(id: &str, secret: &str) -> DeepgramKey {
    DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: id.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    }
}

fn scopes() -> Vec<String> {
    SCOPES.iter().map(|s| (*s).to_owned()).collect()
}

impl Scenario for Deepgram {
    const NAME: &'static str = "deepgram";
    const STEPS: u32 = 3;

    async fn start() -> Result<Self, BenchError> {
        let old_key_id = "old-key-0".to_owned();
        let seed = DeepgramSeed {
            projects: vec![DeepgramProject {
                project_id: PROJECT.into(),
                keys: vec![dg_key("admin-key-id", ADMIN_SECRET), dg_key(&old_key_id, "dg_old_bench_secret")],
            }],
        };
        let fake = deepgram::start(seed).await?;
        let config =
            generated::Config { management_api: generated::ManagementApi::new().with_base_url(&fake.base_url) };
        Ok(Deepgram { fake, client: arazzo_runtime::Client::new(), config, http: handwritten::client()?, old_key_id })
    }

    async fn execute(&mut self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Generated => {
                let inputs = generated::RotateProjectKeyInputs {
                    api_key: SecretString::from(ADMIN_SECRET),
                    project_id: PROJECT.into(),
                    old_key_id: self.old_key_id.clone(),
                    comment: COMMENT.into(),
                    scopes: scopes(),
                };
                let outputs = generated::rotate_project_key(&self.client, &self.config, &inputs)
                    .await
                    .map_err(BenchError::generated)?;
                self.old_key_id = std::hint::black_box(outputs).new_key_id;
            }
            Variant::Handwritten => {
                let inputs = handwritten::deepgram::Inputs {
                    api_key: ADMIN_SECRET.into(),
                    project_id: PROJECT.into(),
                    old_key_id: self.old_key_id.clone(),
                    comment: COMMENT.into(),
                    scopes: scopes(),
                };
                let outputs = handwritten::deepgram::rotate(&self.http, &self.fake.base_url, &inputs).await?;
                self.old_key_id = std::hint::black_box(outputs).new_key_id;
            }
        }
        Ok(())
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
}
