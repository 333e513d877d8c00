//! Tests of the simulated shell's one-shot commands and interactive sessions.

use super::*;

fn context(image: &str) -> ShellContext {
    ShellContext {
        hostname: "web-1".into(),
        pod: "web-1".into(),
        namespace: "shop".into(),
        container: "app".into(),
        image: image.into(),
        env: vec![("GREETING".into(), "hello world".into())],
        processes: vec![
            (1, "nginx: master process nginx -g daemon off;".into()),
            (7, "nginx: worker process".into()),
        ],
        memory_limit_bytes: Some(134_217_728),
        now: "2026-03-04T05:06:07Z".parse().expect("timestamp"),
    }
}

fn run(image: &str, argv: &[&str]) -> CommandOutput {
    let argv: Vec<String> = argv.iter().map(|word| word.to_string()).collect();
    run_command(&context(image), &argv)
}

fn stdout(output: &CommandOutput) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &CommandOutput) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn script(text: &str) -> CommandOutput {
    run("nginx:1.27", &["sh", "-c", text])
}

#[test]
fn echo_and_exit_codes() {
    let output = run("nginx", &["echo", "hi"]);
    assert_eq!((stdout(&output).as_str(), output.exit_code), ("hi\n", 0));
    let output = script("echo a; exit 3");
    assert_eq!((stdout(&output).as_str(), output.exit_code), ("a\n", 3));
    assert_eq!(run("nginx", &["true"]).exit_code, 0);
    assert_eq!(run("nginx", &["false"]).exit_code, 1);
    assert_eq!(script("exit 256").exit_code, 0);
    assert_eq!(stdout(&script("echo -n a; echo b")), "ab\n");
}

#[test]
fn identity_commands() {
    assert_eq!(stdout(&run("nginx", &["hostname"])), "web-1\n");
    assert_eq!(stdout(&run("nginx", &["whoami"])), "root\n");
    assert_eq!(stdout(&run("nginx", &["pwd"])), "/\n");
    assert_eq!(
        stdout(&run("nginx", &["id"])),
        "uid=0(root) gid=0(root) groups=0(root)\n"
    );
    assert_eq!(
        stdout(&run("nginx", &["uname", "-a"])),
        "Linux web-1 6.8.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
    );
    assert_eq!(stdout(&run("nginx", &["uname"])), "Linux\n");
    assert_eq!(
        stdout(&run("nginx", &["date"])),
        "Wed Mar  4 05:06:07 UTC 2026\n"
    );
    assert_eq!(
        stdout(&run("nginx", &["date", "+%Y-%m-%d"])),
        "2026-03-04\n"
    );
}

#[test]
fn environment_and_processes() {
    let environment = stdout(&run("nginx", &["env"]));
    assert!(environment.starts_with("PATH=/usr/local/sbin:"));
    assert!(environment.contains("HOSTNAME=web-1\n"));
    assert!(environment.contains("GREETING=hello world\n"));
    assert!(environment.ends_with("HOME=/root\n"));
    let processes = stdout(&run("nginx", &["ps"]));
    let lines: Vec<&str> = processes.lines().collect();
    assert_eq!(lines[0], "PID   USER     TIME  COMMAND");
    assert_eq!(
        lines[1],
        "    1 root      0:00 nginx: master process nginx -g daemon off;"
    );
    assert_eq!(lines[3], "    8 root      0:00 ps");
}

#[test]
fn files() {
    let root = stdout(&run("nginx", &["ls"]));
    assert!(root.starts_with("bin\ndev\netc\n"));
    assert_eq!(stdout(&run("nginx", &["cat", "/etc/hostname"])), "web-1\n");
    let status = stdout(&run("nginx", &["cat", "/proc/1/status"]));
    assert!(status.starts_with("Name:\tnginx\n"));
    assert!(status.contains("Pid:\t1\nPPid:\t0\n"));
    let release = stdout(&run("alpine:3.20", &["cat", "/etc/os-release"]));
    assert!(release.contains("ID=alpine"));
    let missing = run("busybox:1.36", &["cat", "/etc/os-release"]);
    assert_eq!(missing.exit_code, 1);
    assert_eq!(
        stderr(&missing),
        "cat: can't open '/etc/os-release': No such file or directory\n"
    );
    let absent = run("nginx", &["ls", "/nope"]);
    assert_eq!(
        (stderr(&absent).as_str(), absent.exit_code),
        ("ls: /nope: No such file or directory\n", 1)
    );
    assert_eq!(
        stdout(&run("nginx", &["cat", "/sys/fs/cgroup/memory.max"])),
        "134217728\n"
    );
    let resolver = stdout(&run("nginx", &["cat", "/etc/resolv.conf"]));
    assert!(resolver.starts_with("search shop.svc.cluster.local "));
    let long = stdout(&run("nginx", &["ls", "-l", "/etc/hostname"]));
    assert_eq!(
        long,
        "-rw-r--r--    1 root     root             6 Mar  4 05:06 /etc/hostname\n"
    );
}

