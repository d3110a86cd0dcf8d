//! The security checkup's grading: a pure function of `GET /account/security`.
//!
//! Each item gets a [`Grade`] and a [`Finding`] (a code; the app has the
//! words), and the recommended actions come out in priority order. "Recovery
//! readiness" asks what no checkup asks: could this person prove the account
//! is theirs if they were locked out tomorrow?

use crate::api::AccountSecurity;

/// How an item stands, from fine to act-now. The order is the priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    Urgent,
    Important,
    Tip,
    Healthy,
}

/// The things the checkup looks at, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    TwoFactor,
    SecurityKeys,
    RecoveryCodes,
    Email,
    Readiness,
}

/// What the checkup found about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    AuthenticatorOn,
    /// A security key, and no authenticator app: fine, and phishing-proof.
    KeyOnly,
    /// No second factor at all.
    AuthenticatorOff,
    /// Security keys, none of them suspect.
    Keys {
        count: usize,
    },
    /// A key's signature counter went backwards: a copy may be in use.
    KeyMayBeCopied {
        name: String,
    },
    /// An authenticator app alone: a code can still be phished.
    NoKeyWithAuthenticator,
    NoKey,
    /// Codes exist only alongside a second factor.
    CodesNeedSecondFactor,
    CodesNone,
    CodesAllUsed,
    /// At most [`FEW_CODES_LEFT`] unused.
    CodesFew {
        unused: u32,
        generated_at: String,
    },
    /// The set was made before the authenticator last changed.
    CodesPredateAuthenticator {
        generated_at: String,
    },
    /// No code of the set was ever entered: was it saved at all?
    CodesUnproven {
        generated_at: String,
    },
    CodesFine {
        unused: u32,
        generated_at: String,
    },
    EmailVerified {
        email: String,
    },
    EmailUnverified {
        email: String,
    },
    /// Ways to prove ownership that are missing (empty: all there).
    Readiness {
        missing: Vec<Proof>,
    },
}

/// A way support can confirm the account is yours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proof {
    /// A verified address (support writes to it; resets go to it).
    VerifiedEmail,
    /// Unused recovery codes of the current set.
    RecoveryCodes,
    /// A project with a public repository, to push a token branch to.
    Repository,
    /// A second way in besides the one second factor (a single key with
    /// no codes is one loss from a lock-out).
    SpareSecondFactor,
}

/// What the user can do about it, on the spot or in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SetUpAuthenticator,
    AddSecurityKey,
    /// Look at the keys (one may have been copied).
    ReviewSecurityKeys,
    GenerateCodes,
    VerifyEmail,
    AddRepository,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub item: Item,
    pub grade: Grade,
    pub finding: Finding,
}

/// Say "few left" at this many unused codes or fewer.
pub const FEW_CODES_LEFT: u32 = 2;

/// Whether the account has a second factor (authenticator app or key).
fn has_second_factor(sec: &AccountSecurity) -> bool {
    sec.totp_enabled || !sec.security_keys.is_empty()
}

fn codes(sec: &AccountSecurity) -> (Grade, Finding) {
    if !has_second_factor(sec) {
        return (Grade::Tip, Finding::CodesNeedSecondFactor);
    }
    let Some(generated_at) = sec.recovery_codes.generated_at.clone() else {
        return (Grade::Urgent, Finding::CodesNone);
    };
    let unused = sec.recovery_codes.unused;
    if unused == 0 {
        (Grade::Urgent, Finding::CodesAllUsed)
    } else if sec.recovery_codes_predate_totp {
        (
            Grade::Important,
            Finding::CodesPredateAuthenticator { generated_at },
        )
    } else if !sec.recovery_codes_proven {
        (Grade::Important, Finding::CodesUnproven { generated_at })
    } else if unused <= FEW_CODES_LEFT {
        (
            Grade::Important,
            Finding::CodesFew {
                unused,
                generated_at,
            },
        )
    } else {
        (
            Grade::Healthy,
            Finding::CodesFine {
                unused,
                generated_at,
            },
        )
    }
}

