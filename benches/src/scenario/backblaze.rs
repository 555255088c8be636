use arazzo_generated::backblaze_rotate_application_key as generated;
use arazzo_runtime::{BasicCredentials, SecretString};
use arazzo_tests::Recorder;
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed, FakeBackblaze};

use super::{BenchError, Scenario, Variant};
use crate::handwritten;

const ACCOUNT: &str = "acct-bench-7f6e5d";
const MASTER_ID: &str = "0014a98f9d9e8d0000000000";
const MASTER_KEY: &str = "K001masterAppKeyBench";
const KEY_NAME: &str = "bench-rotated";
const CAPABILITIES: [&str; 2] = ["readFiles", "writeFiles"];

/// Each run deletes the key the previous run created. The fake keeps every authorization token
/// it issued, one per run: [`super::timed`] starts a fresh fake per sample, which bounds them.
pub struct Backblaze {
    fake: FakeBackblaze,
    client: arazzo_runtime::Client,
    config: generated::Config,
    http: reqwest::Client,
    old_key_id: String,
}

fn capabilities() -> Vec<String> {
    CAPABILITIES.iter().map(|c| (*c).to_owned()).collect()
}

impl Scenario for Backblaze {
    const NAME: &'static str = "backblaze";
    const STEPS: u32 = 3;

    async fn start() -> Result<Self, BenchError> {
        let old_key_id = "0014a98f9d9e8d0000000007".to_owned();
        let seed = BackblazeSeed {
            account_id: ACCOUNT.into(),
            keys: vec![
                B2Key {
                    application_key_id: MASTER_ID.into(),
                    application_key: MASTER_KEY.into(),
                    key_name: "master".into(),
                    capabilities: vec!["listKeys".into(), "writeKeys".into(), "deleteKeys".into()],
                },
                B2Key {
                    application_key_id: old_key_id.clone(),
                    application_key: "K001oldAppKeyBench".into(),
                    key_name: "backup-2023".into(),
                    capabilities: capabilities(),
                },
            ],
        };
        let fake = backblaze::start(seed).await?;
        let credentials = BasicCredentials::new(MASTER_ID, SecretString::from(MASTER_KEY));
        let config =
            generated::Config { backblaze_b2: generated::BackblazeB2::new(credentials).with_base_url(&fake.base_url) };
        Ok(Backblaze { fake, client: arazzo_runtime::Client::new(), config, http: handwritten::client()?, old_key_id })
    }

    async fn execute(&mut self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Generated => {
                let inputs = generated::RotateApplicationKeyInputs {
                    key_name: KEY_NAME.into(),
                    capabilities: capabilities(),
                    old_application_key_id: self.old_key_id.clone(),
                };
                let outputs = generated::rotate_application_key(&self.client, &self.config, &inputs)
                    .await
                    .map_err(BenchError::generated)?;
                self.old_key_id = std::hint::black_box(outputs).new_application_key_id;
            }
            Variant::Handwritten => {
                let inputs = handwritten::backblaze::Inputs {
                    key_name: KEY_NAME.into(),
                    capabilities: capabilities(),
                    old_application_key_id: self.old_key_id.clone(),
                };
                let outputs =
                    handwritten::backblaze::rotate(&self.http, &self.fake.base_url, MASTER_ID, MASTER_KEY, &inputs)
                        .await?;
                self.old_key_id = std::hint::black_box(outputs).new_application_key_id;
            }
        }
        Ok(())
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
}
