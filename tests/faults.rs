//! Holding up under faults, load and hostile input: the real bot against a fake Discord
//! that breaks on purpose. Like real Discord, the fake replays on RESUME the events
//! dispatched while the bot was away, so "answered exactly once" is checkable.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::bot_process::{
    interaction_reply, mention, start, BotProcess, BotSettings, BOT, QUIET, TOKEN, WAIT,
};
use crate::support::fake_discord::{FakeConfig, FakeDiscord, Fault, MessageSpec};

/// The id a reply refers to (its `message_reference.message_id`).
fn reference(body: &Value) -> Option<u64> {
    let id = &body["message_reference"]["message_id"];
    id.as_u64()
        .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
}

fn channel_of(body: &Value) -> Option<u64> {
    let id = &body["channel_id"];
    id.as_u64()
        .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
}

/// Sends a mention question from `user` in `channel`; returns its message id (replies are
/// matched to questions by the message they reply to; `_n` only numbers the calls).
fn ask(fake: &FakeDiscord, channel: u64, user: u64, _n: usize) -> u64 {
    fake.send_message(MessageSpec {
        channel_id: channel,
        author_id: user,
        ..mention("who won the jedi contract?")
    })
}

/// Waits until each question (id -> channel) has a reply, then a little longer, and
/// checks each got exactly one, in its own channel.
async fn assert_answered_once(
    fake: &FakeDiscord,
    questions: &HashMap<u64, u64>,
    timeout: Duration,
    bot: &BotProcess,
) {
    let start = Instant::now();
    loop {
        let answered = fake
            .messages_sent()
            .iter()
            .filter_map(reference)
            .filter(|id| questions.contains_key(id))
            .count();
        if answered >= questions.len() {
            break;
        }
        assert!(
            start.elapsed() < timeout,
            "{answered} of {} questions answered after {timeout:?}; log tail:\n{}",
            questions.len(),
            tail(&bot.log())
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::sleep(QUIET).await;
    let mut replies: HashMap<u64, usize> = HashMap::new();
    for body in fake.messages_sent() {
        if let Some(id) = reference(&body).filter(|id| questions.contains_key(id)) {
            *replies.entry(id).or_default() += 1;
            assert_eq!(
                channel_of(&body),
                questions.get(&id).copied(),
                "reply in the wrong channel: {body}"
            );
        }
    }
    let missing: Vec<_> = questions
        .keys()
        .filter(|id| !replies.contains_key(id))
        .collect();
    let doubled: Vec<_> = replies.iter().filter(|(_, &n)| n > 1).collect();
    assert!(
        missing.is_empty() && doubled.is_empty(),
        "missing {missing:?}, answered twice {doubled:?}"
    );
}

fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Questions before, during and after each fault that the bot resumes from: every one is
/// answered exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resumable_gateway_faults_lose_and_repeat_nothing() {
    let (fake, bot) = start(BotSettings::default()).await;
    let mut questions = HashMap::new();
    let channel = FakeDiscord::CHANNEL_ID;
    let mut n = 0;
    let faults = [
        "tcp drop",
        "close 1000",
        "close 4000",
        "op 7 reconnect",
        "op 9 resumable",
    ];
    for fault in faults {
        for _ in 0..5 {
            n += 1;
            questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
        }
        let resumes = fake.resume_count();
        match fault {
            "tcp drop" => fake.drop_connection().await,
            "close 1000" => fake.close(1000).await,
            "close 4000" => fake.close(4000).await,
            "op 7 reconnect" => fake.send_reconnect().await,
            _ => fake.send_invalid_session(true).await,
        };
        // Questions sent while the bot is away are queued and replayed on RESUME.
        for _ in 0..5 {
            n += 1;
            questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
        }
        assert!(
            fake.wait_for_resumed(resumes + 1, WAIT).await,
            "{fault}: no RESUME; log:\n{}",
            tail(&bot.log())
        );
        assert_answered_once(&fake, &questions, WAIT, &bot).await;
    }
    assert_eq!(
        fake.identify_count(),
        1,
        "every fault was resumed, none re-identified"
    );
}

/// An invalid session that cannot be resumed, and a heartbeat never acknowledged, make
/// the bot identify again (serenity waits about 5 s): still nothing lost or repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_that_force_a_new_session_lose_nothing() {
    let fake = FakeDiscord::start_with(FakeConfig {
        heartbeat_interval: Duration::from_millis(400),
        ..FakeConfig::default()
    })
    .await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    let channel = FakeDiscord::CHANNEL_ID;
    let mut questions = HashMap::new();
    for n in 0..5 {
        questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
    }
    fake.send_invalid_session(false).await;
    for n in 5..10 {
        questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
    }
    assert!(
        fake.wait_for_identify(2, Duration::from_secs(30)).await,
        "{}",
        tail(&bot.log())
    );
    assert_answered_once(&fake, &questions, Duration::from_secs(30), &bot).await;

    fake.set_heartbeat_ack(false);
    for n in 10..15 {
        questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
    }
    assert!(
        fake.wait_for_identify(3, Duration::from_secs(30)).await,
        "{}",
        tail(&bot.log())
    );
    fake.set_heartbeat_ack(true);
    for n in 15..20 {
        questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, n), channel);
    }
    assert_answered_once(&fake, &questions, Duration::from_secs(30), &bot).await;
}

