//! The recovery wizard as a state machine: its branches, the steps of each,
//! what each answer leads to, Back, and where a deep link may land.
//!
//! Pages render a [`Step`]; they never decide where to go. The facts the
//! user has established so far (a password accepted, a code sent…) are a
//! [`Progress`], kept in memory by the app; a step opened without the facts
//! it needs resolves to the first step that still needs an answer.

use crate::api::{Reason, RecoveryCodesStatus};

/// What happened, as chosen on "What happened?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Branch {
    ForgotPassword,
    /// Lost the phone or the authenticator app: asks about recovery codes,
    /// which leads to [`Branch::Lost2fa`] or [`Branch::NoCodes`].
    LostAuthenticator,
    /// Lost the authenticator, has recovery codes.
    Lost2fa,
    /// Recovery codes answer "Invalid recovery code." (an older set).
    StaleCodes,
    /// The authenticator app's codes are refused.
    TotpRefused,
    /// Lost a security key or passkey: sign in with another second factor
    /// (authenticator or recovery code), then remove the key in the checkup.
    LostSecurityKey,
    LostEmail,
    /// Lost the authenticator and has no usable codes.
    NoCodes,
    Compromised,
    ForgotUsername,
}

/// One page of a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// A form that mails something (reset link, username reminder).
    Ask,
    /// "Check your email": the uniform answer.
    Sent,
    /// Username and password.
    Password,
    /// The code after the password (authenticator or recovery code).
    SecondFactor,
    /// Signed in: what to do now.
    SignedIn,
    /// Things to check before blaming the authenticator (clock, app entry).
    Checks,
    /// "Can you still sign in?"
    CanSignIn,
    /// Where to change the address, for those who can sign in.
    ChangeEmail,
    /// The address to prove.
    Email,
    /// The one-time code mailed to it.
    EmailCode,
    /// The urgent steps after a takeover.
    Checklist,
    /// "Do you have recovery codes?"
    HaveCodes,
    /// After the email: a branch named with a token pushed to a project's
    /// public repository, checked by the server.
    Repository,
}

/// The facts established so far in this tab.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The branch chosen on "What happened?" (kept when going back).
    pub branch: Option<Branch>,
    /// A reset link or reminder was asked for (the form was sent).
    pub mail_requested: bool,
    /// The password was accepted and a second-factor step is open.
    pub challenge_open: bool,
    pub signed_in: bool,
    /// The authenticator checks were read ("Continue").
    pub checks_read: bool,
    /// The answer to "Can you still sign in?".
    pub can_sign_in: Option<bool>,
    /// A one-time code was mailed to the address to prove.
    pub email_code_sent: bool,
    /// The email address was proven (a proof is held in memory).
    pub email_proven: bool,
    /// A project's repository was proven too (its proof is held in memory).
    pub repository_proven: bool,
    /// What "Do you have recovery codes?" said about them, for the request
    /// (which then does not ask again).
    pub codes_status: Option<RecoveryCodesStatus>,
}

/// What the user did on a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The mailing form was sent.
    MailRequested,
    /// The password was accepted; `second_factor` when a code is needed next.
    PasswordAccepted {
        second_factor: bool,
    },
    /// The second factor was accepted.
    SignedIn,
    /// The second-factor step expired: the password again.
    ChallengeExpired,
    /// Read the page, go on.
    Continue,
    /// "Can you still sign in?"
    CanSignIn(bool),
    /// "Do you have recovery codes?"
    HaveCodes(CodesOnHand),
    EmailCodeSent,
    EmailProven,
    /// The server found the token's branch in the chosen repository.
    RepositoryProven,
    /// Self-service did not work: the next thing to try.
    NothingWorked,
}

/// The answers to "Do you have recovery codes?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodesOnHand {
    Have,
    NeverSaved,
    Lost,
    /// Codes at hand, every one refused.
    AllRefused,
}

