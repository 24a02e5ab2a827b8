//! Rules of the `hardening` group: pod and container settings that weaken the
//! node an agent runs on (seccomp, sysctls, secrets in env), and settings that
//! leave an agent broken on the host network or without its ServiceAccount.
mod env_secret_literal;
mod host_network_dns_policy;
mod seccomp_unconfined;
mod service_account_undefined;
mod sysctl_unsafe;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[
    &seccomp_unconfined::SeccompUnconfined,
    &sysctl_unsafe::SysctlUnsafe,
    &env_secret_literal::EnvSecretLiteral,
    &host_network_dns_policy::HostNetworkDnsPolicy,
    &service_account_undefined::ServiceAccountUndefined,
];