/// A gateway that invalidates every new session: serenity alone would identify every
/// 5 s, all day. After its free starts a shard waits (15 s first, doubling), says why in
/// the log, and once the gateway recovers it connects and answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_keeps_invalidating_sessions_is_not_flooded() {
    let fake = FakeDiscord::start().await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    fake.set_invalidate_sessions(true);
    fake.send_invalid_session(false).await;
    // The first session and three more start freely, 5 s apart.
    assert!(
        fake.wait_for_identify(4, Duration::from_secs(40)).await,
        "{}",
        tail(&bot.log())
    );
    // Without the wait the fifth and sixth would come within 10 s.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(fake.identify_count(), 4, "{}", tail(&bot.log()));
    let log = bot.log();
    assert!(
        log.contains("keeps ending shard 0's sessions") && log.contains("waiting 15 s"),
        "{}",
        tail(&log)
    );
    fake.set_invalidate_sessions(false);
    let ready = async {
        while fake.ready_count() < 2 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(30), ready)
            .await
            .is_ok(),
        "{}",
        tail(&bot.log())
    );
    assert_eq!(fake.identify_count(), 5);
    let channel = FakeDiscord::CHANNEL_ID;
    let questions = HashMap::from([(ask(&fake, channel, FakeDiscord::USER_ID, 0), channel)]);
    assert_answered_once(&fake, &questions, WAIT, &bot).await;
}

/// Payloads that are not JSON, events serenity does not know, and events with required
/// fields missing are skipped; the bot keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_gateway_payloads_are_skipped() {
    let (fake, bot) = start(BotSettings::default()).await;
    fake.send_raw_dispatch("{this is not json").await;
    fake.send_raw_dispatch("\u{0}\u{1}binary-ish").await;
    fake.send_dispatch(
        "SOMETHING_DISCORD_ADDED_LATER",
        json!({"x": 1}),
        Some(FakeDiscord::GUILD_ID),
    );
    fake.send_dispatch(
        "MESSAGE_CREATE",
        json!({"id": "1", "content": "<@1> who won"}),
        Some(FakeDiscord::GUILD_ID),
    );
    fake.send_dispatch(
        "INTERACTION_CREATE",
        json!({"id": "2", "type": 2}),
        Some(FakeDiscord::GUILD_ID),
    );
    let mut questions = HashMap::new();
    questions.insert(
        ask(&fake, FakeDiscord::CHANNEL_ID, FakeDiscord::USER_ID, 1),
        FakeDiscord::CHANNEL_ID,
    );
    assert_answered_once(&fake, &questions, WAIT, &bot).await;
}

