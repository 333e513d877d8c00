//! `GET …/pods/{name}/log`: every PodLogOptions parameter, the exact errors
//! the apiserver and kubelet return, and follow streams that end when the
//! container instance ends (or are cut by an injected fault).
//!
//! It must not make log lines; the log store and the kubelet do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::super::logs::LogLine;
use super::super::resources::PODS;
use super::super::status::ApiError;
use super::request::{Query, ResourcePath};
use super::{Shared, bytes_response, stream_cut};

/// The validated options of one log request.
#[derive(Debug, Clone)]
struct Options {
    container: String,
    follow: bool,
    previous: bool,
    since: Option<Timestamp>,
    timestamps: bool,
    tail: Option<usize>,
    limit_bytes: Option<usize>,
}

fn invalid(name: &str, field: &str, message: &str) -> ApiError {
    let full = format!("PodLogOptions \"{name}\" is invalid: {field}: {message}");
    let field_json = if field.is_empty() {
        Value::Null
    } else {
        json!(field)
    };
    ApiError::invalid(
        "",
        "PodLogOptions",
        name,
        full,
        vec![json!({"reason": "FieldValueInvalid", "message": message, "field": field_json})],
    )
}

/// Every container name of a pod, init, regular then ephemeral.
pub fn container_names(pod: &Value) -> (Vec<String>, Vec<String>) {
    let names = |list: &str| -> Vec<String> {
        pod["spec"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_string))
            .collect()
    };
    let regular = names("containers");
    let mut all = names("initContainers");
    all.extend(regular.iter().cloned());
    all.extend(names("ephemeralContainers"));
    (regular, all)
}

/// The container a request means, or the apiserver's error.
pub fn resolve_container(pod: &Value, name: &str, asked: Option<&str>) -> Result<String, ApiError> {
    let (regular, all) = container_names(pod);
    match asked.filter(|c| !c.is_empty()) {
        Some(container) if all.iter().any(|c| c == container) => Ok(container.to_string()),
        Some(container) => Err(ApiError::bad_request(format!(
            "container {container} is not valid for pod {name}"
        ))),
        None if regular.len() == 1 => Ok(regular[0].clone()),
        None if all.is_empty() => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}"
        ))),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            all.join(" ")
        ))),
    }
}

fn options(pod: &Value, name: &str, query: &Query) -> Result<Options, ApiError> {
    let tail = query.integer("tailLines")?;
    let limit = query.integer("limitBytes")?;
    let since_seconds = query.integer("sinceSeconds")?;
    let since_time = query.get("sinceTime").filter(|t| !t.is_empty());
    if tail.is_some_and(|t| t < 0) {
        return Err(invalid(
            name,
            "tailLines",
            "Invalid value: must be greater than or equal to 0",
        ));
    }
    if limit.is_some_and(|l| l < 1) {
        return Err(invalid(
            name,
            "limitBytes",
            "Invalid value: must be greater than 0",
        ));
    }
    if since_seconds.is_some_and(|s| s < 1) {
        return Err(invalid(
            name,
            "sinceSeconds",
            "Invalid value: must be greater than 0",
        ));
    }
    if since_seconds.is_some() && since_time.is_some() {
        return Err(invalid(
            name,
            "",
            "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
        ));
    }
    let since = match (since_seconds, since_time) {
        (Some(seconds), _) => Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_secs(seconds))
            .ok(),
        (_, Some(text)) => Some(text.parse::<Timestamp>().map_err(|_| {
            ApiError::bad_request(format!(
                "parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"
            ))
        })?),
        _ => None,
    };
    Ok(Options {
        container: resolve_container(pod, name, query.get("container"))?,
        follow: query.flag("follow"),
        previous: query.flag("previous"),
        since,
        timestamps: query.flag("timestamps"),
        tail: tail.map(|t| t as usize),
        limit_bytes: limit.map(|l| l as usize),
    })
}

