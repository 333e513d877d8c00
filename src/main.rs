//! The `ktriage` command line: parse arguments and hand over to the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ktriage::run::{Options, run};
use ktriage_sim::run::{SimOptions, start};
use ktriage_sim::scenario::Scale;

#[derive(Parser, Debug)]
#[command(
    name = "ktriage",
    version,
    about = "Triage Kubernetes workloads from the terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).
    #[arg(long, global = true)]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to start in.
    #[arg(long)]
    context: Option<String>,
    /// The namespace to start in.
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Start with every namespace.
    #[arg(short = 'A', long)]
    all_namespaces: bool,
    /// Act as this user (impersonation).
    #[arg(long = "as")]
    as_user: Option<String>,
    /// Act as a member of this group (impersonation; repeatable).
    #[arg(long = "as-group")]
    as_group: Vec<String>,
    /// Refuse every action that would change the cluster.
    #[arg(long)]
    read_only: bool,
    /// Run against the built-in simulated cluster.
    #[arg(long)]
    demo: bool,
    /// Draw without colours (also: NO_COLOR).
    #[arg(long)]
    no_color: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the simulated Kubernetes API server.
    Sim(SimArgs),
    /// Print the restart history of a pod or a workload, from the store
    /// (the cluster is not asked).
    History(HistoryArgs),
}

#[derive(Args, Debug)]
struct HistoryArgs {
    /// A pod, or a workload: deploy/NAME, sts/NAME, ds/NAME, job/NAME.
    subject: String,
    /// The kubeconfig context whose cluster to read (default: the current one).
    #[arg(long)]
    context: Option<String>,
    /// The namespace (default: the context's).
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// How far back: 30m, 24h, 7d.
    #[arg(long, default_value = "30d")]
    since: String,
    /// table or json.
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
}

#[derive(Args, Debug)]
struct SimArgs {
    /// Scenario file (default: the built-in demo scenario).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Write a kubeconfig with one context per scenario user.
    #[arg(long)]
    kubeconfig_out: Option<PathBuf>,
    /// Generate this many pods (with --namespaces and --nodes).
    #[arg(long)]
    pods: Option<u32>,
    #[arg(long, default_value_t = 10)]
    namespaces: u32,
    #[arg(long, default_value_t = 10)]
    nodes: u32,
    /// Generated bulk never changes (no crash-looping deployments).
    #[arg(long)]
    steady: bool,
    /// Run the cluster's clock this many times faster.
    #[arg(long)]
    speed: Option<f64>,
    /// Events expire this many seconds of cluster time after their last
    /// write (the apiserver's --event-ttl; default 3600).
    #[arg(long)]
    event_ttl: Option<f64>,
    /// Cut watch streams this often (seconds).
    #[arg(long)]
    drop_watches_every: Option<f64>,
    /// Cut following log streams this often (seconds).
    #[arg(long)]
    drop_log_streams_every: Option<f64>,
    /// Answer every Nth request with 429 and Retry-After.
    #[arg(long)]
    throttle_every: Option<u64>,
    /// Answer every Nth request with 500.
    #[arg(long)]
    error_every: Option<u64>,
    /// Add this many milliseconds to every request.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Tokens stop working this many seconds after start.
    #[arg(long)]
    tokens_expire_after: Option<u64>,
}

/// mimalloc returns freed memory to the system promptly: a 50,000-pod list
/// leaves far less resident memory behind than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ktriage: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Some(Command::Sim(args)) => runtime.block_on(sim(args)),
        Some(Command::History(args)) => runtime.block_on(history(args, cli.kubeconfig)),
        None => {
            let options = Options {
                kubeconfig: cli.kubeconfig,
                context: cli.context,
                namespace: cli.namespace,
                all_namespaces: cli.all_namespaces,
                impersonate_user: cli.as_user,
                impersonate_groups: cli.as_group,
                read_only: cli.read_only,
                demo: cli.demo,
                no_color: cli.no_color,
            };
            match runtime.block_on(run(options)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("ktriage: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn history(args: HistoryArgs, kubeconfig: Option<PathBuf>) -> ExitCode {
    use ktriage::run::history_command::{HistoryOptions, Output};
    let output = match args.output.as_str() {
        "table" => Output::Table,
        "json" => Output::Json,
        other => {
            eprintln!("ktriage history: -o takes table or json, not {other:?}");
            return ExitCode::FAILURE;
        }
    };
    let options = HistoryOptions {
        kubeconfig,
        context: args.context,
        namespace: args.namespace,
        subject: args.subject,
        since: args.since,
        output,
    };
    match ktriage::run::history_command::history(options).await {
        Ok(text) => {
            // The history is this command's output.
            #[allow(clippy::print_stdout)]
            {
                print!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("ktriage history: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn sim(args: SimArgs) -> ExitCode {
    let options = SimOptions {
        scenario: args.scenario,
        listen: Some(args.listen),
        kubeconfig_out: args.kubeconfig_out.clone(),
        scale: args.pods.map(|pods| Scale {
            pods,
            namespaces: args.namespaces,
            nodes: args.nodes,
            crash_loop_every: (!args.steady).then_some(50),
        }),
        speed: args.speed,
        event_ttl_seconds: args.event_ttl,
        drop_watches_every_seconds: args.drop_watches_every,
        drop_log_streams_every_seconds: args.drop_log_streams_every,
        throttle_every_nth_request: args.throttle_every,
        error_every_nth_request: args.error_every,
        latency_milliseconds: args.latency_ms,
        tokens_expire_after_seconds: args.tokens_expire_after,
    };
    let server = match start(&options).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("ktriage sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    // `ktriage sim` runs without the terminal UI: where it listens is its
    // output, for scripts and people alike.
    #[allow(clippy::print_stdout)]
    {
        println!(
            "ktriage sim: serving the simulated cluster on {}",
            server.url()
        );
        if let Some(path) = &args.kubeconfig_out {
            println!("ktriage sim: kubeconfig written to {}", path.display());
        }
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ktriage sim: {error}");
            ExitCode::FAILURE
        }
    }
}