impl CodesOnHand {
    pub const ALL: [CodesOnHand; 4] = [
        CodesOnHand::Have,
        CodesOnHand::NeverSaved,
        CodesOnHand::Lost,
        CodesOnHand::AllRefused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CodesOnHand::Have => "have",
            CodesOnHand::NeverSaved => "never_saved",
            CodesOnHand::Lost => "lost",
            CodesOnHand::AllRefused => "all_refused",
        }
    }

    pub fn parse(text: &str) -> Option<CodesOnHand> {
        CodesOnHand::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What the request says about the codes after this answer.
    pub fn status(self) -> Option<RecoveryCodesStatus> {
        match self {
            CodesOnHand::Have => None,
            CodesOnHand::NeverSaved => Some(RecoveryCodesStatus::NeverGenerated),
            CodesOnHand::Lost => Some(RecoveryCodesStatus::Lost),
            CodesOnHand::AllRefused => Some(RecoveryCodesStatus::NotWorking),
        }
    }

    /// The branch it leads to: codes to sign in with, the diagnosis of
    /// refused ones, or proving the email.
    pub fn branch(self) -> Branch {
        match self {
            CodesOnHand::Have => Branch::Lost2fa,
            CodesOnHand::AllRefused => Branch::StaleCodes,
            CodesOnHand::NeverSaved | CodesOnHand::Lost => Branch::NoCodes,
        }
    }
}

/// Where the wizard goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// "What happened?".
    Choose,
    Step(Branch, Step),
    /// The recovery request, filled in for this situation.
    Request(RequestPrefill),
}

/// How the request form starts when the wizard sends someone to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestPrefill {
    pub reason: Reason,
    /// Preselected answer about recovery codes (only where the reason asks).
    pub recovery_codes_status: Option<RecoveryCodesStatus>,
    /// Attach the email proof the wizard holds.
    pub attach_email_proof: bool,
}

/// How many "Invalid recovery code." answers before the stale-codes page
/// offers the request: after a second one, the set really looks stale.
pub const INVALID_CODES_BEFORE_REQUEST: u32 = 2;

impl Branch {
    /// Every branch.
    pub const ALL: [Branch; 10] = [
        Branch::ForgotPassword,
        Branch::LostAuthenticator,
        Branch::Lost2fa,
        Branch::StaleCodes,
        Branch::TotpRefused,
        Branch::LostSecurityKey,
        Branch::NoCodes,
        Branch::LostEmail,
        Branch::Compromised,
        Branch::ForgotUsername,
    ];

    /// The answers of "What happened?", the commonest first, as support
    /// sees them. Losing the authenticator is one answer: a question about
    /// recovery codes follows, instead of two long answers that differ
    /// only at their ends.
    pub const CHOICES: [Branch; 8] = [
        Branch::ForgotPassword,
        Branch::LostAuthenticator,
        Branch::LostSecurityKey,
        Branch::StaleCodes,
        Branch::TotpRefused,
        Branch::LostEmail,
        Branch::Compromised,
        Branch::ForgotUsername,
    ];

    /// The answer of "What happened?" that leads to this branch.
    pub fn choice(self) -> Branch {
        match self {
            Branch::Lost2fa | Branch::NoCodes => Branch::LostAuthenticator,
            other => other,
        }
    }

