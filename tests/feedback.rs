//! Feedback on answers: the helpful / not helpful buttons under every kind of answer, votes
//! and changed votes, forged buttons, and the curators' report of what people voted.

use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::support::bot_process::{interaction_reply, mention, start, BotSettings, WAIT};
use crate::support::fake_discord::{FakeDiscord, InteractionHandle, MessageSpec};
use crate::support::jedi_bot;

/// The custom ids of the feedback row (the last row) of a message or interaction reply.
fn feedback_ids(body: &Value) -> Vec<String> {
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    rows.last()
        .and_then(|row| row["components"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|b| b["custom_id"].as_str())
        .filter(|id| id.starts_with("fb:"))
        .map(str::to_string)
        .collect()
}

/// Asserts `body` carries a helpful and a not-helpful button, and returns them.
fn assert_feedback(body: &Value) -> (String, String) {
    let ids = feedback_ids(body);
    assert_eq!(ids.len(), 2, "no feedback row: {body}");
    assert!(
        ids[0].starts_with("fb:+:") && ids[1].starts_with("fb:-:"),
        "{ids:?}"
    );
    (ids[0].clone(), ids[1].clone())
}

/// The text and ephemeral flag of the response to a click.
async fn click(fake: &FakeDiscord, id: &str, message: u64, user: u64) -> (String, bool) {
    let handle: InteractionHandle = fake.send_component(id, message, user);
    let reply = interaction_reply(fake, &handle).await;
    assert_eq!(reply["type"], 4, "{reply}");
    let text = reply["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ephemeral = reply["data"]["flags"].as_u64().unwrap_or(0) & 64 != 0;
    (text, ephemeral)
}

fn message_id(body: &Value) -> u64 {
    body["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_answer_has_feedback_buttons_and_declines_have_none() {
    let (fake, bot) = start(BotSettings::default()).await;
    // A mention.
    fake.send_message(mention("who won the JEDI contract?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    assert_feedback(&sent[0]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A follow-up: a reply to that answer.
    fake.send_message(MessageSpec {
        reply_to: Some(message_id(&sent[0])),
        ..MessageSpec::new(
            FakeDiscord::CHANNEL_ID,
            FakeDiscord::USER_ID,
            "when was that?",
        )
    });
    let sent = fake.wait_for_messages_sent(2, WAIT).await;
    assert_eq!(sent.len(), 2, "log:\n{}", bot.log());
    assert_feedback(&sent[1]);
    // A decline has nothing to vote on.
    fake.send_message(mention("what is a good sourdough recipe?"));
    let sent = fake.wait_for_messages_sent(3, WAIT).await;
    assert!(feedback_ids(&sent[2]).is_empty(), "{}", sent[2]);

    // /ask, and the related-question button under its answer.
    let handle = fake.send_command(
        "ask",
        serde_json::json!([{"name": "question", "type": 3, "value": "how much is jedi worth"}]),
        FakeDiscord::USER_ID + 1,
    );
    let reply = interaction_reply(&fake, &handle).await;
    assert_feedback(&reply["data"]);
    let related = reply["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(related.starts_with("ask:"), "{reply}");
    let button = fake.send_component(&related, 1, FakeDiscord::USER_ID + 1);
    let reply = interaction_reply(&fake, &button).await;
    assert_feedback(&reply["data"]);

    // The message command.
    let target = fake.send_message(MessageSpec::new(
        FakeDiscord::CHANNEL_ID,
        FakeDiscord::USER_ID + 7,
        "did amazon win that contract??",
    ));
    let handle = fake.send_message_command("Ask jedi-bot", target, FakeDiscord::USER_ID + 2);
    let reply = interaction_reply(&fake, &handle).await;
    assert_feedback(&reply["data"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_acknowledged_privately_changed_not_added_and_reach_the_report() {
    let (fake, bot) = start(BotSettings::default()).await;
    fake.send_message(mention("who won the JEDI contract?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    let (helpful, not_helpful) = assert_feedback(&sent[0]);
    let answer = message_id(&sent[0]);
    let voter = FakeDiscord::USER_ID;

    let (text, ephemeral) = click(&fake, &not_helpful, answer, voter).await;
    assert!(ephemeral && text.contains("not helpful"), "{text}");
    let (text, ephemeral) = click(&fake, &not_helpful, answer, voter).await;
    assert!(ephemeral && text.contains("already"), "{text}");
    let (text, ephemeral) = click(&fake, &helpful, answer, voter).await;
    assert!(ephemeral && text.contains("Changed"), "{text}");
    // Two other people find it not helpful.
    for other in [voter + 1, voter + 2] {
        let (text, _) = click(&fake, &not_helpful, answer, other).await;
        assert!(text.contains("Thanks"), "{text}");
    }

    // The log: one line per vote that changed something, with the question, no user id.
    let log = bot.unanswered();
    let votes: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["kind"] == "vote")
        .collect();
    assert_eq!(votes.len(), 4, "{log}");
    assert_eq!(votes[0]["vote"], "not_helpful");
    assert_eq!(votes[1]["vote"], "helpful");
    assert_eq!(votes[1]["changed"], true);
    assert_eq!(votes[0]["voter"], votes[1]["voter"]);
    assert_ne!(votes[0]["voter"], votes[2]["voter"]);
    for vote in &votes {
        assert_eq!(vote["question"], "who won the JEDI contract?", "{vote}");
        assert!(
            vote["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{vote}"
        );
        assert!(vote.get("user").is_none(), "{vote}");
        assert!(!vote.to_string().contains(&voter.to_string()), "{vote}");
    }

    // The report counts each voter's last vote once.
    let path = bot.dir.path().join("unanswered.jsonl");
    let output = jedi_bot()
        .args(["report", "--json", "--log"])
        .arg(&path)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = report["votes"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["not_helpful"], 2, "{report}");
    assert_eq!(rows[0]["helpful"], 1, "{report}");
    assert_eq!(
        rows[0]["questions"][0]["question"], "who won the JEDI contract?",
        "{report}"
    );
    assert_eq!(rows[0]["questions"][0]["count"], 2, "{report}");
    jedi_bot()
        .args(["unanswered", "--log"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Answers voted not helpful (1 entries",
        ))
        .stdout(predicate::str::contains("2x who won the JEDI contract?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_or_stale_vote_buttons_no_longer_work() {
    let (fake, bot) = start(BotSettings::default()).await;
    for forged in [
        "fb:+:deadbeef:no-such-entry",
        "fb:?:deadbeef:winner",
        "fb:+:123:winner",
        "fb:-:deadbeef:",
    ] {
        let (text, ephemeral) = click(&fake, forged, 1, FakeDiscord::USER_ID).await;
        assert!(ephemeral, "{forged}: {text}");
        assert!(text.contains("no longer works"), "{forged}: {text}");
    }
    assert!(
        !bot.unanswered().contains("\"vote\""),
        "{}",
        bot.unanswered()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_stored_questions_a_vote_is_logged_without_its_text_and_ids_only_when_asked() {
    let (fake, bot) = start(BotSettings {
        store_questions: false,
        log_user_ids: true,
        ..BotSettings::default()
    })
    .await;
    fake.send_message(mention("who won the JEDI contract?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    let (_, not_helpful) = assert_feedback(&sent[0]);
    click(
        &fake,
        &not_helpful,
        message_id(&sent[0]),
        FakeDiscord::USER_ID,
    )
    .await;
    let log = bot.unanswered();
    let vote: Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["kind"] == "vote")
        .unwrap_or_else(|| panic!("no vote logged: {log}"));
    assert!(vote.get("question").is_none(), "{vote}");
    assert!(!log.contains("JEDI contract"), "{log}");
    assert_eq!(vote["user"], FakeDiscord::USER_ID, "{vote}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_off_leaves_answers_without_buttons_to_vote() {
    let (fake, _bot) = start(BotSettings {
        feedback: false,
        ..BotSettings::default()
    })
    .await;
    fake.send_message(mention("who won the JEDI contract?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    assert!(feedback_ids(&sent[0]).is_empty(), "{}", sent[0]);
    assert!(sent[0]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("ask:")));
}