#[test]
fn sleep_returns_at_once_and_checks_its_argument() {
    assert_eq!(run("nginx", &["sleep", "3600"]).exit_code, 0);
    let invalid = run("nginx", &["sleep", "soon"]);
    assert_eq!(stderr(&invalid), "sleep: invalid number 'soon'\n");
    assert_eq!(invalid.exit_code, 1);
}

#[test]
fn unknown_commands() {
    let inside = script("foo");
    assert_eq!(stderr(&inside), "sh: foo: not found\n");
    assert_eq!(inside.exit_code, 127);
    let direct = run("nginx", &["foo"]);
    assert!(stderr(&direct).contains("exec: \"foo\": executable file not found in $PATH"));
    assert_eq!(direct.exit_code, 127);
    let builtin = run("nginx", &["exit", "3"]);
    assert_eq!(builtin.exit_code, 127);
    let bash_inside = run("nginx", &["bash", "-c", "foo"]);
    assert_eq!(stderr(&bash_inside), "bash: foo: command not found\n");
}

#[test]
fn shells_depend_on_the_image() {
    assert!(shell_available("busybox:1.36", "sh"));
    assert!(!shell_available("busybox:1.36", "bash"));
    assert!(!shell_available(
        "docker.io/library/alpine:3.20",
        "/bin/bash"
    ));
    assert!(shell_available("alpine", "ash"));
    assert!(shell_available("nginx:1.27", "/bin/bash"));
    assert!(!shell_available("gcr.io/distroless/static:nonroot", "sh"));
    assert!(!shell_available("nginx", "zsh"));
    let missing = run("busybox", &["bash"]);
    assert!(stderr(&missing).contains("exec: \"bash\": executable file not found"));
    assert_eq!(missing.exit_code, 127);
    assert_eq!(run("gcr.io/distroless/base", &["ls"]).exit_code, 127);
    let nested = run("busybox", &["sh", "-c", "bash -c 'echo no'"]);
    assert_eq!(stderr(&nested), "sh: bash: not found\n");
}

#[test]
fn quoting_and_variables() {
    assert_eq!(
        stdout(&script("echo 'a  b' \"c  d\" e\\ f")),
        "a  b c  d e f\n"
    );
    assert_eq!(stdout(&script("echo \"$GREETING\"")), "hello world\n");
    assert_eq!(stdout(&script("echo '$GREETING'")), "$GREETING\n");
    assert_eq!(stdout(&script("false; echo $?")), "1\n");
    assert_eq!(stdout(&script("X=1; echo ${X}2 $X")), "12 1\n");
    assert_eq!(stdout(&script("echo $UNSET x")), "x\n");
    assert_eq!(stdout(&script("echo \"\" x")), " x\n");
    assert_eq!(stdout(&script("echo a # comment\necho b")), "a\nb\n");
    assert_eq!(stdout(&script("echo \"a\\\"b\" $0")), "a\"b sh\n");
    assert_eq!(stdout(&script("echo ~ ~/x a~")), "/root /root/x a~\n");
    assert_eq!(stdout(&script("X=5 printenv X; printenv X")), "5\n");
}

#[test]
fn conditions_and_state() {
    assert_eq!(stdout(&script("true && echo yes || echo no")), "yes\n");
    assert_eq!(stdout(&script("false && echo yes || echo no")), "no\n");
    assert_eq!(stdout(&script("cd /etc && pwd; cd nowhere")), "/etc\n");
    assert_eq!(
        stderr(&script("cd nowhere")),
        "sh: cd: can't cd to nowhere: No such file or directory\n"
    );
    assert_eq!(stdout(&script("export A=1; sh -c 'echo $A'")), "1\n");
    assert_eq!(stdout(&script("B=1; sh -c 'echo x$B'")), "x\n");
    assert_eq!(stdout(&script("sh -c 'exit 4'; echo $?")), "4\n");
}

#[test]
fn syntax_errors_and_limits() {
    let unterminated = script("echo 'oops");
    assert_eq!(
        stderr(&unterminated),
        "sh: syntax error: unterminated quoted string\n"
    );
    assert_eq!(unterminated.exit_code, 2);
    assert_eq!(script("&& echo").exit_code, 2);
    assert!(stderr(&script("ls | wc")).contains("pipes are not supported"));
    assert_eq!(script("exit nope").exit_code, 2);
    let recursive = script("export S='sh -c \"$S\"'; sh -c \"$S\"");
    assert_eq!(stderr(&recursive), "sh: too many nested shells\n");
    assert_eq!(recursive.exit_code, 2);
    let doubling = format!("X=abcdefgh; {}", "X=$X$X; ".repeat(20));
    let output = script(&doubling);
    assert!(stderr(&output).contains("expansion too long"));
}

