//! Load benchmark: the real bot (release `jedi-bot run`) against a fake Discord, beside an
//! echo bot (serenity only: it replies with the message's own text) measured the same way
//! in the same run as the floor, i.e. what serenity and the fake cost by themselves.
//!
//! Run with `cargo bench --bench load`. Both bots run as their own processes, each with its
//! own fake Discord, for the whole run. The fakes count requests rather than keep them
//! (`FakeConfig::keep_history`): kept, they grew by hundreds of MB over a run, and that
//! growth cost the fake more CPU for the bot's embed replies than for the echo bot's lines
//! of text, on the cores the bots share with it. The machine's speed drifts (a shared VM),
//! so the two are measured in alternating rounds (echo first in one round, the bot first in
//! the next), and each round compares them under the same conditions. Each round, per bot:
//! - latency: questions one at a time, from dispatch to the reply reaching the fake (p50
//!   and p99);
//! - throughput: bursts of questions all at once, replies per second.
//!
//! The verdict uses the median over rounds of the bot-to-echo ratios, and the bot's peak
//! resident memory (VmHWM) over the whole run. Targets (issue 4): throughput >= 80% of the
//! echo bot's, p99 <= 2x the echo bot's, peak RSS <= 30 MB. The process exits non-zero
//! when one is missed. `LOAD_ROUNDS=N` sets the number of rounds (default 6).

#[path = "../tests/support/fake_discord/mod.rs"]
#[allow(unused_imports)]
mod fake_discord;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fake_discord::{FakeConfig, FakeDiscord, MessageSpec};
use serenity::all::{
    ClientBuilder, Context, CreateMessage, EventHandler, GatewayIntents, HttpBuilder, Message,
};

/// Questions one at a time, per bot and round.
const SEQUENTIAL: usize = 500;
/// Questions in one burst, and bursts per bot and round.
const BURST: usize = 2000;
const BURSTS: usize = 2;
/// Questions each bot answers before the first round.
const WARM_UP: usize = 200;
const DEFAULT_ROUNDS: usize = 6;
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

/// One bot's figures in one round.
#[derive(Debug, Clone, Copy)]
struct Round {
    p50: Duration,
    p99: Duration,
    replies_per_second: f64,
    /// The bot process's CPU time (user + system) per reply during the bursts.
    cpu_per_reply: Duration,
    /// This process's CPU time per reply during the same bursts: the fake Discord's
    /// work for the bot's replies (it shares the machine's cores with the bot).
    fake_cpu_per_reply: Duration,
}

/// CPU time (user + system) a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces):
    // utime and stime are the 12th and 13th of them, in clock ticks.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum());
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
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

/// A bot under test: its process and the fake Discord it is connected to.
struct Subject {
    name: &'static str,
    fake: FakeDiscord,
    process: Running,
    /// Questions sent so far (every one is answered before the next step).
    sent: usize,
}

impl Subject {
    fn send(&self) {
        let content = format!("<@{}> who won the jedi contract?", FakeDiscord::BOT_USER_ID);
        self.fake.send_message(MessageSpec {
            mentions: vec![FakeDiscord::BOT_USER_ID],
            ..MessageSpec::new(FakeDiscord::CHANNEL_ID, FakeDiscord::USER_ID, &content)
        });
    }

    /// Sends `n` questions at once and waits for every reply.
    async fn burst(&mut self, n: usize) -> Duration {
        let start = Instant::now();
        for _ in 0..n {
            self.send();
        }
        self.sent += n;
        assert!(
            self.fake.wait_for_message_posts(self.sent, WAIT).await,
            "{}: a burst went unanswered",
            self.name
        );
        start.elapsed()
    }

    async fn connect_and_warm_up(&mut self) {
        assert!(
            self.fake.wait_for_ready(Duration::from_secs(30)).await,
            "{} did not connect",
            self.name
        );
        self.burst(WARM_UP).await;
    }

