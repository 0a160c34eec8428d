//! The command line, run as a user runs it: the built binary.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{data_dir, jedi_bot};

#[test]
fn ask_answers_with_the_excerpt_and_the_credit() {
    jedi_bot()
        .args(["ask", "Who won the JEDI contract?"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Microsoft"))
        .stdout(predicate::str::contains(
            "> Microsoft was selected the vendor",
        ))
        .stdout(predicate::str::contains("CRN"));
}

#[test]
fn ask_declines_off_topic_with_exit_1() {
    jedi_bot()
        .args(["ask", "what's the weather like in Paris tomorrow"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("can't answer"));
}

#[test]
fn ask_json_has_exactly_the_documented_keys() {
    let output = jedi_bot()
        .args(["ask", "--json", "how much is the jedi contract worth"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "answer",
            "answered",
            "explanation",
            "id",
            "question",
            "reason",
            "score",
            "sources",
            "suggestions"
        ]
    );
    assert_eq!(value["answered"], true);
    assert!(value["answer"].as_str().unwrap().contains("$10 billion"));
    assert!(value["reason"].is_null());
    assert!(value["score"].as_f64().unwrap() > 0.0);
    assert!(!value["sources"].as_array().unwrap().is_empty());
}

#[test]
fn stdin_questions_are_answered_one_json_line_each_in_order() {
    let output = jedi_bot()
        .args(["ask", "--json"])
        .write_stdin(
            "who won jedi contract\n\nhow do I bake bread\r\nwhen was the jedi contract awarded\n",
        )
        .output()
        .unwrap();
    // One question was not answered: exit 1.
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "blank lines are skipped");
    assert_eq!(lines[0]["answered"], true);
    assert_eq!(lines[1]["answered"], false);
    assert_eq!(lines[1]["question"], "how do I bake bread");
    assert!(lines[1]["reason"].is_string());
    assert_eq!(lines[2]["answered"], true);
}

#[test]
fn stdin_with_every_question_answered_exits_0() {
    jedi_bot()
        .args(["ask"])
        .write_stdin("who won jedi contract\n")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Microsoft"));
}

#[test]
fn a_bad_threshold_is_an_error_with_exit_2() {
    jedi_bot()
        .args(["ask", "--threshold", "3", "who won"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("answer must be between 0 and 1"));
}

#[test]
fn check_passes_on_the_repository_data() {
    jedi_bot()
        .args(["check", "--data"])
        .arg(data_dir())
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("ok: ").and(predicate::str::contains("entries")));
    jedi_bot().arg("check").assert().code(0);
}

#[test]
fn timeline_is_in_order_and_filters_by_year() {
    let all = jedi_bot().arg("timeline").output().unwrap();
    let text = String::from_utf8(all.stdout).unwrap();
    let first = text.find("October 2018").expect("the 2018 protest");
    let award = text.find("October 2019").expect("the award");
    assert!(first < award);
    let later = jedi_bot()
        .args(["timeline", "--from", "2019"])
        .output()
        .unwrap();
    let later = String::from_utf8(later.stdout).unwrap();
    assert!(!later.contains("October 2018"));
    assert!(later.contains("October 2019"));
}

#[test]
fn quote_finds_by_speaker_and_by_words() {
    jedi_bot()
        .args(["quote", "brad smith"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "machines have started a war\u{201D}",
        ))
        .stdout(predicate::str::contains(
            "\u{2014} Brad Smith (Microsoft President)",
        ));
    jedi_bot()
        .args(["quote", "withdraw from the conversation"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("tech sector"));
    jedi_bot().args(["quote", "zebras"]).assert().code(1);
}

#[test]
fn export_is_the_whole_knowledge_base_as_json() {
    let output = jedi_bot().arg("export").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let entries = value["entries"].as_array().unwrap();
    assert!(entries.len() >= 30);
    for entry in entries {
        for key in ["id", "questions", "answer", "sources"] {
            assert!(!entry[key].is_null(), "{key} in {entry}");
        }
    }
    assert!(!value["timeline"].as_array().unwrap().is_empty());
    assert!(!value["quotes"].as_array().unwrap().is_empty());
}

#[test]
fn eval_prints_the_scores_and_failures() {
    let set = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        set.path(),
        "{\"q\": \"who won the jedi contract\", \"must\": [\"microsoft\"]}\n\
         {\"q\": \"who won the jedi contract\", \"must\": [\"zzz\"]}\n\
         {\"q\": \"how do i bake bread\", \"none\": true}\n",
    )
    .unwrap();
    jedi_bot()
        .args(["eval"])
        .arg(set.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("on-topic: 2 questions, correct 1"))
        .stdout(predicate::str::contains("wrong 1"))
        .stdout(predicate::str::contains(
            "off-topic: 1 questions, declined 1",
        ))
        .stdout(predicate::str::contains("[Wrong]"));
}

#[test]
fn a_missing_data_directory_is_reported_and_refused() {
    jedi_bot()
        .args(["ask", "--data", "/no/such/dir", "who won"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/no/such/dir: not a data directory",
        ))
        .stderr(predicate::str::contains("qa.toml").not());
}

#[test]
fn run_without_a_config_or_token_explains_and_exits_2() {
    // With the token in the environment the file is not needed: the bot starts (and,
    // with no Discord reachable here, is stopped by the test's timeout) rather than
    // refusing for lack of a config file.
    let dir = tempfile::tempdir().unwrap();
    let output = jedi_bot()
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", "MTIz.test.token-for-a-run-without-a-file")
        .env("RUST_LOG", "off")
        .arg("run")
        .timeout(std::time::Duration::from_secs(2))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("cannot read config.toml"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    jedi_bot()
        .current_dir(dir.path())
        .arg("run")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read config.toml"));
    std::fs::write(dir.path().join("config.toml"), "[discord]\n").unwrap();
    jedi_bot()
        .current_dir(dir.path())
        .arg("run")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DISCORD_TOKEN"));
    std::fs::write(dir.path().join("config.toml"), "[discord]\nshards = 3\n").unwrap();
    jedi_bot()
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", "abc.def")
        .arg("run")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.toml:2:10"));
}

#[test]
fn unanswered_summarises_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(
        &log,
        "{\"time\":\"2026-01-01T00:00:00Z\",\"question\":\"q1\",\"outcome\":\"off_topic\",\"candidates\":[]}\n",
    )
    .unwrap();
    jedi_bot()
        .args(["unanswered", "--log"])
        .arg(&log)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 logged questions"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `jedi-bot export | head -c 10`: the reader goes away early.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jedi-bot"))
        .arg("export")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buffer = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut buffer).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn ask_json_keeps_what_text_mode_says_for_a_question_not_answered() {
    let output = jedi_bot()
        .args(["ask", "--json", "how many employees protested jedi?"])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["answered"], false, "{value}");
    assert_eq!(value["id"], Value::Null);
    let explanation = value["explanation"].as_str().unwrap();
    assert!(explanation.contains("doesn't say"), "{explanation}");
}