fn readiness(sec: &AccountSecurity, codes_grade: Grade) -> (Grade, Finding) {
    let mut missing = Vec::new();
    if !sec.email_verified {
        missing.push(Proof::VerifiedEmail);
    }
    if codes_grade != Grade::Healthy {
        missing.push(Proof::RecoveryCodes);
    }
    if !sec.projects.iter().any(|p| p.repository_url.is_some()) {
        missing.push(Proof::Repository);
    }
    // Each way in counts: the authenticator, each key, a saved set of codes.
    let ways_in = usize::from(sec.totp_enabled)
        + sec.security_keys.len()
        + usize::from(codes_grade == Grade::Healthy);
    if has_second_factor(sec) && ways_in < 2 {
        missing.push(Proof::SpareSecondFactor);
    }
    let grade = match missing.len() {
        0 => Grade::Healthy,
        1 => Grade::Tip,
        2 => Grade::Important,
        _ => Grade::Urgent,
    };
    (grade, Finding::Readiness { missing })
}

/// Every item, in display order.
pub fn assess(sec: &AccountSecurity) -> Vec<Assessment> {
    let two_factor = if sec.totp_enabled {
        (Grade::Healthy, Finding::AuthenticatorOn)
    } else if !sec.security_keys.is_empty() {
        (Grade::Healthy, Finding::KeyOnly)
    } else {
        (Grade::Important, Finding::AuthenticatorOff)
    };
    let keys = if let Some(copied) = sec
        .security_keys
        .iter()
        .find(|k| k.counter_regressed_at.is_some())
    {
        (
            Grade::Urgent,
            Finding::KeyMayBeCopied {
                name: copied.name.clone(),
            },
        )
    } else if !sec.security_keys.is_empty() {
        (
            Grade::Healthy,
            Finding::Keys {
                count: sec.security_keys.len(),
            },
        )
    } else if sec.totp_enabled {
        (Grade::Tip, Finding::NoKeyWithAuthenticator)
    } else {
        (Grade::Tip, Finding::NoKey)
    };
    let codes = codes(sec);
    let email = if sec.email_verified {
        (
            Grade::Healthy,
            Finding::EmailVerified {
                email: sec.email.clone(),
            },
        )
    } else {
        (
            Grade::Urgent,
            Finding::EmailUnverified {
                email: sec.email.clone(),
            },
        )
    };
    let ready = readiness(sec, codes.0);
    [
        (Item::TwoFactor, two_factor),
        (Item::SecurityKeys, keys),
        (Item::RecoveryCodes, codes),
        (Item::Email, email),
        (Item::Readiness, ready),
    ]
    .into_iter()
    .map(|(item, (grade, finding))| Assessment {
        item,
        grade,
        finding,
    })
    .collect()
}

/// The recommended actions, most urgent first (each once).
pub fn actions(assessments: &[Assessment]) -> Vec<Action> {
    let mut ranked: Vec<(Grade, Action)> = Vec::new();
    let mut push = |grade, action| {
        if !ranked.iter().any(|(_, a)| *a == action) {
            ranked.push((grade, action));
        }
    };
    for a in assessments {
        match &a.finding {
            Finding::AuthenticatorOff => push(a.grade, Action::SetUpAuthenticator),
            Finding::KeyMayBeCopied { .. } => push(a.grade, Action::ReviewSecurityKeys),
            Finding::NoKeyWithAuthenticator | Finding::NoKey => {
                push(a.grade, Action::AddSecurityKey)
            }
            Finding::CodesNone
            | Finding::CodesAllUsed
            | Finding::CodesFew { .. }
            | Finding::CodesPredateAuthenticator { .. }
            | Finding::CodesUnproven { .. } => push(a.grade, Action::GenerateCodes),
            Finding::EmailUnverified { .. } => push(a.grade, Action::VerifyEmail),
            Finding::Readiness { missing } if missing.contains(&Proof::Repository) => {
                push(Grade::Tip, Action::AddRepository)
            }
            _ => {}
        }
    }
    // Stable: equal grades keep the display order.
    ranked.sort_by_key(|(grade, _)| *grade);
    ranked.into_iter().map(|(_, action)| action).collect()
}