    async fn round(&mut self) -> Round {
        let mut latencies = Vec::with_capacity(SEQUENTIAL);
        for _ in 0..SEQUENTIAL {
            latencies.push(self.burst(1).await);
        }
        latencies.sort();
        let mut rates: Vec<f64> = Vec::with_capacity(BURSTS);
        let cpu_before = cpu_time(self.process.0.id());
        let fake_cpu_before = cpu_time(std::process::id());
        for _ in 0..BURSTS {
            rates.push(BURST as f64 / self.burst(BURST).await.as_secs_f64());
        }
        let cpu = cpu_time(self.process.0.id()).saturating_sub(cpu_before);
        let fake_cpu = cpu_time(std::process::id()).saturating_sub(fake_cpu_before);
        Round {
            p50: percentile(&latencies, 0.5),
            p99: percentile(&latencies, 0.99),
            replies_per_second: median(rates),
            cpu_per_reply: cpu / (BURSTS * BURST) as u32,
            fake_cpu_per_reply: fake_cpu / (BURSTS * BURST) as u32,
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// A fake Discord for a long run: it counts requests instead of keeping them (see
/// `FakeConfig::keep_history`), so its heap does not grow with each reply.
async fn load_fake() -> FakeDiscord {
    FakeDiscord::start_with(FakeConfig {
        keep_history: false,
        ..FakeConfig::default()
    })
    .await
}

async fn echo_subject() -> Subject {
    let fake = load_fake().await;
    let process = Running(
        Command::new(std::env::current_exe().unwrap())
            .args(["--echo-bot", &fake.proxy_url()])
            .stdout(Stdio::null())
            .spawn()
            .expect("echo bot starts"),
    );
    Subject {
        name: "echo",
        fake,
        process,
        sent: 0,
    }
}

async fn bot_subject(config_dir: &std::path::Path) -> Subject {
    let fake = load_fake().await;
    let config = config_dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            // Room for a whole burst: the benchmark measures answering, not dropping.
            "[discord]\nproxy_url = {:?}\nguild_id = {}\nmax_backlog_per_channel = 10000\n\
             max_backlog = 10000\n[replies]\ncooldown_seconds = 0\n\
             [logging]\nlevel = \"warn\"\nunanswered_log = \"\"\n",
            fake.proxy_url(),
            FakeDiscord::GUILD_ID
        ),
    )
    .unwrap();
    // BOT_WRAPPER (e.g. "valgrind --tool=massif") runs the bot under a profiler, and
    // BOT_ENV=NAME=VALUE sets one variable in its environment.
    let wrapper = std::env::var("BOT_WRAPPER").unwrap_or_default();
    let mut command = match wrapper.split_whitespace().collect::<Vec<_>>().split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(env!("CARGO_BIN_EXE_jedi-bot"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_jedi-bot")),
    };
    if let Some((name, value)) = std::env::var("BOT_ENV")
        .ok()
        .as_deref()
        .and_then(|v| v.split_once('='))
    {
        command.env(name, value);
    }
    let process = Running(
        command
            .args(["run", "--config"])
            .arg(&config)
            .env("DISCORD_TOKEN", "bench-token.not-a-real-one")
            .stdout(Stdio::null())
            .spawn()
            .expect("jedi-bot starts"),
    );
    Subject {
        name: "jedi-bot",
        fake,
        process,
        sent: 0,
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
    let rounds: usize = std::env::var("LOAD_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_ROUNDS);
    // The fakes run on their own runtime thread, as Discord would be elsewhere.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config_dir = tempfile::tempdir().unwrap();
    let (results, bot_peak_rss_kb) = runtime.block_on(async {
        let mut echo = echo_subject().await;
        let mut bot = bot_subject(config_dir.path()).await;
        echo.connect_and_warm_up().await;
        bot.connect_and_warm_up().await;
        let mut results = Vec::with_capacity(rounds);
        for round in 0..rounds {
            // Alternate which goes first, so neither always meets the same conditions.
            let (echo_round, bot_round) = if round % 2 == 0 {
                let e = echo.round().await;
                (e, bot.round().await)
            } else {
                let b = bot.round().await;
                (echo.round().await, b)
            };
            results.push((echo_round, bot_round));
        }
        (results, peak_rss_kb(bot.process.0.id()))
    });
    report(&results, bot_peak_rss_kb);
}

fn report(results: &[(Round, Round)], peak_rss_kb: u64) {
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
    println!(
        "load: {} rounds; each round, per bot, {SEQUENTIAL} questions one at a time and \
         {BURSTS} bursts of {BURST}; release build",
        results.len()
    );
    println!(
        "{:<7} {:<10} {:>11} {:>11} {:>11} {:>9} {:>10} {:>12} {:>10}",
        "round",
        "bot",
        "replies/s",
        "p50",
        "p99",
        "CPU/reply",
        "fake CPU",
        "throughput",
        "p99 ratio"
    );
    let mut throughput = Vec::new();
    let mut p99 = Vec::new();
    for (i, (echo, bot)) in results.iter().enumerate() {
        let t = bot.replies_per_second / echo.replies_per_second;
        let p = bot.p99.as_secs_f64() / echo.p99.as_secs_f64();
        throughput.push(t);
        p99.push(p);
        for (name, m) in [("echo", echo), ("jedi-bot", bot)] {
            let ratios = if name == "echo" {
                String::new()
            } else {
                format!("{:>11.0}% {:>9.2}x", t * 100.0, p)
            };
            println!(
                "{:<7} {name:<10} {:>11.0} {:>11} {:>11} {:>6.0} µs {:>7.0} µs {ratios}",
                i + 1,
                m.replies_per_second,
                ms(m.p50),
                ms(m.p99),
                m.cpu_per_reply.as_secs_f64() * 1e6,
                m.fake_cpu_per_reply.as_secs_f64() * 1e6,
            );
        }
    }
    let throughput = median(throughput);
    let p99 = median(p99);
    let rss_mb = peak_rss_kb as f64 / 1024.0;
    println!(
        "median over rounds: throughput {:.0}% of echo (target >= 80%), p99 {:.2}x echo \
         (target <= 2x); the bot's peak RSS {rss_mb:.1} MB (target <= 30 MB)",
        throughput * 100.0,
        p99
    );
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