    /// The URL segment: `/recover/{slug}`.
    pub fn slug(self) -> &'static str {
        match self {
            Branch::ForgotPassword => "forgot-password",
            Branch::LostAuthenticator => "lost-authenticator",
            Branch::Lost2fa => "lost-2fa",
            Branch::StaleCodes => "stale-codes",
            Branch::TotpRefused => "authenticator-codes-refused",
            Branch::LostSecurityKey => "lost-security-key",
            Branch::LostEmail => "lost-email",
            Branch::NoCodes => "no-codes",
            Branch::Compromised => "compromised",
            Branch::ForgotUsername => "forgot-username",
        }
    }

    pub fn parse(slug: &str) -> Option<Branch> {
        Branch::ALL.into_iter().find(|b| b.slug() == slug)
    }

    /// The pages of this branch, in order.
    pub fn steps(self) -> &'static [Step] {
        match self {
            Branch::ForgotPassword | Branch::ForgotUsername => &[Step::Ask, Step::Sent],
            Branch::LostAuthenticator => &[Step::HaveCodes],
            Branch::Lost2fa | Branch::StaleCodes | Branch::LostSecurityKey => {
                &[Step::Password, Step::SecondFactor, Step::SignedIn]
            }
            Branch::TotpRefused => &[
                Step::Checks,
                Step::Password,
                Step::SecondFactor,
                Step::SignedIn,
            ],
            Branch::LostEmail => &[Step::CanSignIn, Step::ChangeEmail],
            Branch::NoCodes => &[Step::Email, Step::EmailCode, Step::Repository],
            Branch::Compromised => &[Step::Checklist],
        }
    }

    pub fn first_step(self) -> Step {
        self.steps()[0]
    }

    /// Whether the branch signs in (a password, then a second factor). These
    /// branches are a page bundle of their own (`crate::bundle`).
    pub fn signs_in(self) -> bool {
        self.steps().contains(&Step::Password)
    }

    /// The request's reason when this branch ends in one.
    pub fn reason(self) -> Reason {
        match self {
            Branch::ForgotPassword => Reason::ForgotPassword,
            Branch::LostAuthenticator
            | Branch::Lost2fa
            | Branch::TotpRefused
            | Branch::LostSecurityKey
            | Branch::NoCodes => Reason::Lost2fa,
            Branch::StaleCodes => Reason::StaleRecoveryCodes,
            Branch::LostEmail => Reason::LostEmail,
            Branch::Compromised => Reason::Compromised,
            Branch::ForgotUsername => Reason::Other,
        }
    }
}

impl Step {
    const ALL: [Step; 13] = [
        Step::Ask,
        Step::Sent,
        Step::Password,
        Step::SecondFactor,
        Step::SignedIn,
        Step::Checks,
        Step::CanSignIn,
        Step::ChangeEmail,
        Step::Email,
        Step::EmailCode,
        Step::Checklist,
        Step::HaveCodes,
        Step::Repository,
    ];

    /// The URL segment: `/recover/{branch}/{slug}`.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Ask => "ask",
            Step::Sent => "check-your-email",
            Step::Password => "sign-in",
            Step::SecondFactor => "code",
            Step::SignedIn => "signed-in",
            Step::Checks => "checks",
            Step::CanSignIn => "can-you-sign-in",
            Step::ChangeEmail => "change-email",
            Step::Email => "email",
            Step::EmailCode => "email-code",
            Step::Checklist => "urgent-steps",
            Step::HaveCodes => "do-you-have-recovery-codes",
            Step::Repository => "repository",
        }
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether `progress` holds what this step needs to be shown.
    fn is_reachable(self, progress: &Progress) -> bool {
        match self {
            Step::Sent => progress.mail_requested,
            Step::SecondFactor => progress.challenge_open,
            Step::SignedIn => progress.signed_in,
            Step::ChangeEmail => progress.can_sign_in == Some(true),
            Step::EmailCode => progress.email_code_sent,
            Step::Repository => progress.email_proven,
            Step::Password => true,
            Step::Ask
            | Step::Checks
            | Step::CanSignIn
            | Step::Email
            | Step::Checklist
            | Step::HaveCodes => true,
        }
    }
}

/// The step to show when `step` of `branch` is opened (a link, a reload, the
/// browser's Back): `step` itself when the facts allow it, else the first
/// step of the branch that still needs an answer. A step of another branch
/// resolves to the branch's first step.
pub fn resolve(branch: Branch, step: Step, progress: &Progress) -> Step {
    let steps = branch.steps();
    let Some(at) = steps.iter().position(|s| *s == step) else {
        return branch.first_step();
    };
    // Earlier steps that cannot be skipped: the checks must be read before
    // signing in on the authenticator branch.
    if branch == Branch::TotpRefused && at > 0 && !progress.checks_read {
        return Step::Checks;
    }
    if step.is_reachable(progress) {
        return step;
    }
    // Walk back to the latest earlier step that is reachable.
    steps[..at]
        .iter()
        .rev()
        .copied()
        .find(|s| s.is_reachable(progress))
        .unwrap_or(branch.first_step())
}