fn typed(shell: &mut InteractiveShell, input: &[u8]) -> String {
    String::from_utf8_lossy(&shell.feed(input).output).into_owned()
}

#[test]
fn terminal_session() {
    let mut shell = InteractiveShell::new(context("busybox"), true);
    assert_eq!(shell.start(), b"/ # ");
    assert_eq!(typed(&mut shell, b"echo hi"), "echo hi");
    assert_eq!(typed(&mut shell, b"\r"), "\r\nhi\r\n/ # ");
    assert_eq!(
        typed(&mut shell, b"ech\x7f\x7fcho x\r"),
        "ech\x08 \x08\x08 \x08cho x\r\nx\r\n/ # "
    );
    assert_eq!(typed(&mut shell, b"sleep 100\x03"), "sleep 100^C\r\n/ # ");
    assert_eq!(typed(&mut shell, b"echo $?\r"), "echo $?\r\n130\r\n/ # ");
    assert_eq!(typed(&mut shell, b"cd /etc\r"), "cd /etc\r\n/etc # ");
    assert_eq!(
        typed(&mut shell, b"foo\r"),
        "foo\r\nsh: foo: not found\r\n/etc # "
    );
    let step = shell.feed(b"exit 3\recho never\r");
    assert_eq!(step.output, b"exit 3\r\n");
    assert_eq!(step.exit, Some(3));
    assert_eq!(shell.feed(b"more").exit, Some(3));
}

#[test]
fn terminal_input_in_pieces() {
    let mut shell = InteractiveShell::new(context("busybox"), true);
    shell.start();
    let snowman = "☃".as_bytes();
    let mut echoed = shell.feed(b"echo ").output;
    echoed.extend(shell.feed(&snowman[..1]).output);
    echoed.extend(shell.feed(&snowman[1..]).output);
    assert_eq!(echoed, "echo ☃".as_bytes());
    assert_eq!(typed(&mut shell, b"\x7f"), "\x08 \x08");
    assert_eq!(typed(&mut shell, "世".as_bytes()), "世");
    assert_eq!(typed(&mut shell, b"\x7f"), "\x08\x08  \x08\x08");
    assert_eq!(typed(&mut shell, b"A\x1b[D\x1bOB\r"), "A\r\nA\r\n/ # ");
    assert_eq!(typed(&mut shell, b"echo 'a"), "echo 'a");
    assert_eq!(typed(&mut shell, b"\r"), "\r\n> ");
    assert_eq!(typed(&mut shell, b"b'\r"), "b'\r\na\r\nb\r\n/ # ");
    let step = shell.feed(b"\x04");
    assert_eq!(step.exit, Some(0));
}

#[test]
fn line_length_is_bounded() {
    let mut shell = InteractiveShell::new(context("busybox"), false);
    let step = shell.feed(&vec![b'x'; 200_000]);
    assert!(step.output.is_empty());
    let step = shell.feed(b"\n");
    assert_eq!(
        step.error_output.len(),
        "sh: ".len() + 65_536 + ": not found\n".len()
    );
    let mut terminal = InteractiveShell::new(context("busybox"), true);
    let echoed = terminal.feed(&vec![b'y'; 100_000]).output.len();
    assert_eq!(echoed, 65_536);
}

#[test]
fn session_without_terminal() {
    let mut shell = InteractiveShell::new(context("busybox"), false);
    assert!(shell.start().is_empty());
    let step = shell.feed(b"echo a\nec");
    assert_eq!(step.output, b"a\n");
    let step = shell.feed(b"ho b\nfoo\n");
    assert_eq!(step.output, b"b\n");
    assert_eq!(step.error_output, b"sh: foo: not found\n");
    assert_eq!(step.exit, None);
    let step = shell.feed(b"\x03echo c");
    assert_eq!(step.output, b"");
    let step = shell.close_stdin();
    assert_eq!(step.error_output, b"sh: \x03echo: not found\n");
    assert_eq!(step.exit, Some(127));

    let mut clean = InteractiveShell::new(context("busybox"), false);
    clean.feed(b"true\r\n");
    assert_eq!(clean.close_stdin().exit, Some(0));
    let mut exiting = InteractiveShell::new(context("busybox"), false);
    assert_eq!(exiting.feed(b"exit 5\necho x\n").exit, Some(5));
    assert_eq!(exiting.exit_code(), Some(5));
}
