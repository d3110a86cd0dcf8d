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
    RecoveryCodes,
    Email,
    Readiness,
}

/// What the checkup found about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    AuthenticatorOn,
    AuthenticatorOff,
    /// Codes exist only alongside an authenticator.
    CodesNeedAuthenticator,
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
}

/// What the user can do about it, on the spot or in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SetUpAuthenticator,
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

fn codes(sec: &AccountSecurity) -> (Grade, Finding) {
    if !sec.totp_enabled {
        return (Grade::Tip, Finding::CodesNeedAuthenticator);
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
    } else {
        (Grade::Important, Finding::AuthenticatorOff)
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
                Item::RecoveryCodes,
                Item::Email,
                Item::Readiness
            ]
        );
        assert_eq!(grade_of(&bob(), Item::TwoFactor).0, Grade::Important);
        assert_eq!(
            grade_of(&bob(), Item::RecoveryCodes),
            (Grade::Tip, Finding::CodesNeedAuthenticator)
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
        assert_eq!(actions(&a), vec![Action::SetUpAuthenticator]);
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
        assert_eq!(actions(&assess(&sec)), vec![Action::GenerateCodes]);
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
    fn all_healthy_with_authenticator_codes_email_and_repository() {
        let a = assess(&with_codes(7));
        assert!(all_healthy(&a), "{a:?}");
        assert!(actions(&a).is_empty());
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
                Action::AddRepository
            ]
        );
        let no_repo = AccountSecurity {
            projects: vec![],
            ..with_codes(7)
        };
        assert_eq!(grade_of(&no_repo, Item::Readiness).0, Grade::Tip);
        assert_eq!(actions(&assess(&no_repo)), vec![Action::AddRepository]);
    }
}