/// Record `answer` on `step` of `branch` in `progress`, and say where to go.
pub fn advance(branch: Branch, step: Step, answer: Answer, progress: &mut Progress) -> Target {
    use Answer as A;
    use Step as S;
    progress.branch = Some(branch);
    match (step, answer) {
        (S::Ask, A::MailRequested) => {
            progress.mail_requested = true;
            Target::Step(branch, S::Sent)
        }
        (S::Password, A::PasswordAccepted { second_factor }) => {
            if second_factor {
                progress.challenge_open = true;
                Target::Step(branch, S::SecondFactor)
            } else {
                progress.signed_in = true;
                Target::Step(branch, S::SignedIn)
            }
        }
        (S::SecondFactor, A::SignedIn) => {
            progress.challenge_open = false;
            progress.signed_in = true;
            Target::Step(branch, S::SignedIn)
        }
        (S::SecondFactor, A::ChallengeExpired) => {
            progress.challenge_open = false;
            Target::Step(branch, S::Password)
        }
        (S::Checks, A::Continue) => {
            progress.checks_read = true;
            Target::Step(branch, S::Password)
        }
        (S::CanSignIn, A::CanSignIn(can)) => {
            progress.can_sign_in = Some(can);
            if can {
                Target::Step(branch, S::ChangeEmail)
            } else {
                Target::Request(prefill(branch, false, progress))
            }
        }
        (S::HaveCodes, A::HaveCodes(codes)) => {
            progress.codes_status = codes.status();
            let next = codes.branch();
            Target::Step(next, next.first_step())
        }
        (S::Email, A::EmailCodeSent) => {
            progress.email_code_sent = true;
            Target::Step(branch, S::EmailCode)
        }
        // With the address proven, a project's repository next (the
        // request's hold is shorter with it); its page also goes on without.
        (S::EmailCode, A::EmailProven) => {
            progress.email_proven = true;
            Target::Step(branch, S::Repository)
        }
        (S::Repository, A::RepositoryProven) => {
            progress.repository_proven = true;
            Target::Request(prefill(branch, true, progress))
        }
        (S::Checklist, A::Continue) => Target::Request(prefill(branch, false, progress)),
        (_, A::NothingWorked) => nothing_worked(branch, progress),
        // An answer a step does not take changes nothing.
        _ => Target::Step(branch, resolve(branch, step, progress)),
    }
}

/// The next thing to try when self-service did not work on a branch.
fn nothing_worked(branch: Branch, progress: &Progress) -> Target {
    match branch {
        // A recovery code was refused: find out why, keeping the open
        // sign-in step (the password need not be typed again).
        Branch::Lost2fa => Target::Step(
            Branch::StaleCodes,
            resolve(Branch::StaleCodes, Step::SecondFactor, progress),
        ),
        // Authenticator codes keep failing: recovery codes next.
        Branch::TotpRefused => Target::Step(
            Branch::Lost2fa,
            resolve(Branch::Lost2fa, Step::SecondFactor, progress),
        ),
        // No other second factor: prove the email, as without codes.
        Branch::LostSecurityKey => Target::Step(Branch::NoCodes, Branch::NoCodes.first_step()),
        // Without the email, proving it is impossible: the request alone.
        Branch::NoCodes => Target::Request(prefill(branch, progress.email_proven, progress)),
        _ => Target::Request(prefill(branch, false, progress)),
    }
}

fn prefill(branch: Branch, attach_email_proof: bool, progress: &Progress) -> RequestPrefill {
    let reason = branch.reason();
    let recovery_codes_status = match branch {
        Branch::StaleCodes => Some(RecoveryCodesStatus::NotWorking),
        // Known only after "Do you have recovery codes?" (a deep link to
        // the branch has not asked).
        Branch::NoCodes => progress.codes_status,
        _ => None,
    };
    RequestPrefill {
        reason,
        recovery_codes_status,
        attach_email_proof,
    }
}