/// A 500 or 502 on a reply is retried with backoff and delivered once; a reply that keeps
/// failing is given up after the configured retries and logged, and the bot goes on; a
/// REST call that hangs times out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_server_errors_are_retried_a_bounded_number_of_times() {
    let (fake, bot) = start(BotSettings {
        send_retries: 3,
        request_timeout_seconds: 2,
        ..BotSettings::default()
    })
    .await;
    let channel = FakeDiscord::CHANNEL_ID;
    let post = format!("/channels/{channel}/messages");

    fake.set_rest_fault(Fault::new(&post, 500).method("POST").times(1));
    fake.set_rest_fault(Fault::new(&post, 502).method("POST").times(1));
    let mut questions = HashMap::new();
    questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, 1), channel);
    assert_answered_once(&fake, &questions, WAIT, &bot).await;
    let attempts = fake
        .requests()
        .iter()
        .filter(|r| r.is_message_post())
        .count();
    assert_eq!(attempts, 3, "two failures, then the delivery");

    fake.set_rest_fault(Fault::new(&post, 500).method("POST").times(100));
    let lost = ask(&fake, channel, FakeDiscord::USER_ID, 2);
    assert!(
        bot.wait_for_log("could not send a reply", WAIT).await,
        "{}",
        tail(&bot.log())
    );
    let attempts_for_lost = fake
        .requests()
        .iter()
        .filter(|r| r.is_message_post())
        .count()
        - 3;
    assert_eq!(
        attempts_for_lost, 4,
        "one try and three retries, then it gives up"
    );
    fake.clear_rest_faults();
    let _ = lost;

    fake.set_rest_fault(Fault::hang(&post).method("POST").times(1));
    let started = Instant::now();
    ask(&fake, channel, FakeDiscord::USER_ID, 3);
    while bot.log().matches("could not send a reply").count() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "the hanging call did not time out: {}",
            tail(&bot.log())
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "it waited for the 2 s timeout"
    );

    let mut questions = HashMap::new();
    questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, 4), channel);
    assert_answered_once(&fake, &questions, WAIT, &bot).await;
}

/// Behind a REST proxy (serenity's ratelimiter off), a 429 comes back as an error: the
/// bot's own retry delivers the reply once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_behind_the_proxy_is_retried_and_delivered_once() {
    let (fake, bot) = start(BotSettings::default()).await;
    let channel = FakeDiscord::CHANNEL_ID;
    fake.set_rest_fault(
        Fault::rate_limited(format!("/channels/{channel}/messages"), 0.2)
            .method("POST")
            .times(1),
    );
    let mut questions = HashMap::new();
    questions.insert(ask(&fake, channel, FakeDiscord::USER_ID, 1), channel);
    assert_answered_once(&fake, &questions, WAIT, &bot).await;
}

/// With serenity's own ratelimiter on (no proxy; the fake serves TLS as discord.com), a
/// 429 with Retry-After is waited out by serenity and the reply is delivered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_the_ratelimiter_on_is_retried_and_delivered_once() {
    let fake = FakeDiscord::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[discord]\nguild_id = {}\n[replies]\ncooldown_seconds = 0\n[logging]\nunanswered_log = \"\"\n",
        FakeDiscord::GUILD_ID
    );
    let config = jedi_bot::config::Config::parse(&config, "test", Some(TOKEN.to_string())).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let options = jedi_bot::discord::Options {
        http_client: Some(fake.reqwest_client()),
        shutdown: Some(stopped),
        ..Default::default()
    };
    let bot = tokio::spawn(jedi_bot::discord::run(config, options));
    assert!(fake.wait_for_ready(WAIT).await, "no READY over TLS");
    assert!(fake.requests().iter().all(|r| r
        .headers
        .get("host")
        .is_some_and(|h| h.starts_with("discord.com"))));
    let channel = FakeDiscord::CHANNEL_ID;
    fake.set_rest_fault(
        Fault::rate_limited(format!("/channels/{channel}/messages"), 0.5)
            .method("POST")
            .times(1),
    );
    let id = ask(&fake, channel, FakeDiscord::USER_ID, 1);
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(reference(&sent[0]), Some(id));
    tokio::time::sleep(QUIET).await;
    let posts: Vec<u16> = fake
        .requests()
        .iter()
        .filter(|r| r.is_message_post())
        .map(|r| r.status)
        .collect();
    assert_eq!(posts, [429, 200], "one rate-limited try, one delivery");
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), bot)
        .await
        .expect("shuts down")
        .unwrap()
        .expect("stops without an error");
    drop(dir);
}

