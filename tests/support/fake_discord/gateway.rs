//! The gateway: one task per websocket, sessions with sequence numbers, RESUME replay, faults.
//!
//! Delivery rule: every dispatch is logged in the session of the shard it routes to. It goes
//! down the session's socket if one is attached; otherwise it waits. A RESUME replays every
//! logged dispatch with a sequence above the client's; a new IDENTIFY for a shard carries over
//! the dispatches that never reached any socket (and those sent before any session existed).
//! A fault (drop, close, op 7, op 9) detaches the socket from its session at once, so
//! dispatches sent during the gap are queued, never written into a dying socket.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;

use super::payloads;
use super::state::{Conn, Inner, LoggedEvent, Outgoing, PendingEvent, Session, Shared};

/// Accepts websocket connections forever.
pub(super) async fn serve(shared: Arc<Shared>, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((tcp, _)) => {
                let _ = tcp.set_nodelay(true);
                tokio::spawn(run_connection(Arc::clone(&shared), tcp));
            }
            Err(e) => {
                shared.log(format_args!("gateway accept error: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn run_connection(shared: Arc<Shared>, tcp: TcpStream) {
    let config = WebSocketConfig {
        max_message_size: None,
        max_frame_size: None,
        ..Default::default()
    };
    let mut ws = match tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await {
        Ok(ws) => ws,
        Err(e) => {
            shared.log(format_args!("websocket handshake failed: {e}"));
            return;
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn_id = {
        let mut inner = shared.lock();
        inner.next_conn += 1;
        let id = inner.next_conn;
        inner.conns.insert(
            id,
            Conn {
                tx,
                session: None,
                closing: false,
            },
        );
        id
    };
    shared.log(format_args!("conn {conn_id}: connected"));
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": shared.config.heartbeat_interval.as_millis() as u64 } });
    if ws.send(Message::Text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                incoming = ws.next() => match incoming {
                    Some(Ok(Message::Text(text))) => handle_client_text(&shared, conn_id, &text),
                    Some(Ok(Message::Close(frame))) => {
                        shared.log(format_args!("conn {conn_id}: client closed: {frame:?}"));
                    },
                    Some(Ok(_)) => {},
                    Some(Err(e)) => {
                        shared.log(format_args!("conn {conn_id}: read error: {e}"));
                        break;
                    },
                    None => break,
                },
                command = rx.recv() => match command {
                    Some(Outgoing::Text(text)) => {
                        if ws.send(Message::Text(text)).await.is_err() {
                            break;
                        }
                    },
                    Some(Outgoing::Close(code, reason)) => {
                        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                        let _ = ws.send(Message::Close(Some(frame))).await;
                        // Give the client a moment to answer the close, then let go.
                        let _ = tokio::time::timeout(Duration::from_secs(1), async {
                            while let Some(Ok(_)) = ws.next().await {}
                        })
                        .await;
                        break;
                    },
                    Some(Outgoing::Drop) | None => break,
                },
            }
        }
    }
    drop(ws);
    {
        let mut inner = shared.lock();
        if let Some(conn) = inner.conns.remove(&conn_id) {
            if let Some(sid) = conn.session {
                if let Some(session) = inner.sessions.get_mut(&sid) {
                    if session.conn == Some(conn_id) {
                        session.conn = None;
                    }
                }
            }
        }
    }
    shared.log(format_args!("conn {conn_id}: gone"));
    shared.notify();
}

fn handle_client_text(shared: &Shared, conn_id: u64, text: &str) {
    let payload: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            shared.log(format_args!(
                "conn {conn_id}: unparsable payload ({e}): {text}"
            ));
            return;
        }
    };
    let op = payload.get("op").and_then(Value::as_u64);
    let d = payload.get("d").cloned().unwrap_or(Value::Null);
    {
        let mut inner = shared.lock();
        let mut logged = payload.clone();
        if let Some(token) = logged.pointer_mut("/d/token") {
            *token = json!("<redacted>");
        }
        inner.gateway_received.push(logged);
        match op {
            Some(1) => heartbeat(&mut inner, conn_id, &d),
            Some(2) => identify(shared, &mut inner, conn_id, &d),
            Some(6) => resume(shared, &mut inner, conn_id, &d),
            other => shared.log(format_args!("conn {conn_id}: ignoring op {other:?}")),
        }
    }
    shared.notify();
}

fn send_to(inner: &Inner, conn_id: u64, out: Outgoing) -> bool {
    inner
        .conns
        .get(&conn_id)
        .is_some_and(|c| c.tx.send(out).is_ok())
}

fn heartbeat(inner: &mut Inner, conn_id: u64, d: &Value) {
    if !inner.no_heartbeat_ack {
        send_to(inner, conn_id, Outgoing::Text(r#"{"op":11}"#.to_string()));
    }
    // The client has processed everything up to `d`: trim the replay log.
    let Some(seq) = d.as_u64() else { return };
    let Some(sid) = inner.conns.get(&conn_id).and_then(|c| c.session.clone()) else {
        return;
    };
    if let Some(session) = inner.sessions.get_mut(&sid) {
        while session
            .log
            .front()
            .is_some_and(|e| e.seq <= seq && e.written)
        {
            session.log.pop_front();
        }
    }
}

fn identify(shared: &Shared, inner: &mut Inner, conn_id: u64, d: &Value) {
    inner.identify_count += 1;
    if inner.reject_token {
        shared.log(format_args!("conn {conn_id}: IDENTIFY rejected with 4004"));
        if let Some(conn) = inner.conns.get_mut(&conn_id) {
            conn.closing = true;
            let _ = conn
                .tx
                .send(Outgoing::Close(4004, "Authentication failed.".into()));
        }
        return;
    }
    if inner.invalidate_sessions {
        shared.log(format_args!(
            "conn {conn_id}: IDENTIFY answered with op 9 (not resumable)"
        ));
        if let Some(conn) = inner.conns.get(&conn_id) {
            let _ = conn
                .tx
                .send(Outgoing::Text(r#"{"op":9,"d":false}"#.to_string()));
        }
        return;
    }
    let shard = d
        .get("shard")
        .and_then(Value::as_array)
        .and_then(|a| Some([a.first()?.as_u64()?, a.get(1)?.as_u64()?]))
        .filter(|s| s[1] > 0 && s[0] < s[1])
        .unwrap_or([0, 1]);
    inner.shard_total = shard[1];
    inner.next_session += 1;
    let sid = format!("fake-session-{}-{}", inner.next_session, payloads::now_ms());

    // Dispatches nobody has seen yet move to the new session.
    let mut carried: Vec<PendingEvent> = Vec::new();
    if let Some(old_sid) = inner.shard_sessions.insert(shard[0], sid.clone()) {
        if let Some(old) = inner.sessions.remove(&old_sid) {
            carried.extend(
                old.log
                    .into_iter()
                    .filter(|e| !e.written)
                    .map(|e| PendingEvent {
                        t: e.t,
                        d: e.d,
                        guild_id: e.guild_id,
                    }),
            );
            if let Some(c) = old.conn.and_then(|c| inner.conns.get_mut(&c)) {
                c.session = None;
            }
        }
    }
    let pending = std::mem::take(&mut inner.pending);
    for event in pending {
        if route(event.guild_id, shard[1]) == shard[0] {
            carried.push(event);
        } else {
            inner.pending.push(event);
        }
    }

    if let Some(conn) = inner.conns.get_mut(&conn_id) {
        if let Some(previous) = conn.session.replace(sid.clone()) {
            if let Some(s) = inner.sessions.get_mut(&previous) {
                s.conn = None;
            }
        }
    }
    inner.sessions.insert(
        sid.clone(),
        Session {
            shard,
            next_seq: 1,
            log: Default::default(),
            conn: Some(conn_id),
            valid: true,
        },
    );
    let bot = payloads::user(
        super::FakeDiscord::BOT_USER_ID,
        &shared.config.bot_name,
        true,
    );
    let ready = payloads::ready(
        bot,
        &sid,
        &shared.gateway_url,
        shard,
        super::FakeDiscord::APP_ID,
    );
    append(inner, &sid, "READY", ready, None);
    inner.ready_count += 1;
    shared.log(format_args!(
        "conn {conn_id}: IDENTIFY shard {shard:?} -> READY {sid}, {} carried",
        carried.len()
    ));
    for event in carried {
        append(inner, &sid, &event.t, event.d, event.guild_id);
    }
}

fn resume(shared: &Shared, inner: &mut Inner, conn_id: u64, d: &Value) {
    inner.resume_count += 1;
    let sid = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let known = inner.sessions.get(&sid).is_some_and(|s| s.valid);
    if !known {
        shared.log(format_args!(
            "conn {conn_id}: RESUME of unknown/invalid session {sid:?} -> op 9 false"
        ));
        send_to(
            inner,
            conn_id,
            Outgoing::Text(r#"{"op":9,"d":false}"#.to_string()),
        );
        return;
    }
    // Attach this socket; an older socket of the session is detached, not closed.
    let old_conn = inner.sessions.get(&sid).and_then(|s| s.conn);
    if let Some(old) = old_conn.filter(|&c| c != conn_id) {
        if let Some(c) = inner.conns.get_mut(&old) {
            c.session = None;
        }
    }
    if let Some(conn) = inner.conns.get_mut(&conn_id) {
        conn.session = Some(sid.clone());
    }
    let Inner {
        sessions, conns, ..
    } = inner;
    let Some(session) = sessions.get_mut(&sid) else {
        return;
    };
    session.conn = Some(conn_id);
    let tx = conns.get(&conn_id).map(|c| c.tx.clone());
    let mut replayed = 0;
    for event in session.log.iter_mut().filter(|e| e.seq > seq) {
        if let Some(tx) = &tx {
            if tx.send(Outgoing::Text(event.text.clone())).is_ok() {
                event.written = true;
                replayed += 1;
            }
        }
    }
    let last = session.next_seq - 1;
    if let Some(tx) = &tx {
        let _ = tx.send(Outgoing::Text(format!(
            r#"{{"op":0,"s":{last},"t":"RESUMED","d":{{}}}}"#
        )));
    }
    inner.resumed_count += 1;
    shared.log(format_args!(
        "conn {conn_id}: RESUME {sid} from seq {seq}: replayed {replayed}, RESUMED"
    ));
}

/// The shard a guild's events go to.
pub(super) fn route(guild_id: Option<u64>, total: u64) -> u64 {
    match guild_id {
        Some(g) if total > 1 => (g >> 22) % total,
        _ => 0,
    }
}

/// Logs one dispatch in session `sid` and writes it to the session's socket if any.
fn append(inner: &mut Inner, sid: &str, t: &str, d: Value, guild_id: Option<u64>) {
    let Inner {
        sessions, conns, ..
    } = inner;
    let Some(session) = sessions.get_mut(sid) else {
        return;
    };
    let seq = session.next_seq;
    session.next_seq += 1;
    // Written out rather than built with `json!`, which would copy `d` through a serializer.
    let text = format!(r#"{{"op":0,"s":{seq},"t":{},"d":{d}}}"#, Value::from(t));
    let written = session
        .conn
        .and_then(|c| conns.get(&c))
        .is_some_and(|c| !c.closing && c.tx.send(Outgoing::Text(text.clone())).is_ok());
    session.log.push_back(LoggedEvent {
        seq,
        t: t.to_string(),
        d,
        guild_id,
        text,
        written,
    });
}

/// Sends a dispatch to the shard `guild_id` routes to (queued if that shard has no socket).
pub(super) fn dispatch(inner: &mut Inner, t: &str, d: Value, guild_id: Option<u64>) {
    let shard = route(guild_id, inner.shard_total);
    let sid = inner
        .shard_sessions
        .get(&shard)
        .filter(|sid| inner.sessions.get(*sid).is_some_and(|s| s.valid))
        .cloned();
    match sid {
        Some(sid) => append(inner, &sid, t, d, guild_id),
        None => inner.pending.push(PendingEvent {
            t: t.to_string(),
            d,
            guild_id,
        }),
    }
}

/// What a socket-level fault does to the sockets it hits.
pub(super) enum SocketFault {
    Drop,
    Close(u16),
    Reconnect,
    InvalidSession(bool),
    Raw(String),
}

/// Applies a fault to every open socket; returns how many it reached.
pub(super) fn fault(shared: &Shared, what: SocketFault) -> usize {
    let mut inner = shared.lock();
    let mut hit = 0;
    let Inner {
        conns, sessions, ..
    } = &mut *inner;
    for (id, conn) in conns.iter_mut().filter(|(_, c)| !c.closing) {
        let out = match &what {
            SocketFault::Drop => Outgoing::Drop,
            SocketFault::Close(code) => Outgoing::Close(*code, String::new()),
            SocketFault::Reconnect => Outgoing::Text(r#"{"op":7,"d":null}"#.to_string()),
            SocketFault::InvalidSession(resumable) => {
                Outgoing::Text(format!(r#"{{"op":9,"d":{resumable}}}"#))
            }
            SocketFault::Raw(text) => Outgoing::Text(text.clone()),
        };
        if conn.tx.send(out).is_ok() {
            hit += 1;
        }
        if matches!(what, SocketFault::Raw(_)) {
            continue;
        }
        // Every other fault ends this socket's life: new dispatches wait for the next one.
        conn.closing = true;
        if let Some(sid) = conn.session.take() {
            if let Some(session) = sessions.get_mut(&sid) {
                if session.conn == Some(*id) {
                    session.conn = None;
                }
                if matches!(what, SocketFault::InvalidSession(false)) {
                    session.valid = false;
                }
            }
        }
    }
    if matches!(what, SocketFault::InvalidSession(false)) {
        // Dispatches still waiting in an invalidated session go to the next IDENTIFY.
        let invalid: Vec<String> = inner
            .sessions
            .iter()
            .filter(|(_, s)| !s.valid)
            .map(|(k, _)| k.clone())
            .collect();
        for sid in invalid {
            if let Some(session) = inner.sessions.get_mut(&sid) {
                let unwritten: Vec<PendingEvent> = session
                    .log
                    .iter()
                    .filter(|e| !e.written)
                    .map(|e| PendingEvent {
                        t: e.t.clone(),
                        d: e.d.clone(),
                        guild_id: e.guild_id,
                    })
                    .collect();
                session.log.retain(|e| e.written);
                inner.pending.extend(unwritten);
            }
        }
    }
    drop(inner);
    shared.log(format_args!("socket fault reached {hit} connection(s)"));
    shared.notify();
    hit
}