/// Whether every item is healthy.
pub fn all_healthy(assessments: &[Assessment]) -> bool {
    assessments.iter().all(|a| a.grade == Grade::Healthy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AccountProject, RecoveryCodesInfo};

    fn bob() -> AccountSecurity {
        AccountSecurity {
            username: "bob".into(),
            email: "bob@example.org".into(),
            email_verified: true,
            totp_enabled: false,
            recovery_codes: RecoveryCodesInfo {
                generated_at: None,
                unused: 0,
            },
            reauth_valid_for: 0,
            recovery_codes_proven: false,
            totp_changed_at: None,
            recovery_codes_predate_totp: false,
            password_changed_at: None,
            projects: vec![AccountProject {
                name: "bobs-tool".into(),
                repository_url: Some("https://github.com/bob/bobs-tool".into()),
            }],
            security_keys: Vec::new(),
        }
    }

    fn key(name: &str) -> crate::api::SecurityKey {
        crate::api::SecurityKey {
            id: format!("sk_{name}"),
            name: name.into(),
            added_at: "2026-11-01T10:00:00Z".into(),
            last_used_at: None,
            counter_regressed_at: None,
        }
    }

    fn with_codes(unused: u32) -> AccountSecurity {
        AccountSecurity {
            totp_enabled: true,
            recovery_codes_proven: true,
            recovery_codes: RecoveryCodesInfo {
                generated_at: Some("2026-03-02T09:15:00Z".into()),
                unused,
            },
            ..bob()
        }
    }

    fn grade_of(sec: &AccountSecurity, item: Item) -> (Grade, Finding) {
        let a = assess(sec).into_iter().find(|a| a.item == item).unwrap();
        (a.grade, a.finding)
    }

    #[test]
    fn no_two_factor_first_the_authenticator_then_codes() {
        let a = assess(&bob());
        assert_eq!(
            a.iter().map(|a| a.item).collect::<Vec<_>>(),
            [
                Item::TwoFactor,
                Item::SecurityKeys,
                Item::RecoveryCodes,
                Item::Email,
                Item::Readiness
            ]
        );
        assert_eq!(grade_of(&bob(), Item::TwoFactor).0, Grade::Important);
        assert_eq!(
            grade_of(&bob(), Item::RecoveryCodes),
            (Grade::Tip, Finding::CodesNeedSecondFactor)
        );
        assert_eq!(
            grade_of(&bob(), Item::Readiness),
            (
                Grade::Tip,
                Finding::Readiness {
                    missing: vec![Proof::RecoveryCodes]
                }
            )
        );
        assert_eq!(
            actions(&a),
            vec![Action::SetUpAuthenticator, Action::AddSecurityKey]
        );
        assert!(!all_healthy(&a));
    }

    #[test]
    fn authenticator_without_codes_is_urgent() {
        let sec = AccountSecurity {
            totp_enabled: true,
            ..bob()
        };
        assert_eq!(
            grade_of(&sec, Item::RecoveryCodes),
            (Grade::Urgent, Finding::CodesNone)
        );
        assert_eq!(
            actions(&assess(&sec)),
            vec![Action::GenerateCodes, Action::AddSecurityKey]
        );
    }

    #[test]
    fn code_counts() {
        assert_eq!(
            grade_of(&with_codes(0), Item::RecoveryCodes).0,
            Grade::Urgent
        );
        for few in 1..=FEW_CODES_LEFT {
            assert_eq!(
                grade_of(&with_codes(few), Item::RecoveryCodes),
                (
                    Grade::Important,
                    Finding::CodesFew {
                        unused: few,
                        generated_at: "2026-03-02T09:15:00Z".into()
                    }
                )
            );
        }
        assert_eq!(
            grade_of(&with_codes(FEW_CODES_LEFT + 1), Item::RecoveryCodes).0,
            Grade::Healthy
        );
        let stale = AccountSecurity {
            recovery_codes_predate_totp: true,
            ..with_codes(7)
        };
        let unproven = AccountSecurity {
            recovery_codes_proven: false,
            ..with_codes(8)
        };
        assert_eq!(
            grade_of(&unproven, Item::RecoveryCodes),
            (
                Grade::Important,
                Finding::CodesUnproven {
                    generated_at: "2026-03-02T09:15:00Z".into()
                }
            )
        );
        assert_eq!(
            grade_of(&stale, Item::RecoveryCodes),
            (
                Grade::Important,
                Finding::CodesPredateAuthenticator {
                    generated_at: "2026-03-02T09:15:00Z".into()
                }
            )
        );
    }

    #[test]
    fn an_authenticator_alone_gets_a_tip_to_add_a_key() {
        let a = assess(&with_codes(7));
        assert_eq!(
            grade_of(&with_codes(7), Item::SecurityKeys),
            (Grade::Tip, Finding::NoKeyWithAuthenticator)
        );
        assert_eq!(actions(&a), vec![Action::AddSecurityKey]);
        assert!(!all_healthy(&a));
    }

    #[test]
    fn a_key_and_saved_codes_are_healthy_without_an_authenticator() {
        let sec = AccountSecurity {
            totp_enabled: false,
            security_keys: vec![key("Blue key")],
            ..with_codes(7)
        };
        assert_eq!(
            grade_of(&sec, Item::TwoFactor),
            (Grade::Healthy, Finding::KeyOnly)
        );
        let a = assess(&sec);
        assert!(all_healthy(&a), "{a:?}");
        assert!(actions(&a).is_empty());
        // With an authenticator as well, all the more.
        let both = AccountSecurity {
            security_keys: vec![key("Blue key")],
            ..with_codes(7)
        };
        assert!(all_healthy(&assess(&both)));
    }

    #[test]
    fn a_single_key_without_codes_is_one_loss_from_a_lock_out() {
        let sec = AccountSecurity {
            security_keys: vec![key("Blue key")],
            ..bob()
        };
        assert_eq!(
            grade_of(&sec, Item::RecoveryCodes),
            (Grade::Urgent, Finding::CodesNone)
        );
        assert_eq!(
            grade_of(&sec, Item::Readiness),
            (
                Grade::Important,
                Finding::Readiness {
                    missing: vec![Proof::RecoveryCodes, Proof::SpareSecondFactor]
                }
            )
        );
        // A second key is a spare: only the codes are missing then.
        let two = AccountSecurity {
            security_keys: vec![key("Blue key"), key("Spare")],
            ..sec
        };
        assert_eq!(
            grade_of(&two, Item::Readiness).1,
            Finding::Readiness {
                missing: vec![Proof::RecoveryCodes]
            }
        );
    }

    #[test]
    fn a_key_whose_counter_went_back_is_urgent() {
        let sec = AccountSecurity {
            security_keys: vec![
                key("Blue key"),
                crate::api::SecurityKey {
                    counter_regressed_at: Some("2026-12-01T08:00:00Z".into()),
                    ..key("Old key")
                },
            ],
            ..with_codes(7)
        };
        assert_eq!(
            grade_of(&sec, Item::SecurityKeys),
            (
                Grade::Urgent,
                Finding::KeyMayBeCopied {
                    name: "Old key".into()
                }
            )
        );
        assert_eq!(actions(&assess(&sec)), vec![Action::ReviewSecurityKeys]);
    }

    #[test]
    fn readiness_counts_the_missing_proofs() {
        let nothing = AccountSecurity {
            email_verified: false,
            projects: vec![AccountProject {
                name: "x".into(),
                repository_url: None,
            }],
            ..bob()
        };
        assert_eq!(
            grade_of(&nothing, Item::Readiness),
            (
                Grade::Urgent,
                Finding::Readiness {
                    missing: vec![
                        Proof::VerifiedEmail,
                        Proof::RecoveryCodes,
                        Proof::Repository
                    ]
                }
            )
        );
        // The most urgent first; equal grades in display order.
        assert_eq!(
            actions(&assess(&nothing)),
            vec![
                Action::VerifyEmail,
                Action::SetUpAuthenticator,
                Action::AddSecurityKey,
                Action::AddRepository
            ]
        );
        let no_repo = AccountSecurity {
            projects: vec![],
            ..with_codes(7)
        };
        assert_eq!(grade_of(&no_repo, Item::Readiness).0, Grade::Tip);
        assert_eq!(
            actions(&assess(&no_repo)),
            vec![Action::AddSecurityKey, Action::AddRepository]
        );
    }
}
