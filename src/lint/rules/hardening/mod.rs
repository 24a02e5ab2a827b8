//! Rules of the `hardening` group: pod and container settings that weaken the
//! node an agent runs on (seccomp, sysctls, secrets in env, DNS on the host
//! network, ServiceAccounts).
mod env_secret_literal;
mod seccomp_unconfined;
mod sysctl_unsafe;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[
    &seccomp_unconfined::SeccompUnconfined,
    &sysctl_unsafe::SysctlUnsafe,
    &env_secret_literal::EnvSecretLiteral,
];
