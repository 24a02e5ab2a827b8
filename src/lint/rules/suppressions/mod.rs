//! Rules of the `suppressions` group: annotations and comments that look
//! like suppressions but suppress nothing, or no longer do.
mod ignore_annotation_invalid;
mod ignore_comment_invalid;
mod suppression_expired;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[
    &ignore_annotation_invalid::IgnoreAnnotationInvalid,
    &ignore_comment_invalid::IgnoreCommentInvalid,
    &suppression_expired::SuppressionExpired,
];