/// 10,000 mention questions in bursts, from several channels and users, cooldown off:
/// each is answered exactly once, in its channel, to its message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_questions_in_bursts_are_each_answered_once() {
    // Room for every question of the bursts: here none may be dropped.
    let (fake, bot) = start(BotSettings {
        backlog: (10_000, 10_000),
        ..BotSettings::default()
    })
    .await;
    let channels = [
        FakeDiscord::CHANNEL_ID,
        555_000_000_000_000_011,
        555_000_000_000_000_012,
        555_000_000_000_000_013,
    ];
    let mut questions = HashMap::new();
    let mut n = 0;
    for _burst in 0..20 {
        for _ in 0..500 {
            let channel = channels[n % channels.len()];
            let user = 900_000_000_000_000_000 + (n % 25) as u64;
            questions.insert(ask(&fake, channel, user, n), channel);
            n += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(questions.len(), 10_000);
    assert_answered_once(&fake, &questions, Duration::from_secs(240), &bot).await;
}

/// 200 `/ask` at once: every interaction is answered within Discord's 3-second window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_slash_asks_at_once_are_answered_within_three_seconds() {
    let fake = FakeDiscord::start_with(FakeConfig {
        interaction_deadline: Some(Duration::from_secs(3)),
        ..FakeConfig::default()
    })
    .await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    assert!(fake
        .wait_for_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT)
        .await
        .is_some());
    let handles: Vec<_> = (0..200)
        .map(|i| {
            fake.send_command(
                "ask",
                json!([{"name": "question", "type": 3, "value": format!("how much is jedi worth {i}")}]),
                800_000_000_000_000_000 + i,
            )
        })
        .collect();
    for handle in &handles {
        let reply = interaction_reply(&fake, handle).await;
        assert_eq!(reply["type"], 4, "{reply}");
        let calls = fake.interaction_calls(handle);
        assert!(
            calls.iter().all(|c| c.status == 204 || c.status == 200),
            "late or refused: {calls:?}"
        );
    }
}

/// Mentions of everyone, roles and hundreds of users, and markdown, never ping anybody and
/// are never echoed raw.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mention_and_markdown_injection_never_pings() {
    let (fake, _bot) = start(BotSettings::default()).await;
    let users: Vec<u64> = (0..300).map(|i| 700_000_000_000_000_000 + i).collect();
    let flood: String = users.iter().map(|u| format!("<@{u}> ")).collect();
    fake.send_message(MessageSpec {
        mentions: [vec![BOT], users.clone()].concat(),
        mention_everyone: true,
        mention_roles: vec![5, 6],
        ..MessageSpec::new(
            FakeDiscord::CHANNEL_ID,
            FakeDiscord::USER_ID,
            format!("<@{BOT}> @everyone @here <@&5> {flood} **who** won ||the|| `jedi` contract?"),
        )
    });
    let handle = fake.send_command(
        "ask",
        json!([{"name": "question", "type": 3, "value": "@everyone <@&5> <@1> [x](https://evil.example) **who won jedi**"}]),
        FakeDiscord::USER_ID,
    );
    let sent = fake.wait_for_messages_sent(1, WAIT).await;
    let reply = interaction_reply(&fake, &handle).await;
    for body in [&sent[0], &reply["data"]] {
        crate::support::bot_process::assert_no_pings(body);
        let text = body.to_string();
        for raw in ["@everyone", "@here", "<@&5>", "<@1>", "](https://evil"] {
            assert!(!text.contains(raw), "{raw} echoed raw: {text}");
        }
    }
}

/// A recognisable token never appears in the bot's output, across a run full of errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_the_logs() {
    let fake = FakeDiscord::start().await;
    let mut bot = BotProcess::start(
        &fake,
        BotSettings {
            log_level: "trace",
            send_retries: 1,
            ..BotSettings::default()
        },
    );
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    let channel = FakeDiscord::CHANNEL_ID;
    fake.set_rest_fault(
        Fault::new(format!("/channels/{channel}/messages"), 500)
            .method("POST")
            .times(10),
    );
    ask(&fake, channel, FakeDiscord::USER_ID, 1);
    fake.send_raw_dispatch("{broken").await;
    assert!(bot.wait_for_log("could not send a reply", WAIT).await);
    fake.set_reject_token(true);
    fake.close(4004).await;
    let code = tokio::task::spawn_blocking(move || {
        let code = bot.wait_exit(Duration::from_secs(15));
        (code, bot)
    })
    .await
    .unwrap();
    let (code, bot) = code;
    assert_eq!(code, Some(2));
    let log = bot.log();
    assert!(log.len() > 1000, "trace logging ran: {} bytes", log.len());
    for (encoding, form) in token_encodings(&TOKEN[..24]) {
        assert!(
            !log.contains(&form),
            "the token leaked as {encoding}: {form}"
        );
    }
}

/// The first part of the token as it could show up in a log: plain, hex (lower and upper
/// case), a decimal byte list (`[77, 84, ...]`, as `Debug` of a byte slice prints it) and
/// base64 at each of the three alignments it can have inside a longer payload.
fn token_encodings(token: &str) -> Vec<(&'static str, String)> {
    use base64::Engine as _;
    let bytes = token.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let decimal = bytes
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut forms = vec![
        ("plain", token.to_string()),
        ("hex", hex.clone()),
        ("HEX", hex.to_uppercase()),
        ("decimal bytes", decimal),
    ];
    for shift in 0..3 {
        let mut shifted = vec![b'"'; shift];
        shifted.extend_from_slice(bytes);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&shifted);
        // Drop the characters that also depend on the bytes around the token.
        let start = if shift == 0 {
            0
        } else {
            (shift * 4).div_ceil(3)
        };
        let end = encoded.len().saturating_sub(4);
        forms.push(("base64", encoded[start..end].to_string()));
    }
    forms
}

