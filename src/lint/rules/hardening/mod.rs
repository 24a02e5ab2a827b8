//! Rules of the `hardening` group: pod and container settings that weaken the
//! node an agent runs on (seccomp and AppArmor, sysctls, `/proc`, privileged
//! ports, secrets in env), and settings that leave an agent broken on the host
//! network or without its ServiceAccount.
mod env_secret_literal;
mod host_network_dns_policy;
mod privileged_port;
mod proc_mount_unmasked;
mod seccomp_unconfined;
mod security_annotation_obsolete;
mod service_account_deprecated_field;
mod service_account_undefined;
mod sysctl_unsafe;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[
    &seccomp_unconfined::SeccompUnconfined,
    &sysctl_unsafe::SysctlUnsafe,
    &security_annotation_obsolete::SecurityAnnotationObsolete,
    &proc_mount_unmasked::ProcMountUnmasked,
    &env_secret_literal::EnvSecretLiteral,
    &host_network_dns_policy::HostNetworkDnsPolicy,
    &service_account_undefined::ServiceAccountUndefined,
    &service_account_deprecated_field::ServiceAccountDeprecatedField,
    &privileged_port::PrivilegedPort,
];
