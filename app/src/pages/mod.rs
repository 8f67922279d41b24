//! Pages: public, sign-in, the signed-in workspace and the operators' console.

pub mod admin;
pub mod auth;
pub mod billing;
pub mod contact;
pub mod dashboard;
pub mod faq;
pub mod forecasts;
pub mod forms;
pub mod home;
pub mod import;
pub mod invitation;
pub mod legal;
pub mod members;
pub mod not_found;
pub mod onboarding;
pub mod operators;
pub mod pricing;
pub mod products;
pub mod records;
pub mod recovery;
pub mod scenarios;
pub mod settings;
pub mod site;
pub mod upgrade;
pub mod workspace;