/// Reloads (good and bad edits) while questions pour in: none is dropped or doubled, and
/// the bad edit never replaces the good data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloading_under_load_drops_no_question() {
    let data = crate::support::data_copy();
    let (fake, bot) = start(BotSettings {
        data_dir: Some(data.path().to_path_buf()),
        backlog: (10_000, 10_000),
        ..BotSettings::default()
    })
    .await;
    let channel = FakeDiscord::CHANNEL_ID;
    let good = std::fs::read_to_string(data.path().join("qa.toml")).unwrap();
    let quotes = std::fs::read_to_string(data.path().join("quotes.toml")).unwrap();
    // A curator's bad edits, one per odd round, each with what its refusal must name.
    let not_verbatim = format!(
        "{good}\n[[entry]]\nid = \"bogus\"\nquestions = [\"what is bogus\"]\n\
         answer = \"Bogus.\"\nsources = [\"This sentence is not in the article.\"]\n"
    );
    let bad_edits: [(&str, Option<&str>, &str); 4] = [
        ("qa.toml", Some("[[entry]\nbroken"), "qa.toml:1"),
        ("qa.toml", Some("[[entry]]\nid = 3\n"), "qa.toml:2"),
        ("quotes.toml", None, "quotes.toml: cannot read"),
        ("qa.toml", Some(&not_verbatim), "not verbatim"),
    ];
    let mut questions = HashMap::new();
    for round in 0..8 {
        for i in 0..50 {
            questions.insert(
                ask(&fake, channel, FakeDiscord::USER_ID, round * 50 + i),
                channel,
            );
        }
        let bad = (round % 2 == 1).then(|| bad_edits[round / 2]);
        std::fs::write(data.path().join("qa.toml"), &good).unwrap();
        std::fs::write(data.path().join("quotes.toml"), &quotes).unwrap();
        match bad {
            Some((file, Some(text), _)) => std::fs::write(data.path().join(file), text).unwrap(),
            Some((file, None, _)) => std::fs::remove_file(data.path().join(file)).unwrap(),
            None => {}
        }
        let reloads = |log: &str| {
            log.matches("reload refused").count() + log.matches("reloaded the data").count()
        };
        let before = reloads(&bot.log());
        bot.signal(libc::SIGHUP);
        // The next round's questions go out while this reload runs.
        for i in 0..50 {
            questions.insert(
                ask(&fake, channel, FakeDiscord::USER_ID, 1000 + round * 50 + i),
                channel,
            );
        }
        let started = Instant::now();
        while reloads(&bot.log()) == before {
            assert!(started.elapsed() < WAIT, "no reload; {}", tail(&bot.log()));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some((_, _, named)) = bad {
            let log = bot.log();
            let refusal = &log[log.rfind("reload refused").unwrap()..];
            assert!(
                refusal.contains(named),
                "{named:?} not in {}",
                tail(refusal)
            );
        }
    }
    assert_answered_once(&fake, &questions, Duration::from_secs(60), &bot).await;
    let log = bot.log();
    assert!(log.contains("reload refused"), "{}", tail(&log));
    assert!(log.contains("reloaded the data (SIGHUP)"), "{}", tail(&log));
    assert!(fake
        .messages_sent()
        .iter()
        .all(|m| m.to_string().contains("Microsoft")));
}

/// Waits (off the async threads) up to `timeout` for the bot to exit.
async fn exit_within(mut bot: BotProcess, timeout: Duration) -> (Option<i32>, BotProcess) {
    tokio::task::spawn_blocking(move || {
        let code = bot.wait_exit(timeout);
        (code, bot)
    })
    .await
    .unwrap()
}

