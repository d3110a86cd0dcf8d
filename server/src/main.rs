//! `reclaim-server`: the reference API of Reclaim, and its operator commands.

mod app;
mod app_routes;
mod client_addr;
mod clock;
mod config;
mod crypto;
mod demo;
mod demo_git;
mod extract;
mod headers;
mod holds;
mod idempotency;
mod limits;
mod listener;
mod mail;
mod openapi;
mod ops;
mod passwords;
mod problem;
mod refs;
mod routes;
mod security_keys;
mod state;
mod static_files;
mod store;
#[cfg(test)]
mod tests;
mod totp;

use std::process::ExitCode;

use clap::Parser;

use config::{Cli, Command, RequestsCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => config::serve(args),
        Command::Openapi => {
            print!("{}", openapi::json());
            Ok(())
        }
        Command::Routes { json } => {
            print!("{}", app_routes::print(json));
            Ok(())
        }
        Command::Requests { database, command } => {
            let db = match store::Db::open(&database) {
                Ok(db) => db,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let out = match command {
                RequestsCommand::List { all } => ops::list(&db, all),
                RequestsCommand::Show { id } => ops::show(&db, &id),
                RequestsCommand::SetStatus { id, status, note } => {
                    ops::set_status(&db, &id, &status, note.as_deref())
                }
                RequestsCommand::Approve { id } => {
                    ops::approve(&db, &id, clock::Clock::default().now())
                }
            };
            out.map(|text| print!("{text}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
