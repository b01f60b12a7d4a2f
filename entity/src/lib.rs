//! sea-orm entities of the ASB Partnership Hub, one module per table.
//!
//! Enumerations are stored as text and validated by the application.

pub mod access_log;
pub mod agency;
pub mod alert;
pub mod alert_ack;
pub mod app_user;
pub mod asb_case;
pub mod auth_session;
pub mod case_action;
pub mod case_location;
pub mod case_note;
pub mod case_party;
pub mod case_reference_counter;
pub mod case_review;
pub mod case_review_action;
pub mod case_share;
pub mod document;
pub mod incident;
pub mod incident_flag;
pub mod incident_party;
pub mod intervention;
pub mod intervention_breach;
pub mod intervention_tool;
pub mod location;
pub mod person;
pub mod refresh_token;
pub mod retention_policy;
pub mod risk_assessment;
pub mod risk_questionnaire;
pub mod risk_questionnaire_version;
pub mod role;
pub mod role_field_permission;
pub mod role_operation;
pub mod safety_rules;
pub mod user_role;
pub mod victim_contact;
pub mod victim_flag;
pub mod victim_satisfaction;
pub mod vulnerable_victim_queue;

pub mod prelude {
    //! The entity types under their table names in CamelCase.
    pub use super::access_log::Entity as AccessLog;
    pub use super::agency::Entity as Agency;
    pub use super::alert::Entity as Alert;
    pub use super::alert_ack::Entity as AlertAck;
    pub use super::app_user::Entity as AppUser;
    pub use super::asb_case::Entity as AsbCase;
    pub use super::auth_session::Entity as AuthSession;
    pub use super::case_action::Entity as CaseAction;
    pub use super::case_location::Entity as CaseLocation;
    pub use super::case_note::Entity as CaseNote;
    pub use super::case_party::Entity as CaseParty;
    pub use super::case_reference_counter::Entity as CaseReferenceCounter;
    pub use super::case_review::Entity as CaseReview;
    pub use super::case_review_action::Entity as CaseReviewAction;
    pub use super::case_share::Entity as CaseShare;
    pub use super::document::Entity as Document;
    pub use super::incident::Entity as Incident;
    pub use super::incident_flag::Entity as IncidentFlag;
    pub use super::incident_party::Entity as IncidentParty;
    pub use super::intervention::Entity as Intervention;
    pub use super::intervention_breach::Entity as InterventionBreach;
    pub use super::intervention_tool::Entity as InterventionTool;
    pub use super::location::Entity as Location;
    pub use super::person::Entity as Person;
    pub use super::refresh_token::Entity as RefreshToken;
    pub use super::retention_policy::Entity as RetentionPolicy;
    pub use super::risk_assessment::Entity as RiskAssessment;
    pub use super::risk_questionnaire::Entity as RiskQuestionnaire;
    pub use super::risk_questionnaire_version::Entity as RiskQuestionnaireVersion;
    pub use super::role::Entity as Role;
    pub use super::role_field_permission::Entity as RoleFieldPermission;
    pub use super::role_operation::Entity as RoleOperation;
    pub use super::safety_rules::Entity as SafetyRules;
    pub use super::user_role::Entity as UserRole;
    pub use super::victim_contact::Entity as VictimContact;
    pub use super::victim_flag::Entity as VictimFlag;
    pub use super::victim_satisfaction::Entity as VictimSatisfaction;
    pub use super::vulnerable_victim_queue::Entity as VulnerableVictimQueue;
}