/// Where Back goes from `step` of `branch`.
pub fn back(branch: Branch, step: Step) -> Target {
    let steps = branch.steps();
    match (branch, step) {
        // Signed in: the way back is not into the sign-in steps.
        (_, Step::SignedIn) => Target::Choose,
        // The code page goes back to the form, not to "check your email".
        _ => match steps.iter().position(|s| *s == step) {
            Some(0) | None => Target::Choose,
            Some(i) => Target::Step(branch, steps[i - 1]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_steps() -> impl Iterator<Item = (Branch, Step)> {
        Branch::ALL
            .into_iter()
            .flat_map(|b| b.steps().iter().map(move |s| (b, *s)))
    }

    #[test]
    fn slugs_round_trip_and_are_unique() {
        for b in Branch::ALL {
            assert_eq!(Branch::parse(b.slug()), Some(b));
        }
        for s in Step::ALL {
            assert_eq!(Step::parse(s.slug()), Some(s));
        }
        assert_eq!(Branch::parse("nope"), None);
        assert_eq!(Step::parse(""), None);
        let mut slugs: Vec<_> = Step::ALL.iter().map(|s| s.slug()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), Step::ALL.len());
    }

    #[test]
    fn every_step_belongs_to_a_branch() {
        for s in Step::ALL {
            assert!(all_steps().any(|(_, t)| t == s), "{s:?} is on no branch");
        }
    }

    #[test]
    fn mailing_branches() {
        for b in [Branch::ForgotPassword, Branch::ForgotUsername] {
            let mut p = Progress::default();
            assert_eq!(
                resolve(b, Step::Sent, &p),
                Step::Ask,
                "no deep link to the answer"
            );
            assert_eq!(
                advance(b, Step::Ask, Answer::MailRequested, &mut p),
                Target::Step(b, Step::Sent)
            );
            assert_eq!(p.branch, Some(b));
            assert_eq!(resolve(b, Step::Sent, &p), Step::Sent);
            assert_eq!(back(b, Step::Sent), Target::Step(b, Step::Ask));
            assert_eq!(back(b, Step::Ask), Target::Choose);
        }
        let mut p = Progress::default();
        assert_eq!(
            advance(
                Branch::ForgotPassword,
                Step::Sent,
                Answer::NothingWorked,
                &mut p
            ),
            Target::Request(RequestPrefill {
                reason: Reason::ForgotPassword,
                recovery_codes_status: None,
                attach_email_proof: false
            })
        );
    }

    #[test]
    fn sign_in_with_a_recovery_code() {
        let b = Branch::Lost2fa;
        let mut p = Progress::default();
        assert_eq!(resolve(b, Step::SecondFactor, &p), Step::Password);
        assert_eq!(resolve(b, Step::SignedIn, &p), Step::Password);
        assert_eq!(
            advance(
                b,
                Step::Password,
                Answer::PasswordAccepted {
                    second_factor: true
                },
                &mut p
            ),
            Target::Step(b, Step::SecondFactor)
        );
        assert_eq!(resolve(b, Step::SignedIn, &p), Step::SecondFactor);
        assert_eq!(back(b, Step::SecondFactor), Target::Step(b, Step::Password));
        assert_eq!(
            advance(b, Step::SecondFactor, Answer::SignedIn, &mut p),
            Target::Step(b, Step::SignedIn)
        );
        assert!(p.signed_in && !p.challenge_open);
        assert_eq!(resolve(b, Step::SignedIn, &p), Step::SignedIn);
        // The browser's Back from "signed in" cannot reopen the used step.
        assert_eq!(resolve(b, Step::SecondFactor, &p), Step::Password);
        assert_eq!(back(b, Step::SignedIn), Target::Choose);
    }

    #[test]
    fn an_account_without_two_factor_signs_in_with_the_password() {
        let mut p = Progress::default();
        assert_eq!(
            advance(
                Branch::Lost2fa,
                Step::Password,
                Answer::PasswordAccepted {
                    second_factor: false
                },
                &mut p
            ),
            Target::Step(Branch::Lost2fa, Step::SignedIn)
        );
    }

    #[test]
    fn an_expired_step_goes_back_to_the_password() {
        let b = Branch::StaleCodes;
        let mut p = Progress {
            challenge_open: true,
            ..Progress::default()
        };
        assert_eq!(
            advance(b, Step::SecondFactor, Answer::ChallengeExpired, &mut p),
            Target::Step(b, Step::Password)
        );
        assert!(!p.challenge_open);
        assert_eq!(resolve(b, Step::SecondFactor, &p), Step::Password);
    }

    #[test]
    fn refused_recovery_codes_lead_to_the_stale_codes_diagnosis_keeping_the_step() {
        let mut p = Progress {
            challenge_open: true,
            ..Progress::default()
        };
        assert_eq!(
            advance(
                Branch::Lost2fa,
                Step::SecondFactor,
                Answer::NothingWorked,
                &mut p
            ),
            Target::Step(Branch::StaleCodes, Step::SecondFactor)
        );
        // Without an open step, the diagnosis starts with the password.
        let mut p = Progress::default();
        assert_eq!(
            advance(
                Branch::Lost2fa,
                Step::Password,
                Answer::NothingWorked,
                &mut p
            ),
            Target::Step(Branch::StaleCodes, Step::Password)
        );
        // And stale codes that stay stale end in a request about them.
        assert_eq!(
            advance(
                Branch::StaleCodes,
                Step::SecondFactor,
                Answer::NothingWorked,
                &mut p
            ),
            Target::Request(RequestPrefill {
                reason: Reason::StaleRecoveryCodes,
                recovery_codes_status: Some(RecoveryCodesStatus::NotWorking),
                attach_email_proof: false
            })
        );
    }

    #[test]
    fn authenticator_branch_reads_the_checks_first() {
        let b = Branch::TotpRefused;
        let mut p = Progress::default();
        for s in [Step::Password, Step::SecondFactor, Step::SignedIn] {
            assert_eq!(resolve(b, s, &p), Step::Checks, "{s:?}");
        }
        assert_eq!(
            advance(b, Step::Checks, Answer::Continue, &mut p),
            Target::Step(b, Step::Password)
        );
        assert_eq!(resolve(b, Step::Password, &p), Step::Password);
        assert_eq!(back(b, Step::Password), Target::Step(b, Step::Checks));
        // Codes still refused: recovery codes next, on the lost-2FA branch.
        p.challenge_open = true;
        assert_eq!(
            advance(b, Step::SecondFactor, Answer::NothingWorked, &mut p),
            Target::Step(Branch::Lost2fa, Step::SecondFactor)
        );
    }

    #[test]
    fn lost_email() {
        let b = Branch::LostEmail;
        let mut p = Progress::default();
        assert_eq!(resolve(b, Step::ChangeEmail, &p), Step::CanSignIn);
        assert_eq!(
            advance(b, Step::CanSignIn, Answer::CanSignIn(true), &mut p),
            Target::Step(b, Step::ChangeEmail)
        );
        assert_eq!(resolve(b, Step::ChangeEmail, &p), Step::ChangeEmail);
        assert_eq!(back(b, Step::ChangeEmail), Target::Step(b, Step::CanSignIn));
        assert_eq!(
            advance(b, Step::CanSignIn, Answer::CanSignIn(false), &mut p),
            Target::Request(RequestPrefill {
                reason: Reason::LostEmail,
                recovery_codes_status: None,
                attach_email_proof: false
            })
        );
        assert_eq!(
            resolve(b, Step::ChangeEmail, &p),
            Step::CanSignIn,
            "answer changed"
        );
    }

    #[test]
    fn no_codes_proves_the_email_then_files_a_request_with_the_proof() {
        let b = Branch::NoCodes;
        let mut p = Progress::default();
        assert_eq!(resolve(b, Step::EmailCode, &p), Step::Email);
        assert_eq!(
            advance(b, Step::Email, Answer::EmailCodeSent, &mut p),
            Target::Step(b, Step::EmailCode)
        );
        assert_eq!(back(b, Step::EmailCode), Target::Step(b, Step::Email));
        // No skipping to the repository before the address is proven.
        assert_eq!(resolve(b, Step::Repository, &p), Step::EmailCode);
        assert_eq!(
            advance(b, Step::EmailCode, Answer::EmailProven, &mut p),
            Target::Step(b, Step::Repository)
        );
        assert_eq!(resolve(b, Step::Repository, &p), Step::Repository);
        assert_eq!(back(b, Step::Repository), Target::Step(b, Step::EmailCode));
        let with_proof = Target::Request(RequestPrefill {
            reason: Reason::Lost2fa,
            recovery_codes_status: None,
            attach_email_proof: true,
        });
        // Proven, or going on without a usable repository: the request
        // carries the email proof either way.
        let mut without = p.clone();
        assert_eq!(
            advance(b, Step::Repository, Answer::NothingWorked, &mut without),
            with_proof
        );
        assert!(!without.repository_proven);
        assert_eq!(
            advance(b, Step::Repository, Answer::RepositoryProven, &mut p),
            with_proof
        );
        assert!(p.repository_proven);
        // Cannot read the email at all: the request without a proof.
        let mut fresh = Progress::default();
        assert_eq!(
            advance(b, Step::Email, Answer::NothingWorked, &mut fresh),
            Target::Request(RequestPrefill {
                reason: Reason::Lost2fa,
                recovery_codes_status: None,
                attach_email_proof: false
            })
        );
    }

    #[test]
    fn compromised_checklist_then_request() {
        let mut p = Progress::default();
        assert_eq!(
            advance(
                Branch::Compromised,
                Step::Checklist,
                Answer::Continue,
                &mut p
            ),
            Target::Request(RequestPrefill {
                reason: Reason::Compromised,
                recovery_codes_status: None,
                attach_email_proof: false
            })
        );
        assert_eq!(back(Branch::Compromised, Step::Checklist), Target::Choose);
    }

    #[test]
    fn every_deep_link_resolves_to_a_step_of_its_branch() {
        // With no facts at all, every step resolves to its branch's first
        // step that needs nothing — never to a later one.
        for (b, s) in all_steps() {
            let shown = resolve(b, s, &Progress::default());
            assert!(b.steps().contains(&shown), "{b:?} {s:?} -> {shown:?}");
            let at = |x| b.steps().iter().position(|y| *y == x).unwrap();
            assert!(at(shown) <= at(s), "{b:?} {s:?} -> {shown:?} skips ahead");
        }
        // A step of another branch: the branch's first step.
        assert_eq!(
            resolve(
                Branch::ForgotPassword,
                Step::SecondFactor,
                &Progress::default()
            ),
            Step::Ask
        );
    }

    #[test]
    fn every_back_stays_in_the_branch_or_leaves_it() {
        for (b, s) in all_steps() {
            match back(b, s) {
                Target::Choose => {}
                Target::Step(bb, ss) => {
                    assert_eq!(bb, b);
                    assert!(b.steps().contains(&ss));
                    assert_ne!(ss, s);
                }
                Target::Request(_) => panic!("Back never files a request"),
            }
        }
    }

    #[test]
    fn an_answer_a_step_does_not_take_changes_nothing() {
        let mut p = Progress::default();
        assert_eq!(
            advance(Branch::Lost2fa, Step::Password, Answer::EmailProven, &mut p),
            Target::Step(Branch::Lost2fa, Step::Password)
        );
        assert!(!p.email_proven);
    }

    #[test]
    fn a_lost_security_key_signs_in_another_way_or_proves_the_email() {
        let b = Branch::LostSecurityKey;
        assert!(b.signs_in());
        assert!(Branch::CHOICES.contains(&b));
        let mut p = Progress::default();
        assert_eq!(
            advance(
                b,
                Step::Password,
                Answer::PasswordAccepted {
                    second_factor: true
                },
                &mut p
            ),
            Target::Step(b, Step::SecondFactor)
        );
        assert_eq!(
            advance(b, Step::SecondFactor, Answer::NothingWorked, &mut p),
            Target::Step(Branch::NoCodes, Step::Email)
        );
        assert_eq!(
            advance(b, Step::SecondFactor, Answer::SignedIn, &mut p),
            Target::Step(b, Step::SignedIn)
        );
        assert_eq!(b.reason(), Reason::Lost2fa);
    }

    #[test]
    fn the_request_does_not_ask_about_codes_the_wizard_was_told_of() {
        let b = Branch::LostAuthenticator;
        let mut p = Progress::default();
        advance(
            b,
            Step::HaveCodes,
            Answer::HaveCodes(CodesOnHand::NeverSaved),
            &mut p,
        );
        advance(Branch::NoCodes, Step::Email, Answer::EmailCodeSent, &mut p);
        advance(
            Branch::NoCodes,
            Step::EmailCode,
            Answer::EmailProven,
            &mut p,
        );
        match advance(
            Branch::NoCodes,
            Step::Repository,
            Answer::RepositoryProven,
            &mut p,
        ) {
            Target::Request(prefill) => {
                assert_eq!(
                    prefill.recovery_codes_status,
                    Some(RecoveryCodesStatus::NeverGenerated)
                );
                assert!(prefill.attach_email_proof);
            }
            other => panic!("{other:?}"),
        }
        // A deep link to the branch has not asked: the request will.
        let mut fresh = Progress::default();
        match advance(
            Branch::NoCodes,
            Step::Email,
            Answer::NothingWorked,
            &mut fresh,
        ) {
            Target::Request(prefill) => assert_eq!(prefill.recovery_codes_status, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reasons_ask_about_codes_only_where_codes_are_the_problem() {
        for b in Branch::ALL {
            let asks = b.reason().concerns_recovery_codes();
            let expected = matches!(
                b,
                Branch::LostAuthenticator
                    | Branch::Lost2fa
                    | Branch::StaleCodes
                    | Branch::TotpRefused
                    | Branch::LostSecurityKey
                    | Branch::NoCodes
            );
            assert_eq!(asks, expected, "{b:?}");
        }
    }

    #[test]
    fn a_lost_authenticator_asks_about_codes_then_takes_the_branch() {
        let b = Branch::LostAuthenticator;
        let mut p = Progress::default();
        assert_eq!(b.first_step(), Step::HaveCodes);
        assert_eq!(
            advance(
                b,
                Step::HaveCodes,
                Answer::HaveCodes(CodesOnHand::Have),
                &mut p
            ),
            Target::Step(Branch::Lost2fa, Step::Password)
        );
        assert_eq!(p.codes_status, None);
        assert_eq!(
            advance(
                b,
                Step::HaveCodes,
                Answer::HaveCodes(CodesOnHand::AllRefused),
                &mut p
            ),
            Target::Step(Branch::StaleCodes, Step::Password)
        );
        assert_eq!(
            advance(
                b,
                Step::HaveCodes,
                Answer::HaveCodes(CodesOnHand::Lost),
                &mut p
            ),
            Target::Step(Branch::NoCodes, Step::Email)
        );
        assert_eq!(back(b, Step::HaveCodes), Target::Choose);
        for answer in CodesOnHand::ALL {
            assert_eq!(CodesOnHand::parse(answer.as_str()), Some(answer));
        }
        // Both branches it leads to are that one answer on "What happened?".
        for branch in [Branch::Lost2fa, Branch::NoCodes, b] {
            assert_eq!(branch.choice(), b);
        }
        for branch in Branch::ALL {
            assert!(Branch::CHOICES.contains(&branch.choice()), "{branch:?}");
        }
        assert!(!Branch::CHOICES.contains(&Branch::Lost2fa));
    }
}
