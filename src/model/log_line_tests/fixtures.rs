//! Real logs from clusters (`tests/fixtures/logs/`, see SOURCES.md).

use super::*;

#[test]
fn fixture_docker_compose_keeps_text_and_gets_colours() {
    let lines = fixture_lines("ansi-docker-compose-flask-redis.log");
    assert_eq!(lines.len(), 22);
    for line in &lines {
        assert_inert(line);
        // The erase-line sequence is not a colour: it stays visible.
        assert!(line.text.as_str().starts_with("^[[2K"), "{:?}", line.text);
    }
    let warning = &lines[2];
    assert_eq!(
        warning.text.as_str(),
        "^[[2Kweb-1  | WARNING: This is a development server. Do not use it in a \
         production deployment. Use a production WSGI server instead."
    );
    let start = "^[[2Kweb-1  | ".len() as u16;
    assert_eq!(
        warning.spans,
        [span(
            start,
            warning.text.as_str().len() as u16,
            style(Some(AnsiColor::Red), None, &[Attributes::BOLD])
        )]
    );
    assert_eq!(warning.level, Some(LogLevel::Warn));
    let press = &lines[6];
    assert_eq!(press.text.as_str(), "^[[2Kweb-1  | Press CTRL+C to quit");
    assert_eq!(
        press.spans,
        [span(start, start + 20, fg(AnsiColor::Yellow))]
    );
    let coloured = lines.iter().filter(|line| !line.spans.is_empty()).count();
    assert_eq!(coloured, 2);
}

#[test]
fn fixture_python_traceback_with_ansi_access_lines() {
    let lines = fixture_lines("ansi-python-traceback-previous-container-holmes.txt");
    // The first two lines are the fixture's metadata, not log output.
    let log = &lines[2..];
    let access = log
        .iter()
        .find(|line| line.text.as_str().contains("GET / HTTP/1.1"))
        .expect("an access line");
    assert!(access.text.as_str().ends_with(r#""GET / HTTP/1.1" 200 -"#));
    assert_eq!(access.spans.len(), 1);
    let range = access.spans[0].range();
    assert_eq!(&access.text.as_str()[range], "GET / HTTP/1.1");
    assert_eq!(access.spans[0].style, fg(AnsiColor::White));
    assert_eq!(access.level, Some(LogLevel::Info));
    let levels = |level| log.iter().filter(|line| line.level == Some(level)).count();
    assert_eq!(levels(LogLevel::Error), 1);
    // "   WARNING: This is a development server." and the expired certificate.
    assert_eq!(levels(LogLevel::Warn), 2);
    assert!(levels(LogLevel::Debug) > 10);
    for line in log {
        assert_inert(line);
    }
}

#[test]
fn fixture_bunyan_json_levels() {
    let lines = fixture_lines("json-bunyan-renovate-pod.log");
    let raw = fixture("json-bunyan-renovate-pod.log");
    let levels: Vec<Option<LogLevel>> = lines.iter().map(|line| line.level).collect();
    let expected: Vec<Option<LogLevel>> = raw
        .lines()
        .map(
            |line| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(value) => value["level"].as_u64().and_then(LogLevel::from_number),
                Err(error) => panic!("fixture line is not JSON: {error}"),
            },
        )
        .collect();
    assert_eq!(levels, expected);
    assert_eq!(levels[3], Some(LogLevel::Info));
    assert_eq!(levels[0], Some(LogLevel::Debug));
    for (line, raw) in lines.iter().zip(raw.lines()) {
        assert_eq!(line.text.as_str(), raw);
    }
}

#[test]
fn fixture_logfmt_levels() {
    let levels: Vec<_> = fixture_lines("logfmt-virtual-kubelet.log")
        .iter()
        .map(|line| line.level)
        .collect();
    use LogLevel::{Error, Info, Warn};
    assert_eq!(
        levels,
        [Some(Error), Some(Warn), Some(Info), Some(Info), Some(Error)]
    );
    let fatal = fixture_lines("logrus-fatal-local-path-provisioner-previous.log");
    assert_eq!(fatal[0].level, Some(Error));
    assert_eq!(fatal[1].level, None);
    let alertmanager = fixture_lines("timestamps-alertmanager-logfmt-last50.log");
    assert_eq!(alertmanager[0].level, Some(Info));
    assert_eq!(alertmanager[2].level, Some(Warn));
    assert!(alertmanager.iter().all(|line| line.level.is_some()));
}

#[test]
fn fixture_zap_console_levels() {
    let lines = fixture_lines("go-zap-console-otel-collector-stacktrace.log");
    assert_eq!(lines[0].level, Some(LogLevel::Info));
    assert!(
        lines[0]
            .text
            .as_str()
            .starts_with("2025-04-24T22:09:20.854Z        info    Metrics")
    );
    assert_eq!(lines[1].level, Some(LogLevel::Error));
    // The stack trace lines have no level of their own.
    assert!(lines[2..8].iter().all(|line| line.level.is_none()));
    assert_eq!(lines[8].level, Some(LogLevel::Info));
}

#[test]
fn fixture_go_panic() {
    let lines = fixture_lines("go-panic-goroutine-metrics-server-previous.log");
    assert_eq!(lines[0].level, Some(LogLevel::Error));
    let panic = lines
        .iter()
        .find(|line| line.text.as_str().starts_with("panic: "))
        .expect("a panic line");
    assert_eq!(panic.level, Some(LogLevel::Error));
    let frame = lines.last().expect("a last line");
    assert!(
        frame
            .text
            .as_str()
            .starts_with("        /go/src/sigs.k8s.io/")
    );
    assert_eq!(frame.level, None);
    let errors = lines
        .iter()
        .filter(|line| line.level == Some(LogLevel::Error))
        .count();
    assert_eq!(errors, 2, "usage text must not read as errors");
}