/// A line as the kubelet writes it, with the fixed-width RFC 3339 stamp if asked.
fn render(line: &LogLine, timestamps: bool, out: &mut Vec<u8>) {
    if timestamps {
        // Fixed width, as the kubelet writes it: nine fraction digits, always.
        let stamp = format!(
            "{}.{:09}Z ",
            line.time.strftime("%Y-%m-%dT%H:%M:%S"),
            line.time.subsec_nanosecond()
        );
        out.extend_from_slice(stamp.as_bytes());
    }
    out.extend_from_slice(line.text.as_bytes());
    out.push(b'\n');
}

pub async fn serve(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    query: &Query,
) -> Result<Response, ApiError> {
    let namespace = path.namespace.clone().unwrap_or_default();
    let name = path.name.clone().unwrap_or_default();
    let pod = shared
        .cluster
        .store
        .get(&PODS, &namespace, &name)
        .ok_or_else(|| ApiError::not_found("", "pods", &name))?
        .value()?;
    let options = options(&pod, &name, query)?;
    if pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) {
        return Ok(bytes_response(StatusCode::OK, "text/plain", Bytes::new()));
    }
    let kubelet = &shared.cluster.kubelet;
    let container = &options.container;
    let view = kubelet
        .container_view(&namespace, &name, container)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "container \"{container}\" in pod \"{name}\" is not available"
            ))
        })?;
    let instance = if options.previous {
        view.last_id.clone().ok_or_else(|| {
            ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            ))
        })?
    } else {
        match (&view.current_id, view.waiting_reason.as_deref()) {
            (Some(id), _) => id.clone(),
            (None, Some(reason @ ("ErrImagePull" | "ImagePullBackOff"))) => {
                let why = if reason == "ErrImagePull" {
                    "trying and failing to pull image"
                } else {
                    "image can't be pulled"
                };
                return Err(ApiError::bad_request(format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: {why}"
                )));
            }
            (None, Some(reason)) => {
                return Err(ApiError::bad_request(format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
                )));
            }
            (None, None) => {
                return Err(ApiError::bad_request(format!(
                    "container \"{container}\" in pod \"{name}\" is not available"
                )));
            }
        }
    };
    let read = kubelet
        .logs()
        .read_instance(&namespace, &name, container, &instance, 0, Instant::now())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "container \"{container}\" in pod \"{name}\" is not available"
            ))
        })?;
    let mut lines: Vec<&LogLine> = read
        .lines
        .iter()
        .filter(|line| options.since.is_none_or(|since| line.time >= since))
        .collect();
    if let Some(tail) = options.tail {
        let skip = lines.len().saturating_sub(tail);
        lines.drain(..skip);
    }
    let mut first = Vec::new();
    for line in lines {
        render(line, options.timestamps, &mut first);
    }
    let mut budget = options.limit_bytes.unwrap_or(usize::MAX);
    first.truncate(budget);
    budget -= first.len();
    if !options.follow || read.ended || budget == 0 {
        return Ok(bytes_response(
            StatusCode::OK,
            "text/plain",
            Bytes::from(first),
        ));
    }
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    let shared = shared.clone();
    let cut_after = shared
        .cluster
        .scenario
        .faults
        .drop_log_streams_every_seconds
        .map(Duration::from_secs_f64);
    tokio::spawn(async move {
        if sender.send(Ok(Bytes::from(first))).await.is_err() {
            return;
        }
        let mut generation = shared.generation.subscribe();
        let started = tokio::time::Instant::now();
        let mut next = read.next;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = generation.changed() => {
                    let _ = sender.send(Err(stream_cut())).await;
                    return;
                }
                _ = sender.closed() => return,
            }
            if cut_after.is_some_and(|after| started.elapsed() >= after) {
                let _ = sender.send(Err(stream_cut())).await;
                return;
            }
            let Some(read) = shared.cluster.kubelet.logs().read_instance(
                &namespace,
                &name,
                &options.container,
                &instance,
                next,
                Instant::now(),
            ) else {
                return;
            };
            next = read.next;
            let mut chunk = Vec::new();
            for line in &read.lines {
                render(line, options.timestamps, &mut chunk);
            }
            chunk.truncate(budget);
            budget -= chunk.len();
            if !chunk.is_empty() && sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            if read.ended || budget == 0 {
                return;
            }
        }
    });
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(receiver)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain"),
    );
    Ok(response)
}
