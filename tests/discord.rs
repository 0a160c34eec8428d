//! The real bot (`jedi-bot run`, serenity + poise) against a fake Discord on loopback.
//! Each test starts its own fake and its own bot process.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::bot_process::{
    assert_no_pings, embed_text, interaction_reply, mention, start, BotProcess, BotSettings, BOT,
    QUIET, TOKEN, WAIT,
};
use crate::support::fake_discord::{FakeDiscord, MessageSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_registers_the_commands_in_the_guild() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let registration = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .unwrap();
    assert!(registration
        .path
        .contains(&format!("/guilds/{}/commands", FakeDiscord::GUILD_ID)));
    let mut names: Vec<String> = fake
        .registered_commands()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Ask jedi-bot",
            "ask",
            "help",
            "quote",
            "reload",
            "source",
            "timeline"
        ]
    );
    let ask = registration
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ask")
        .unwrap();
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["required"], true);
    assert_eq!(ask["options"][0]["autocomplete"], true);
    let timeline = registration
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "timeline")
        .unwrap();
    let options: Vec<&str> = timeline["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["from", "to"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_is_answered_in_the_channel_without_pinging() {
    let (fake, bot) = start(BotSettings::default()).await;
    let id = fake.send_message(mention("@everyone who won the JEDI contract?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    let body = &sent[0];
    assert_eq!(
        body["channel_id"].to_string().trim_matches('"'),
        FakeDiscord::CHANNEL_ID.to_string()
    );
    assert_eq!(
        body["message_reference"]["message_id"]
            .to_string()
            .trim_matches('"'),
        id.to_string()
    );
    assert_no_pings(body);
    let embeds = embed_text(body);
    assert!(embeds.contains("Microsoft"), "{embeds}");
    assert!(
        embeds.contains("> Microsoft was selected the vendor"),
        "{embeds}"
    );
    assert!(embeds.contains("CRN, citing CNBC"), "{embeds}");
    assert!(!body.to_string().contains("@everyone"), "{body}");
    // Related questions come as buttons.
    assert!(body["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .starts_with("ask:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_webhooks_and_unaddressed_messages_are_ignored() {
    let (fake, _bot) = start(BotSettings::default()).await;
    fake.send_message(MessageSpec {
        author_is_bot: true,
        ..mention("who won the jedi contract?")
    });
    fake.send_message(MessageSpec {
        webhook_id: Some(77),
        ..mention("who won the jedi contract?")
    });
    fake.send_message(MessageSpec {
        author_id: BOT,
        ..mention("who won the jedi contract?")
    });
    fake.send_message(MessageSpec::new(
        FakeDiscord::CHANNEL_ID,
        FakeDiscord::USER_ID,
        "who won the jedi contract?",
    ));
    tokio::time::sleep(QUIET).await;
    assert!(
        fake.messages_sent().is_empty(),
        "{:?}",
        fake.messages_sent()
    );
    // The bot is still alive and answers a real mention.
    fake.send_message(mention("who won the jedi contract?"));
    assert_eq!(fake.wait_for_messages_sent(1, WAIT).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_off_topic_mention_gets_a_short_decline() {
    let (fake, bot) = start(BotSettings::default()).await;
    fake.send_message(mention("how do I make sourdough bread?"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    let content = sent[0]["content"].as_str().unwrap();
    assert!(content.contains("can't answer"), "{content}");
    assert!(content.contains("/help"), "{content}");
    assert_no_pings(&sent[0]);
    // The decline is logged for curators.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        bot.unanswered().contains("sourdough"),
        "{}",
        bot.unanswered()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_answers_and_autocomplete_ranks_with_the_same_engine() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let handle = fake.send_command(
        "ask",
        json!([{"name": "question", "type": 3, "value": "how much is jedi worth <@&1>"}]),
        FakeDiscord::USER_ID,
    );
    let reply = interaction_reply(&fake, &handle).await;
    assert_eq!(reply["type"], 4, "{reply}");
    assert!(
        embed_text(&reply["data"]).contains("$10 billion"),
        "{reply}"
    );
    assert_no_pings(&reply["data"]);
    // The question is shown back escaped: the role mention cannot ping or render.
    let content = reply["data"]["content"].as_str().unwrap();
    assert!(
        content.contains("how much is jedi worth") && !content.contains("<@&1>"),
        "{content}"
    );

    let handle = fake.send_autocomplete(
        "ask",
        json!([{"name": "question", "type": 3, "value": "who won", "focused": true}]),
        FakeDiscord::USER_ID,
    );
    let reply = interaction_reply(&fake, &handle).await;
    assert_eq!(reply["type"], 8, "{reply}");
    let choices = reply["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert_eq!(choices[0]["name"], "Who won the JEDI contract?", "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_and_quote_show_the_data() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let handle = fake.send_command("timeline", json!([]), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    // The picture rides along as a multipart attachment, shown in the embed.
    let callback = fake
        .interaction_calls(&handle)
        .into_iter()
        .find(|r| r.path.ends_with("/callback"))
        .unwrap();
    assert_eq!(callback.files.len(), 1, "{}", callback.body);
    assert_eq!(callback.files[0].filename, "timeline.png");
    let picture = resvg::tiny_skia::Pixmap::decode_png(&callback.files[0].content).unwrap();
    assert_eq!(picture.width(), jedi_bot::picture::WIDTH);
    assert_eq!(
        reply["data"]["embeds"][0]["image"]["url"], "attachment://timeline.png",
        "{reply}"
    );
    let fields = reply["data"]["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(fields[0]["name"], "October 2018", "{reply}");
    // More events than a page: a "later" button pages on.
    let next = reply["data"]["components"][0]["components"][1]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let message_id = fake
        .interaction_original(&handle)
        .and_then(|m| m["id"].as_str().map(|s| s.parse::<u64>().unwrap()));
    let page = fake.send_component(&next, message_id.unwrap_or(1), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &page).await;
    assert_eq!(reply["type"], 7, "{reply}");
    assert_ne!(
        reply["data"]["embeds"][0]["fields"][0]["name"], "October 2018",
        "{reply}"
    );
    // The next page shows the picture the message already has, without sending it again.
    assert_eq!(
        reply["data"]["embeds"][0]["image"]["url"], "attachment://timeline.png",
        "{reply}"
    );
    assert!(fake
        .interaction_calls(&page)
        .iter()
        .all(|r| r.files.is_empty()));

    let handle = fake.send_command(
        "quote",
        json!([{"name": "speaker", "type": 3, "value": "Brad Smith"}]),
        FakeDiscord::USER_ID,
    );
    let reply = interaction_reply(&fake, &handle).await;
    let text = embed_text(&reply["data"]);
    assert!(text.contains("machines have started a war"), "{text}");
    assert!(text.contains("Microsoft President"), "{text}");
    assert!(!text.contains("Jeff Bezos"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_did_you_mean_button_answers_that_question() {
    let (fake, _bot) = start(BotSettings::default()).await;
    // A bare keyword shared by several entries is ambiguous.
    fake.send_message(mention("jedi microsoft"));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    let buttons = sent[0]["components"][0]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !buttons.is_empty(),
        "expected did-you-mean buttons: {}",
        sent[0]
    );
    let custom_id = buttons[0]["custom_id"].as_str().unwrap();
    let entry = custom_id.strip_prefix("ask:").unwrap();
    let message_id: u64 = sent[0]["id"]
        .as_str()
        .map(|s| s.parse().unwrap())
        .unwrap_or(1);
    let click = fake.send_component(custom_id, message_id, FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &click).await;
    assert_eq!(reply["type"], 4, "{reply}");
    let title = reply["data"]["embeds"][0]["title"].as_str().unwrap();
    assert_eq!(
        Some(title),
        buttons[0]["label"].as_str(),
        "{entry}: {reply}"
    );
    assert_no_pings(&reply["data"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_sends_one_notice_and_then_stays_quiet() {
    let (fake, _bot) = start(BotSettings {
        cooldown_seconds: 60,
        ..BotSettings::default()
    })
    .await;
    for _ in 0..4 {
        fake.send_message(mention("who won the jedi contract?"));
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    tokio::time::sleep(QUIET).await;
    let sent = fake.messages_sent();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let notices: Vec<&Value> = sent
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.contains("try again"))
        })
        .collect();
    assert_eq!(notices.len(), 1, "{sent:?}");
    // Another user is not held up.
    fake.send_message(MessageSpec {
        author_id: FakeDiscord::OWNER_ID,
        ..mention("who won the jedi contract?")
    });
    assert_eq!(fake.wait_for_messages_sent(3, WAIT).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_channels_answer_questions_and_ignore_chatter() {
    let listen = 555_000_000_000_000_001;
    let (fake, _bot) = start(BotSettings {
        listen_channels: vec![listen],
        ..BotSettings::default()
    })
    .await;
    fake.send_message(MessageSpec::new(
        listen,
        FakeDiscord::USER_ID,
        "lol that's wild",
    ));
    fake.send_message(MessageSpec::new(
        listen,
        FakeDiscord::USER_ID,
        "anyone want pizza?",
    ));
    tokio::time::sleep(QUIET).await;
    assert!(
        fake.messages_sent().is_empty(),
        "{:?}",
        fake.messages_sent()
    );
    fake.send_message(MessageSpec::new(
        listen,
        FakeDiscord::USER_ID,
        "who won the jedi contract?",
    ));
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    assert!(embed_text(&sent[0]).contains("Microsoft"));
}

/// Rewrites the first answer in a data copy.
fn edit_answer(dir: &std::path::Path, from: &str, to: &str) {
    let path = dir.join("qa.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

async fn ask_value(fake: &FakeDiscord, count: usize) -> String {
    fake.send_message(mention("how much is the jedi contract worth?"));
    let sent = fake.wait_for_messages_sent(count, WAIT).await;
    assert_eq!(sent.len(), count);
    embed_text(&sent[count - 1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_command_swaps_good_data_and_keeps_the_old_on_a_bad_edit() {
    let data = crate::support::data_copy();
    let (fake, _bot) = start(BotSettings {
        data_dir: Some(data.path().to_path_buf()),
        owners: vec![FakeDiscord::OWNER_ID],
        ..BotSettings::default()
    })
    .await;
    assert!(ask_value(&fake, 1).await.contains("$10 billion"));

    edit_answer(
        data.path(),
        "potentially amounts to $10 billion",
        "potentially amounts to TEN BILLION DOLLARS ($10 billion)",
    );
    let handle = fake.send_command("reload", json!([]), FakeDiscord::OWNER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    assert!(reply.to_string().contains("Reloaded"), "{reply}");
    assert!(ask_value(&fake, 2).await.contains("TEN BILLION"));

    std::fs::write(data.path().join("timeline.toml"), "[[event]\nbroken").unwrap();
    let handle = fake.send_command("reload", json!([]), FakeDiscord::OWNER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    let text = reply.to_string();
    assert!(
        text.contains("refused") && text.contains("timeline.toml:1:"),
        "{text}"
    );
    assert!(
        ask_value(&fake, 3).await.contains("TEN BILLION"),
        "the old data stays"
    );

    // Only owners may reload.
    let handle = fake.send_command("reload", json!([]), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    assert!(reply.to_string().contains("owners"), "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_and_a_bad_edit_keeps_the_old_data() {
    let data = crate::support::data_copy();
    let (fake, bot) = start(BotSettings {
        data_dir: Some(data.path().to_path_buf()),
        ..BotSettings::default()
    })
    .await;
    edit_answer(
        data.path(),
        "potentially amounts to $10 billion",
        "potentially amounts to TEN BILLION DOLLARS ($10 billion)",
    );
    bot.signal(libc::SIGHUP);
    assert!(
        bot.wait_for_log("reloaded the data (SIGHUP)", WAIT).await,
        "{}",
        bot.log()
    );
    assert!(ask_value(&fake, 1).await.contains("TEN BILLION"));

    std::fs::write(data.path().join("qa.toml"), "[[entry]]\nid = \"x\"\n").unwrap();
    bot.signal(libc::SIGHUP);
    assert!(
        bot.wait_for_log("reload refused", WAIT).await,
        "{}",
        bot.log()
    );
    assert!(bot.log().contains("qa.toml:1:"), "{}", bot.log());
    assert!(ask_value(&fake, 2).await.contains("TEN BILLION"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_shuts_down_cleanly_with_exit_0() {
    let (_fake, mut bot) = start(BotSettings::default()).await;
    let started = std::time::Instant::now();
    bot.signal(libc::SIGTERM);
    let code = bot.wait_exit(Duration::from_secs(10));
    assert_eq!(code, Some(0), "log:\n{}", bot.log());
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_exits_2_with_a_clear_message() {
    let fake = FakeDiscord::start().await;
    fake.set_reject_token(true);
    let mut bot = BotProcess::start(&fake, BotSettings::default());
    let code = tokio::task::spawn_blocking(move || {
        let code = bot.wait_exit(Duration::from_secs(15));
        (code, bot)
    })
    .await
    .unwrap();
    let (code, bot) = code;
    assert_eq!(code, Some(2), "log:\n{}", bot.log());
    assert!(
        bot.log().contains("rejected the bot token"),
        "{}",
        bot.log()
    );
    assert!(
        !bot.log().contains(TOKEN),
        "the token leaked:\n{}",
        bot.log()
    );
}

/// Two processes, each running one shard of two (`shards = { first, last, total }`): each
/// guild's questions reach the process running its shard, and are answered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shard_ranges_split_the_guilds_between_processes() {
    let fake = FakeDiscord::start_with(crate::support::fake_discord::FakeConfig {
        shards: 2,
        ..Default::default()
    })
    .await;
    let range = |n: u32| BotSettings {
        shards: format!("{{ first = {n}, last = {n}, total = 2 }}"),
        ..BotSettings::default()
    };
    let first = BotProcess::start(&fake, range(0));
    let second = BotProcess::start(&fake, range(1));
    assert!(
        fake.wait_for_identify(2, WAIT).await,
        "{}\n{}",
        first.log(),
        second.log()
    );
    let identified: Vec<Value> = fake
        .gateway_received()
        .into_iter()
        .filter(|p| p["op"] == 2)
        .map(|p| p["d"]["shard"].clone())
        .collect();
    assert!(
        identified.contains(&json!([0, 2])) && identified.contains(&json!([1, 2])),
        "{identified:?}"
    );
    let guilds = [FakeDiscord::GUILD_ID, FakeDiscord::OTHER_GUILD_ID];
    assert_ne!(
        FakeDiscord::shard_for(guilds[0], 2),
        FakeDiscord::shard_for(guilds[1], 2)
    );
    let mut ids = Vec::new();
    for guild in guilds {
        for _ in 0..3 {
            ids.push(fake.send_message(MessageSpec {
                guild_id: Some(guild),
                ..mention("who won the jedi contract?")
            }));
        }
    }
    let sent = fake.wait_for_messages_sent(ids.len(), WAIT).await;
    assert_eq!(sent.len(), ids.len());
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        fake.messages_sent().len(),
        ids.len(),
        "each question answered once"
    );
    // Each process answered the questions of its own shard's guild.
    for bot in [&first, &second] {
        assert_eq!(
            bot.log().matches("outcome=\"answer\"").count(),
            3,
            "{}",
            bot.log()
        );
    }
}

/// The load benchmark's fake (`keep_history: false`) still serves the bot: it counts the
/// requests and the replies posted, and keeps neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fake_without_history_counts_replies_and_keeps_none() {
    let fake = FakeDiscord::start_with(crate::support::fake_discord::FakeConfig {
        keep_history: false,
        ..Default::default()
    })
    .await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "log:\n{}", bot.log());
    let before = fake.request_count();
    assert!(before > 0, "the bot's start-up requests are counted");
    for _ in 0..3 {
        fake.send_message(mention("who won the jedi contract?"));
    }
    assert!(
        fake.wait_for_message_posts(3, WAIT).await,
        "log:\n{}",
        bot.log()
    );
    assert!(fake.request_count() >= before + 3);
    assert!(fake.requests().is_empty());
    assert!(fake.messages_sent().is_empty());
}

/// Truncated, empty and special data files never go live: a `qa.toml` cut at an entry's
/// end (it still checks out) is refused unless forced, an empty required file and a FIFO
/// are refused at once, and the old data keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_never_swaps_in_truncated_empty_or_special_files() {
    let data = crate::support::data_copy();
    let (fake, _bot) = start(BotSettings {
        data_dir: Some(data.path().to_path_buf()),
        owners: vec![FakeDiscord::OWNER_ID],
        ..BotSettings::default()
    })
    .await;
    let reload = |force: bool| {
        let options = if force {
            json!([{"name": "force", "type": 5, "value": true}])
        } else {
            json!([])
        };
        fake.send_command("reload", options, FakeDiscord::OWNER_ID)
    };
    let quotes_path = data.path().join("quotes.toml");
    let quotes = std::fs::read_to_string(&quotes_path).unwrap();
    // Cut after the second quote, as an editor writing the file would leave it: it still
    // checks out.
    let cut = quotes.match_indices("\n[[quote]]").nth(2).unwrap().0;
    std::fs::write(&quotes_path, &quotes[..cut]).unwrap();
    let reply = interaction_reply(&fake, &reload(false)).await.to_string();
    assert!(
        reply.contains("refused") && reply.contains("cut short"),
        "{reply}"
    );
    assert!(ask_value(&fake, 1).await.contains("$10 billion"));
    let reply = interaction_reply(&fake, &reload(true)).await.to_string();
    assert!(reply.contains("Reloaded"), "forced: {reply}");

    std::fs::write(&quotes_path, &quotes).unwrap();
    std::fs::write(data.path().join("timeline.toml"), "").unwrap();
    let reply = interaction_reply(&fake, &reload(false)).await.to_string();
    assert!(
        reply.contains("timeline.toml") && reply.contains("empty"),
        "{reply}"
    );

    let timeline =
        std::fs::read_to_string(crate::support::data_dir().join("timeline.toml")).unwrap();
    std::fs::write(data.path().join("timeline.toml"), timeline).unwrap();
    let quotes = data.path().join("quotes.toml");
    std::fs::remove_file(&quotes).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&quotes).status();
    if made.is_ok_and(|s| s.success()) {
        let reply = interaction_reply(&fake, &reload(false)).await.to_string();
        assert!(reply.contains("not a regular file"), "{reply}");
    }
}

/// The curators' log keeps only questions addressed to the bot or, in a listen channel,
/// read as questions about the story: a bystander's chatter is not stored, nor is a
/// question the cooldown silences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bystanders_and_silenced_questions_are_not_stored() {
    let listen = FakeDiscord::CHANNEL_ID + 1;
    let (fake, bot) = start(BotSettings {
        listen_channels: vec![listen],
        cooldown_seconds: 60,
        ..BotSettings::default()
    })
    .await;
    fake.send_message(MessageSpec::new(
        listen,
        FakeDiscord::USER_ID,
        "the password is hunter2",
    ));
    fake.send_message(MessageSpec::new(
        listen,
        FakeDiscord::USER_ID + 1,
        "how many employees protested jedi?",
    ));
    // One user asks twice within the cooldown: the second is not answered, nor stored.
    fake.send_message(MessageSpec {
        author_id: FakeDiscord::USER_ID + 2,
        ..mention("how do i make sourdough bread?")
    });
    fake.wait_for_messages_sent(1, WAIT).await;
    fake.send_message(MessageSpec {
        author_id: FakeDiscord::USER_ID + 2,
        ..mention("what is the best pizza topping?")
    });
    tokio::time::sleep(QUIET).await;
    let log = bot.unanswered();
    assert!(
        !log.contains("hunter2"),
        "a bystander's message was stored:\n{log}"
    );
    assert!(
        log.contains("employees protested"),
        "a question about the story:\n{log}"
    );
    assert!(log.contains("sourdough"), "an addressed question:\n{log}");
    assert!(
        !log.contains("pizza"),
        "a silenced question was stored:\n{log}"
    );
}

/// A message Discord delivers twice (after a resume) gets one reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_delivered_twice_is_answered_once() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let id = fake.send_message(mention("who won the jedi contract?"));
    fake.redeliver_message(id);
    fake.wait_for_messages_sent(1, WAIT).await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(fake.messages_sent().len(), 1);
}

/// An interaction for a command the bot does not know (an old registration) is answered,
/// ephemerally; buttons and /source say so in an ignored channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_commands_and_ignored_channels_get_an_ephemeral_answer() {
    let (fake, _bot) = start(BotSettings {
        ignored_channels: vec![FakeDiscord::CHANNEL_ID],
        ..BotSettings::default()
    })
    .await;
    let handle = fake.send_command("no-such-command", json!([]), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    assert_eq!(reply["data"]["flags"], 64, "{reply}");
    assert!(reply.to_string().contains("out of date"), "{reply}");

    let handle = fake.send_command("source", json!([]), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    assert!(
        reply.to_string().contains("don't answer in this channel"),
        "{reply}"
    );
    let handle = fake.send_component("ask:jedi-winner", 1, FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    assert_eq!(reply["data"]["flags"], 64, "{reply}");
    assert!(
        reply.to_string().contains("don't answer in this channel"),
        "{reply}"
    );
}

/// `/metrics` counts what the bot does, `/healthz` answers while it runs, and `/readyz`
/// follows the gateway: ready while a shard is connected, not once Discord is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_health_follow_questions_and_the_gateway() {
    let fake = FakeDiscord::start().await;
    let bot = BotProcess::start(
        &fake,
        BotSettings {
            metrics: true,
            ..BotSettings::default()
        },
    );
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    let base = bot.metrics_url().await;
    let get = |path: &str| {
        let url = format!("{base}{path}");
        async move {
            let response = reqwest::get(&url).await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(get("/healthz").await.0, 200);
    let ready = |expected: u16| async move {
        let started = std::time::Instant::now();
        while started.elapsed() < WAIT {
            if get("/readyz").await.0 == expected {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    assert!(ready(200).await, "never ready; log:\n{}", bot.log());
    fake.send_message(mention("who won the jedi contract?"));
    fake.wait_for_messages_sent(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, text) = get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        text.contains("jedi_bot_questions_total{outcome=\"answer\",surface=\"mention\"} 1"),
        "{text}"
    );
    assert!(text.contains("jedi_bot_replies_sent_total 1"), "{text}");
    assert!(text.contains("jedi_bot_data_generation 1"), "{text}");
    assert!(text.contains("jedi_bot_answer_seconds_count 1"), "{text}");
    assert!(text.contains("jedi_bot_shards_connected 1"), "{text}");
    // Discord goes away: not ready any more, still healthy.
    drop(fake);
    assert!(
        ready(503).await,
        "still ready without Discord; log:\n{}",
        bot.log()
    );
    assert_eq!(get("/healthz").await.0, 200);
}

/// Only who asked for a timeline pages the message; anyone else's click gets the page
/// for themselves, ephemerally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_asker_pages_a_timeline() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let handle = fake.send_command("timeline", json!([]), FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &handle).await;
    let next = reply["data"]["components"][0]["components"][1]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let message = fake
        .interaction_original(&handle)
        .and_then(|m| m["id"].as_str().map(|s| s.parse::<u64>().unwrap()))
        .unwrap();
    let other = fake.send_component(&next, message, FakeDiscord::USER_ID + 1);
    let reply = interaction_reply(&fake, &other).await;
    assert_eq!(reply["type"], 4, "{reply}");
    assert_eq!(reply["data"]["flags"], 64, "{reply}");
    let own = fake.send_component(&next, message, FakeDiscord::USER_ID);
    let reply = interaction_reply(&fake, &own).await;
    assert_eq!(reply["type"], 7, "{reply}");
}
