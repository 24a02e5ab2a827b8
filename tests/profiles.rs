//! Node-agent profiles: CSI node plugins, CNI agents and node monitoring
//! agents keep their privilege findings, lowered to info with the reason,
//! only for the privileges such an agent needs.

mod common;

use common::{kdm, Run};

const AGENTS: &str = "testdata/profiles/agents.yaml";
const CONFIG: &str = "testdata/profiles/kdm.yaml";

fn findings(r: &Run) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    v["findings"].as_array().cloned().unwrap_or_default()
}

/// `line severity rule` of each finding, and the profile's reason where one
/// lowered it.
fn brief(r: &Run) -> String {
    findings(r)
        .iter()
        .map(|f| {
            let help = f["help"].as_str().unwrap_or_default();
            let why = help
                .strip_prefix("required for ")
                .map(|h| format!(" <- {h}"))
                .unwrap_or_default();
            format!(
                "{} {} {}{why}\n",
                f["line"],
                f["severity"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_profile_lowers_only_what_its_agent_needs() {
    let r = kdm(&["lint", AGENTS, "--format", "json"]);
    insta::assert_snapshot!("recognised", brief(&r));
    let r = kdm(&["lint", AGENTS, "--config", CONFIG, "--format", "json"]);
    insta::assert_snapshot!("declared", brief(&r));
}

#[test]
fn invalid_profiles_are_input_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let agents = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(AGENTS);
    let check = |text: &str, want: &str| {
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, text).expect("write");
        let r = kdm(&[
            "lint",
            agents.to_str().expect("utf-8"),
            "--config",
            path.to_str().expect("utf-8"),
        ]);
        assert_eq!(r.code, 2, "{text}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{text}: {}", r.stderr);
    };
    check(
        "profiles:\n  - profile: csi\n    name: a\n",
        "unknown profile \"csi\"",
    );
    check("profiles:\n  - profile: cni\n", "selects no workload");
    check("profiles:\n  - name: a\n", "names no profile");
}

/// What the profiles lower on the corpus's node plugins, and what stays an
/// error, is snapshotted for review.
#[test]
fn corpus_node_plugins_pass_at_error_level_on_what_they_need() {
    let r = kdm(&["lint", "testdata/corpus/daemonsets", "--format", "json"]);
    let mut lowered = std::collections::BTreeMap::<String, usize>::new();
    let mut profiles = std::collections::BTreeMap::<String, String>::new();
    for f in findings(&r) {
        let help = f["help"].as_str().unwrap_or_default();
        let file = f["file"].as_str().unwrap_or_default().to_string();
        if let Some(rest) = help.strip_prefix("required for ") {
            *lowered
                .entry(format!("{file} {}", f["rule"].as_str().unwrap_or("")))
                .or_default() += 1;
            let profile = rest.split(" (").next().unwrap_or_default();
            profiles.insert(file, profile.to_string());
        }
    }
    const PRIVILEGES: [&str; 4] = [
        "privileged",
        "capabilities-dangerous",
        "mount-propagation-bidirectional",
        "host-path-sensitive",
    ];
    // What stays an error on these agents is a privilege their kind does
    // not need (Azure's CSI plugin reading /etc/kubernetes for its cloud
    // credentials, multus reading all of /var/lib/kubelet).
    let mut kept = Vec::new();
    for f in findings(&r) {
        let file = f["file"].as_str().unwrap_or_default();
        let rule = f["rule"].as_str().unwrap_or_default();
        let Some(profile) = profiles.get(file) else {
            continue;
        };
        if f["severity"] == "error" && PRIVILEGES.contains(&rule) {
            kept.push(format!("  kept ({profile}): {file}:{} {rule}\n", f["line"]));
        }
    }
    let report: String = profiles
        .iter()
        .map(|(file, p)| format!("{file}: {p}\n"))
        .chain(lowered.iter().map(|(k, n)| format!("  {k} ×{n}\n")))
        .chain(kept)
        .collect();
    insta::assert_snapshot!("corpus", report);
}
