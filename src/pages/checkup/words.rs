//! The checkup's words, by grade, item, finding and action: kept here so the
//! copy can be reviewed and translated without touching behaviour.

use reclaim_core::checkup::{Action, Finding, Grade, Item, Proof};

use crate::browser::format_timestamp;

/// The grade in words (never colour alone) and its icon character.
pub fn grade(grade: Grade) -> (&'static str, &'static str) {
    match grade {
        Grade::Healthy => ("Healthy", "\u{2713}"),
        Grade::Tip => ("Tip", "i"),
        Grade::Important => ("Important", "!"),
        Grade::Urgent => ("Urgent", "!!"),
    }
}

pub fn item(item: Item) -> &'static str {
    match item {
        Item::TwoFactor => "Two-factor authentication",
        Item::SecurityKeys => "Security keys and passkeys",
        Item::RecoveryCodes => "Recovery codes",
        Item::Email => "Email address",
        Item::Readiness => "Recovery readiness",
    }
}

fn proof(proof: Proof) -> &'static str {
    match proof {
        Proof::VerifiedEmail => "a verified email address",
        Proof::RecoveryCodes => "a saved set of recovery codes",
        Proof::Repository => "a project with a public repository you can push to",
        Proof::SpareSecondFactor => "a second way to sign in if you lose your only one (another key, an authenticator app or saved codes)",
    }
}

fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One sentence on what was found.
pub fn finding(finding: &Finding, site: &str) -> String {
    match finding {
        Finding::AuthenticatorOn => "An authenticator app is set up. Signing in asks for its code.".into(),
        Finding::KeyOnly => "A security key signs you in. You can add an authenticator app as a spare.".into(),
        Finding::AuthenticatorOff => format!("No second factor is set up. Anyone with your password can sign in to {site} as you."),
        Finding::Keys { count: 1 } => "You have 1 security key. A second one, kept somewhere safe, is a spare if you lose it.".into(),
        Finding::Keys { count } => format!("You have {count} security keys."),
        Finding::KeyMayBeCopied { name } => format!("Your key \u{201c}{name}\u{201d} was refused at a sign-in because it counted fewer uses than before: a copy of it may be in use. Remove it."),
        Finding::NoKeyWithAuthenticator => "Codes from an authenticator app can be typed into a fake sign-in page. A security key or passkey cannot be phished: add one.".into(),
        Finding::NoKey => "A security key or passkey signs you in with a touch, and cannot be phished.".into(),
        Finding::CodesNeedSecondFactor => "Recovery codes come with a second factor: add a security key or an authenticator app first.".into(),
        Finding::CodesNone => "You have no recovery codes. If you lose the phone with your authenticator app, you cannot sign in yourself.".into(),
        Finding::CodesAllUsed => "Every code of your set has been used. Generate a new set.".into(),
        Finding::CodesFew { unused, generated_at } => format!(
            "Only {unused} unused {} left of the set generated on {}. Generate a new set before they run out.",
            if *unused == 1 { "code is" } else { "codes are" },
            format_timestamp(generated_at)
        ),
        Finding::CodesPredateAuthenticator { generated_at } => format!(
            "Your codes were generated on {}, before your authenticator app last changed. Check you still have them, or generate a new set.",
            format_timestamp(generated_at)
        ),
        Finding::CodesUnproven { generated_at } => format!(
            "No code of the set generated on {} has been entered since. Check you saved it, or generate a new set and enter one code to prove it is saved.",
            format_timestamp(generated_at)
        ),
        Finding::CodesFine { unused, generated_at } => format!(
            "Your recovery codes were generated on {}. {unused} are unused.",
            format_timestamp(generated_at)
        ),
        Finding::EmailVerified { email } => format!("{email} is verified. Check it is an address you can still read."),
        Finding::EmailUnverified { email } => format!("{email} is not verified. Password reset links are not sent to it, and support cannot write to you there."),
        Finding::Readiness { missing } if missing.is_empty() => {
            "If you were locked out tomorrow, you could prove the account is yours: a verified email, saved recovery codes and a repository to push to.".into()
        }
        Finding::Readiness { missing } => {
            let names: Vec<&str> = missing.iter().map(|p| proof(*p)).collect();
            format!(
                "If you were locked out tomorrow, support would have less to check that the account is yours. Missing: {}.",
                list(&names)
            )
        }
    }
}

/// The button or link text of an action.
pub fn action(action: Action) -> &'static str {
    match action {
        Action::SetUpAuthenticator => "Set up an authenticator app",
        Action::AddSecurityKey => "Add a security key",
        Action::ReviewSecurityKeys => "Review your security keys",
        Action::GenerateCodes => "Generate recovery codes",
        Action::VerifyEmail => "Verify your email address",
        Action::AddRepository => "Add a repository link to a project",
    }
}

/// Why the action matters, one line.
pub fn action_why(action: Action) -> &'static str {
    match action {
        Action::SetUpAuthenticator => "A stolen password alone is then not enough to sign in.",
        Action::AddSecurityKey => {
            "It signs you in with a touch, and a fake sign-in page cannot use it."
        }
        Action::ReviewSecurityKeys => "Remove a key that may have been copied.",
        Action::GenerateCodes => "They let you sign in if you lose your authenticator app.",
        Action::VerifyEmail => "Password resets and support's replies go to a verified address.",
        Action::AddRepository => {
            "Support can then check ownership by asking you to push a branch to it."
        }
    }
}

/// The overview's one-line summary: how many items need action (tips do
/// not count).
pub fn summary(healthy: bool, needing: usize, items: usize) -> String {
    match (healthy, needing) {
        (true, _) => "Everything is in order.".to_string(),
        (false, 0) => "Nothing needs your attention. There are tips below.".to_string(),
        (false, 1) => format!("1 of {items} things needs your attention."),
        (false, n) => format!("{n} of {items} things need your attention."),
    }
}