/// Close codes serenity keeps looping on (it stops on 4004, 4013 and 4014 only): each
/// ends the process with a clear message and exit status 2 within seconds, instead of a
/// live process spinning at 100% of a core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fatal_gateway_closes_end_the_process_with_a_clear_message() {
    for (code, says) in [
        (4003, "not authenticated"),
        (4010, "invalid shard"),
        (4011, "raise [discord] shards.total"),
        (4012, "invalid API version"),
    ] {
        let (fake, bot) = start(BotSettings::default()).await;
        // The socket may not be registered yet on a loaded machine: close it once it is.
        let closed = async {
            while fake.close(code).await == 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        assert!(
            tokio::time::timeout(WAIT, closed).await.is_ok(),
            "close {code}: no gateway socket; log:\n{}",
            bot.log()
        );
        // Within the shutdown grace period and a little more (more on a loaded machine).
        let (exit, bot) = exit_within(bot, Duration::from_secs(30)).await;
        let log = bot.log();
        assert_eq!(exit, Some(2), "close {code}; log:\n{log}");
        assert!(
            log.contains(says),
            "close {code}: {says:?} missing; log:\n{log}"
        );
    }
}

/// SIGTERM while Discord cannot be reached (nothing listens where its REST and gateway
/// were) ends the process within 10 s, status 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_bot_while_discord_is_unreachable() {
    let fake = FakeDiscord::start().await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    // Discord goes away: the bot keeps trying to reconnect.
    drop(fake);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    bot.signal(libc::SIGTERM);
    let (exit, bot) = exit_within(bot, Duration::from_secs(10)).await;
    assert_eq!(exit, Some(0), "log:\n{}", bot.log());
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// One channel whose replies are being retried (429s, with the bot waiting between
/// attempts) does not hold the reply slots: another channel's question is answered at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_channel_does_not_hold_up_the_others() {
    let slow = FakeDiscord::CHANNEL_ID + 9;
    let (fake, bot) = start(BotSettings {
        send_retries: 10,
        ..BotSettings::default()
    })
    .await;
    // Every reply in the slow channel is refused for a long while: ten retries each, the
    // waits between them growing to seconds.
    fake.set_rest_fault(
        Fault::new(format!("/channels/{slow}/messages"), 429)
            .method("POST")
            .times(10_000),
    );
    for user in 0..20 {
        ask(&fake, slow, FakeDiscord::USER_ID + user, 1);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    ask(
        &fake,
        FakeDiscord::CHANNEL_ID,
        FakeDiscord::USER_ID + 100,
        1,
    );
    let sent = fake.wait_for_messages_sent(1, Duration::from_secs(5)).await;
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert_eq!(channel_of(&sent[0]), Some(FakeDiscord::CHANNEL_ID));
    // Without the fix it waited for the slow channel's retries (tens of seconds).
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A channel whose replies hang cannot grow the backlog past its bound: the rest are
/// dropped, logged and counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backlog_is_bounded_per_channel() {
    let slow = FakeDiscord::CHANNEL_ID + 9;
    let (fake, bot) = start(BotSettings {
        request_timeout_seconds: 30,
        backlog: (50, 1000),
        ..BotSettings::default()
    })
    .await;
    fake.set_rest_fault(
        Fault::hang(format!("/channels/{slow}/messages"))
            .method("POST")
            .times(10_000),
    );
    for user in 0..120 {
        ask(&fake, slow, FakeDiscord::USER_ID + user, 1);
    }
    // 50 wait for a reply (hanging); the other 70 are dropped and logged.
    let dropped = || {
        bot.log()
            .matches("too many questions waiting for a reply")
            .count()
    };
    let started = Instant::now();
    while dropped() < 70 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(dropped(), 70, "{}", bot.log());
}

/// Close 4014 (the Message Content intent is not allowed): a clear message, exit 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disallowed_intents_say_what_to_turn_on() {
    let (fake, bot) = start(BotSettings {
        listen_channels: vec![FakeDiscord::CHANNEL_ID],
        ..BotSettings::default()
    })
    .await;
    fake.close(4014).await;
    let (exit, bot) = exit_within(bot, Duration::from_secs(30)).await;
    let log = bot.log();
    assert_eq!(exit, Some(2), "log:\n{log}");
    assert!(log.contains("Message Content intent"), "{log}");
}

/// When no shard can connect for a while, the log says so as an error (and the bot goes
/// on trying) rather than retrying in silence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_gateway_is_reported_as_an_error() {
    let fake = FakeDiscord::start().await;
    let bot = BotProcess::start(&fake, BotSettings::default());
    assert!(fake.wait_for_ready(WAIT).await, "{}", bot.log());
    drop(fake);
    assert!(
        bot.wait_for_log(
            "Discord's gateway cannot be reached",
            Duration::from_secs(60)
        )
        .await,
        "{}",
        bot.log()
    );
    assert!(bot.log().contains("ERROR"), "{}", bot.log());
}