#[test]
fn ask_on_standard_input_heads_each_answer_with_its_question() {
    jedi_bot()
        .args(["ask"])
        .write_stdin("who won jedi?\nwhen was jedi awarded?\n")
        .assert()
        .stdout(predicate::str::contains("> who won jedi?\n"))
        .stdout(predicate::str::contains("> when was jedi awarded?\n"));
}

#[test]
fn eval_refuses_a_set_with_no_questions() {
    let set = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(set.path(), "\n\n").unwrap();
    jedi_bot()
        .args(["eval"])
        .arg(set.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no questions in the file"));
}

#[test]
fn an_answer_opens_with_yes_only_for_a_yes_no_question() {
    let answer = |question: &str| -> String {
        let output = jedi_bot()
            .args(["ask", "--json", question])
            .output()
            .unwrap();
        let value: Value = serde_json::from_slice(&output.stdout).unwrap();
        value["answer"].as_str().unwrap_or_default().to_string()
    };
    assert!(answer("did amazon sue?").starts_with("Yes"));
    assert!(!answer("what is the rfp").starts_with("Yes"));
    assert!(!answer("did amazon win the lawsuit").starts_with("Yes"));
}

#[test]
fn eval_can_cut_each_entry_to_its_first_phrasings() {
    let set = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        set.path(),
        "{\"q\": \"who won the jedi contract\", \"must\": [\"microsoft\"]}\n",
    )
    .unwrap();
    jedi_bot()
        .args(["eval", "--phrasings", "1"])
        .arg(set.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("on-topic: 1 questions"));
}

