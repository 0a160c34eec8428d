//! Load benchmark: the real bot (release `jedi-bot run`) against a fake Discord, beside an
//! echo bot (serenity only: it replies with the message's own text) measured the same way
//! in the same run as the floor, i.e. what serenity and the fake cost by themselves.
//!
//! Run with `cargo bench --bench load`. For each bot, as its own process:
//! - latency: 1000 questions one at a time, from dispatch to the reply reaching the fake
//!   (p50 and p99);
//! - throughput: bursts of 2000 questions at once, replies per second;
//! - the bot's peak resident memory (VmHWM).
//!
//! Targets (issue 4): throughput >= 80% of the echo bot's, p99 <= 2x the echo bot's, peak
//! RSS <= 30 MB. The process exits non-zero when one is missed.

#[path = "../tests/support/fake_discord/mod.rs"]
#[allow(unused_imports)]
mod fake_discord;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fake_discord::{FakeDiscord, MessageSpec};
use serenity::all::{
    ClientBuilder, Context, CreateMessage, EventHandler, GatewayIntents, HttpBuilder, Message,
};

const SEQUENTIAL: usize = 1000;
// (Smaller runs for profiling: LOAD_SMALL=1.)
const BURST: usize = 2000;
const BURSTS: usize = 3;
const WARM_UP: usize = 200;
const WAIT: Duration = Duration::from_secs(120);

struct Echo;

#[serenity::async_trait]
impl EventHandler for Echo {
    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot || msg.webhook_id.is_some() {
            return;
        }
        let reply = CreateMessage::new().content(msg.content.clone());
        if let Err(error) = msg.channel_id.send_message(&ctx.http, reply).await {
            eprintln!("echo: {error}");
        }
    }
}

/// `load --echo-bot URL`: the echo bot, as its own process.
fn echo_bot(proxy: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let http = HttpBuilder::new("echo-token")
            .proxy(proxy)
            .ratelimiter_disabled(true)
            .build();
        let intents = GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::DIRECT_MESSAGES
            | GatewayIntents::MESSAGE_CONTENT;
        let mut client = ClientBuilder::new_with_http(http, intents)
            .event_handler(Echo)
            .await
            .expect("client");
        client.start().await.expect("echo bot runs");
    });
}

#[derive(Debug)]
struct Measured {
    p50: Duration,
    p99: Duration,
    replies_per_second: f64,
    peak_rss_kb: u64,
}

fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        // SIGTERM first, so the bot (or a profiler around it) shuts down cleanly.
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        for _ in 0..200 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn measure(fake: &FakeDiscord, child: &Running, content: &str) -> Measured {
    assert!(
        fake.wait_for_ready(Duration::from_secs(30)).await,
        "the bot did not connect"
    );
    let send = || {
        fake.send_message(MessageSpec {
            mentions: vec![FakeDiscord::BOT_USER_ID],
            ..MessageSpec::new(FakeDiscord::CHANNEL_ID, FakeDiscord::USER_ID, content)
        })
    };
    let mut sent = 0;
    for _ in 0..WARM_UP {
        send();
        sent += 1;
    }
    assert!(
        fake.wait_for_message_posts(sent, WAIT).await,
        "warm-up unanswered"
    );

    let mut latencies = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        let start = Instant::now();
        send();
        sent += 1;
        assert!(
            fake.wait_for_message_posts(sent, WAIT).await,
            "a question went unanswered"
        );
        latencies.push(start.elapsed());
    }
    latencies.sort();

    let mut rates = Vec::new();
    for _ in 0..BURSTS {
        let start = Instant::now();
        for _ in 0..BURST {
            send();
        }
        sent += BURST;
        assert!(
            fake.wait_for_message_posts(sent, WAIT).await,
            "a burst went unanswered"
        );
        rates.push(BURST as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    Measured {
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
        replies_per_second: rates[rates.len() / 2],
        peak_rss_kb: peak_rss_kb(child.0.id()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--echo-bot") {
        echo_bot(&args[i + 1]);
        return;
    }
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes: nothing to list or test here.
    }
    // The fake runs on its own runtime thread, as Discord would be elsewhere.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let question = format!("<@{}> who won the jedi contract?", FakeDiscord::BOT_USER_ID);

        let only_bot = std::env::args().any(|a| a == "--only-bot");
        let fake = FakeDiscord::start().await;
        let echo = Running(
            Command::new(std::env::current_exe().unwrap())
                .args(["--echo-bot", &fake.proxy_url()])
                .stdout(Stdio::null())
                .spawn()
                .expect("echo bot starts"),
        );
        let echo_result = if only_bot {
            Measured { p50: Duration::from_millis(1), p99: Duration::from_millis(1), replies_per_second: 1.0, peak_rss_kb: 0 }
        } else {
            measure(&fake, &echo, &question).await
        };
        drop(echo);

        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[discord]\nproxy_url = {:?}\nguild_id = {}\n[replies]\ncooldown_seconds = 0\n[logging]\nlevel = \"warn\"\nunanswered_log = \"\"\n",
                fake.proxy_url(),
                FakeDiscord::GUILD_ID
            ),
        )
        .unwrap();
        // BOT_WRAPPER (e.g. "valgrind --tool=massif") runs the bot under a profiler.
        let wrapper = std::env::var("BOT_WRAPPER").unwrap_or_default();
        let mut command = match wrapper.split_whitespace().collect::<Vec<_>>().split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(env!("CARGO_BIN_EXE_jedi-bot"));
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_jedi-bot")),
        };
        let bot = Running(
            command
                .args(["run", "--config"])
                .arg(&config)
                .env("DISCORD_TOKEN", "bench-token.not-a-real-one")
                .envs(std::env::var("BOT_ENV").ok().and_then(|v| v.split_once('=').map(|(k, v)| vec![(k.to_string(), v.to_string())])).unwrap_or_default())
                .stdout(Stdio::null())
                .spawn()
                .expect("jedi-bot starts"),
        );
        let bot_result = measure(&fake, &bot, &question).await;
        (echo_result, bot_result)
    });
    let (echo, bot) = results;
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
    println!(
        "load: {SEQUENTIAL} questions one at a time, {BURSTS} bursts of {BURST}; release build"
    );
    println!(
        "{:<10} {:>14} {:>12} {:>12} {:>12}",
        "bot", "replies/s", "p50", "p99", "peak RSS"
    );
    for (name, m) in [("echo", &echo), ("jedi-bot", &bot)] {
        println!(
            "{name:<10} {:>14.0} {:>12} {:>12} {:>9.1} MB",
            m.replies_per_second,
            ms(m.p50),
            ms(m.p99),
            m.peak_rss_kb as f64 / 1024.0
        );
    }
    let throughput = bot.replies_per_second / echo.replies_per_second;
    let p99 = bot.p99.as_secs_f64() / echo.p99.as_secs_f64();
    let rss_mb = bot.peak_rss_kb as f64 / 1024.0;
    println!("throughput {:.0}% of echo (target >= 80%), p99 {:.2}x echo (target <= 2x), peak RSS {:.1} MB (target <= 30 MB)", throughput * 100.0, p99, rss_mb);
    let ok = throughput >= 0.8 && p99 <= 2.0 && rss_mb <= 30.0;
    println!(
        "{}",
        if ok {
            "all targets met"
        } else {
            "TARGET MISSED"
        }
    );
    if !ok {
        std::process::exit(1);
    }
}
