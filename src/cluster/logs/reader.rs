//! Reading one container's log once: to its end (`read_all`) or following
//! it (`stream_follow`), each line checked against what was already kept.

use futures::io::{AsyncBufRead, AsyncBufReadExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};

use super::Reading;
use super::lines::{Dedup, LineSplitter, ReadLine, Resume};
use crate::protocol::logs::{IncomingLine, LineKind};

/// Read a log that ends (no `follow`) into `out`.
pub(super) async fn read_all(
    api: &Api<Pod>,
    pod: &str,
    params: &LogParams,
    source: u32,
    dedup: &mut Dedup,
    resume: &mut Resume,
    out: &mut Vec<IncomingLine>,
) -> Result<(), kube::Error> {
    let mut params = params.clone();
    params.follow = false;
    let mut reader = std::pin::pin!(api.log_stream(pod, &params).await?);
    let mut splitter = LineSplitter::default();
    let mut read = Vec::new();
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(chunk) => chunk,
            Err(error) => {
                splitter.discard();
                keep(read.drain(..), source, dedup, resume, out);
                return Err(kube::Error::ReadEvents(error));
            }
        };
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter.feed(chunk, &mut read);
        AsyncBufRead::consume(reader.as_mut(), length);
        keep(read.drain(..), source, dedup, resume, out);
    }
    if let Some(last) = splitter.finish() {
        keep(std::iter::once(last), source, dedup, resume, out);
    }
    Ok(())
}

fn keep(
    lines: impl Iterator<Item = ReadLine>,
    source: u32,
    dedup: &mut Dedup,
    resume: &mut Resume,
    out: &mut Vec<IncomingLine>,
) {
    for line in lines {
        if !dedup.admit(line.time) {
            continue;
        }
        resume.kept(line.time);
        out.push(IncomingLine {
            source,
            time: line.time,
            kind: LineKind::Log,
            text: line.text,
            cut: line.cut,
        });
    }
}

/// How a followed stream ended.
pub(super) enum StreamEnd {
    /// The server ended it.
    Closed,
    /// It broke (the reason).
    Broken(String),
}

/// Follow one instance from `resume`, sending lines as they come.
pub(super) async fn stream_follow(
    reading: &Reading,
    pod: &str,
    params: LogParams,
    source: u32,
    resume: &mut Resume,
) -> Result<(StreamEnd, usize), kube::Error> {
    let mut params = params;
    params.follow = true;
    let mut dedup = resume.dedup();
    let mut reader = std::pin::pin!(reading.api.log_stream(pod, &params).await?);
    let mut splitter = LineSplitter::default();
    let mut read = Vec::new();
    let mut count = 0;
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(chunk) => chunk,
            Err(error) => {
                splitter.discard();
                return Ok((StreamEnd::Broken(error.to_string()), count));
            }
        };
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter.feed(chunk, &mut read);
        AsyncBufRead::consume(reader.as_mut(), length);
        let mut out = Vec::with_capacity(read.len());
        keep(read.drain(..), source, &mut dedup, resume, &mut out);
        count += out.len();
        reading.lines(out).await;
    }
    let mut out = Vec::new();
    if let Some(last) = splitter.finish() {
        keep(std::iter::once(last), source, &mut dedup, resume, &mut out);
    }
    count += out.len();
    reading.lines(out).await;
    Ok((StreamEnd::Closed, count))
}