#[test]
fn eval_says_once_that_a_file_is_missing() {
    let output = jedi_bot()
        .args(["eval", "/no/such/set.jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

#[test]
fn timeline_refuses_from_after_to() {
    jedi_bot()
        .args(["timeline", "--from", "2019", "--to", "2018"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from 2019 is after --to 2018"));
}

#[test]
fn quotes_name_their_speaker_once_and_paraphrases_are_not_in_quotation_marks() {
    let output = jedi_bot().args(["quote"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains(", The company"), "{text}");
    assert!(!text.contains(") ("), "{text}");
    for block in text.split("\n\n") {
        if block.starts_with("As the article puts it") {
            assert!(
                !block.lines().next().unwrap().contains('\u{201C}'),
                "{block}"
            );
        }
    }
    assert!(
        text.contains("As the article puts it: Microsoft declined to comment"),
        "{text}"
    );
}

#[test]
fn config_errors_name_the_line_and_the_key_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[discord]\ntoken = \"a.b.c\"\n\n[engine]\nanswer_threshold = 2.0\n",
    )
    .unwrap();
    jedi_bot()
        .args(["run", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "config.toml:5: engine.answer_threshold: answer_threshold must be between 0 and 1",
        ));
    std::fs::write(&config, "[discord]\ntoken = \"Bot MTIz.abc.def\"\n").unwrap();
    let output = jedi_bot()
        .args(["run", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("without that prefix"), "{stderr}");
    assert!(
        !stderr.contains("MTIz.abc.def"),
        "the token was echoed: {stderr}"
    );
    std::fs::write(
        &config,
        "[discord]\ntoken = \"a.b.c\"\nproxy_url = \"MTIz.secret.value\"\n",
    )
    .unwrap();
    let output = jedi_bot()
        .args(["run", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("config.toml:3: discord.proxy_url"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("MTIz.secret.value"),
        "a secret-looking value was echoed: {stderr}"
    );
}

#[test]
fn eval_lists_the_first_failures_and_all_of_them_with_verbose() {
    let set = tempfile::NamedTempFile::new().unwrap();
    let line = "{\"q\": \"who won the jedi contract\", \"must\": [\"zzz\"]}\n";
    std::fs::write(set.path(), line.repeat(45)).unwrap();
    let eval = |options: &[&str]| {
        let output = jedi_bot()
            .arg("eval")
            .args(options)
            .arg(set.path())
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let short = eval(&[]);
    assert!(short.contains("... and 5 more (use --verbose)"), "{short}");
    let long = eval(&["-v"]);
    assert_eq!(long.matches("[Wrong]").count(), 45, "{long}");
    // A held-out set's scores, without its failures.
    let scores = eval(&["--scores"]);
    assert!(scores.contains("wrong 45 (100.0%)"), "{scores}");
    assert!(!scores.contains("failures"), "{scores}");
    assert!(!scores.contains("who won"), "{scores}");
}

/// On a terminal, `ask` with no question says what to do instead of waiting silently.
#[test]
fn ask_on_a_terminal_prompts_for_questions() {
    // `script` (util-linux) runs the command on a pseudo-terminal.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here: the terminal case is not exercised");
        return;
    }
    let binary = assert_cmd::cargo::cargo_bin("jedi-bot");
    let output = std::process::Command::new("script")
        .args(["-qec", &format!("{} ask", binary.display()), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"who won the jedi contract?\n\x04")?;
            drop(stdin);
            child.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Type a question and press Enter"), "{text}");
    assert!(text.contains("Microsoft"), "{text}");
}

/// The systemd unit in `docs/deploy/` is valid: `systemd-analyze verify` finds nothing
/// to say about it (with the built binary in place of the installed one).
#[test]
fn the_systemd_unit_verifies() {
    if std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no systemd-analyze here: the unit is not verified");
        return;
    }
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy/jedi-bot.service"),
    )
    .unwrap();
    let binary = assert_cmd::cargo::cargo_bin("jedi-bot");
    let unit = unit
        .replace("/usr/local/bin/jedi-bot", &binary.display().to_string())
        // The token file is the installer's to write.
        .replace("EnvironmentFile=/etc", "EnvironmentFile=-/etc");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jedi-bot.service");
    std::fs::write(&path, unit).unwrap();
    let output = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && said.trim().is_empty(), "{said}");
}

/// The picture `jedi-bot timeline --png` writes: a PNG of the picture's width, the same
/// bytes every time, other bytes when an event changes.
#[test]
fn timeline_png_writes_the_same_picture_and_follows_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.png");
    let second = dir.path().join("b.png");
    for path in [&first, &second] {
        jedi_bot()
            .args(["timeline", "--png"])
            .arg(path)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("12 events"));
    }
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes, std::fs::read(&second).unwrap());
    assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
    let picture = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    assert_eq!(picture.width(), jedi_bot::picture::WIDTH);
    let kb = jedi_bot::data::embedded().unwrap();
    let layout = jedi_bot::picture::layout(&kb.timeline_between(None, None));
    assert_eq!(picture.height(), layout.height);

    let data = crate::support::data_copy();
    let timeline = data.path().join("timeline.toml");
    let text = std::fs::read_to_string(&timeline).unwrap();
    std::fs::write(
        &timeline,
        text.replace(
            "label = \"Pentagon amends its RFP\"",
            "label = \"The RFP is amended\"",
        ),
    )
    .unwrap();
    let changed = dir.path().join("c.png");
    jedi_bot()
        .args(["timeline", "--png"])
        .arg(&changed)
        .arg("--data")
        .arg(data.path())
        .assert()
        .code(0);
    assert_ne!(bytes, std::fs::read(&changed).unwrap());

    let none = dir.path().join("none.png");
    jedi_bot()
        .args(["timeline", "--to", "2000", "--png"])
        .arg(&none)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No events"));
    assert!(!none.exists());
}

/// The allocator's settings (one arena, freed pages returned at once) are what keep the
/// bot's peak memory under bursts in bounds (docs/operations.md, memory): the binary
/// must carry them, not only the source. jemalloc prints the settings it runs with at
/// exit when asked to through its environment variable.
#[cfg(not(target_env = "msvc"))]
#[test]
fn the_binary_runs_jemalloc_with_one_arena_and_immediate_return() {
    let output = jedi_bot()
        .args(["ask", "Who won the JEDI contract?"])
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .unwrap();
    let stats = String::from_utf8_lossy(&output.stderr);
    for setting in [
        "opt.narenas: 1\n",
        "opt.dirty_decay_ms: 0 ",
        "opt.muzzy_decay_ms: 0 ",
    ] {
        assert!(stats.contains(setting), "no {setting:?} in:\n{stats}");
    }
}
