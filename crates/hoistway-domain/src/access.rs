//! Who may do what, and over which customers' data.
//!
//! Two questions are asked of every request, in this order:
//! 1. may this role do this action on this kind of resource at all
//!    ([`Role::permits`]; a "no" is a 403), and
//! 2. which rows can the caller see ([`Scope`]; a row outside it is a 404,
//!    exactly like one that does not exist, so ids of other tenants leak
//!    nothing).

use crate::error::Invalid;
use crate::wire_enum;

wire_enum!(
    /// A user's role (SPEC "People and roles").
    Role, "role" {
        ProviderAdmin => "provider_admin",
        Operator => "operator",
        DutyManager => "duty_manager",
        Technician => "technician",
        CustomerAdmin => "customer_admin",
        PropertyManager => "property_manager",
        FrontDesk => "front_desk",
        Finance => "finance",
        Resident => "resident",
    }
);

wire_enum!(
    /// A kind of resource the API exposes.
    Resource, "resource" {
        Customers => "customers",
        Portfolios => "portfolios",
        Buildings => "buildings",
        Units => "units",
        Contracts => "contracts",
        Invoices => "invoices",
        Users => "users",
        Audit => "audit",
        // Service cases (service requests, service orders).
        Cases => "cases",
        // Live unit status, telemetry rollups, findings, remote commands.
        Telemetry => "telemetry",
        // Device credentials of connected units.
        Devices => "devices",
        // Planned visits and their checklists; reading plans and
        // certificates.
        Maintenance => "maintenance",
        // Changing a maintenance plan (intervals, switching it off): this
        // changes what the contract delivers, so it is not dispatch work.
        Plans => "plans",
        // Adding authority inspection certificates to a unit.
        Certificates => "certificates",
        // Building topology (groups, lifts, floors, areas).
        Topology => "topology",
        // Remote lift calls.
        Calls => "calls",
        // Resident access to buildings and floors.
        Access => "access",
        // API applications of the compatible OAuth2 surface.
        ApiClients => "api_clients",
        // The per-country directory of service contacts (issue #20): every
        // signed-in user reads it, provider admins keep it.
        ServiceContacts => "service_contacts",
        // A building's on-site playbook: access instructions, escalation
        // contacts, the periodic review.
        Playbooks => "playbooks",
        // The parts catalogue and stock per depot (issue #21): provider
        // data; customers see only a part's expected date on their case.
        Parts => "parts",
        // Technicians' shifts and on-call rota, declared extreme weather,
        // who is on call (issue #21): the provider's own planning.
        Rota => "rota",
    }
);

/// Read (get, list) or write (create, update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

impl Role {
    /// Roles of the service company; they work across all customers.
    pub fn is_provider_side(self) -> bool {
        matches!(
            self,
            Role::ProviderAdmin | Role::Operator | Role::DutyManager | Role::Technician
        )
    }

    /// Whether the role may do `action` on `resource` at all.
    pub fn permits(self, resource: Resource, action: Action) -> bool {
        use Action::*;
        use Resource::*;
        match self {
            Role::ProviderAdmin => true,
            // The care center dispatches and reschedules visits and files
            // the inspection paperwork it receives (certificates); changing
            // or switching off a plan changes what the contract delivers,
            // so it stays with provider admins (issue #18).
            Role::Operator | Role::DutyManager => match resource {
                Cases | Telemetry | Maintenance | Calls | Certificates => true,
                Plans => action == Read,
                Customers | Portfolios | Buildings | Units | Contracts | Devices | Topology
                | Access => action == Read,
                Invoices | Users | Audit | ApiClients => false,
                ServiceContacts | Playbooks | Parts => action == Read,
                // The duty manager keeps the rota and declares extreme
                // weather; operators read it to dispatch.
                Rota => action == Read || self == Role::DutyManager,
            },
            // A technician works their own cases and visits (the routes
            // narrow "own": `routes::cases`, `routes::visit_work`,
            // `routes::maintenance`); plans and certificates are read-only.
            Role::Technician => match resource {
                Cases | Telemetry | Maintenance => true,
                Customers | Buildings | Units | Topology | Plans | Certificates => action == Read,
                ServiceContacts | Playbooks | Parts | Rota => action == Read,
                _ => false,
            },
            Role::CustomerAdmin => match resource {
                Portfolios | Users | Cases | Calls | Access | ApiClients => true,
                Customers | Buildings | Units | Contracts | Invoices | Telemetry | Maintenance
                | Plans | Certificates | Topology => action == Read,
                Audit | Devices | Parts | Rota => false,
                Playbooks => true,
                ServiceContacts => action == Read,
            },
            Role::PropertyManager => match resource {
                Cases | Calls | Access => true,
                Customers | Portfolios | Buildings | Units | Contracts | Invoices | Telemetry
                | Maintenance | Plans | Certificates | Topology => action == Read,
                Playbooks => true,
                ServiceContacts => action == Read,
                _ => false,
            },
            // Front desk is a facility user of remote call: it passes
            // building access on to residents (issue #6).
            Role::FrontDesk => match resource {
                Cases | Calls | Access => true,
                Customers | Buildings | Units | Telemetry | Maintenance | Plans | Certificates
                | Topology => action == Read,
                ServiceContacts | Playbooks => action == Read,
                _ => false,
            },
            Role::Finance => action == Read && matches!(resource, Customers | Contracts | Invoices),
            Role::Resident => match resource {
                Calls => true,
                Buildings | Topology => action == Read,
                ServiceContacts => action == Read,
                _ => false,
            },
        }
    }

    /// Which roles this role may hand out when creating users.
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::ProviderAdmin => true,
            Role::CustomerAdmin => !other.is_provider_side(),
            _ => false,
        }
    }

    /// Checks that the customer link fits the role: customer-side roles
    /// belong to exactly one customer, provider-side roles to none.
    pub fn check_customer_link(self, customer_id: Option<i64>) -> Result<(), Invalid> {
        match (self.is_provider_side(), customer_id) {
            (true, Some(_)) => Err(Invalid::new(
                "customer_id",
                format!("a {self} works for the service company and belongs to no customer"),
            )),
            (false, None) => Err(Invalid::new(
                "customer_id",
                format!("a {self} must belong to a customer"),
            )),
            _ => Ok(()),
        }
    }
}

/// The rows a caller can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Service-company staff: every customer.
    All,
    /// One customer; if `portfolios` is set, only buildings in those portfolios.
    Customer {
        customer_id: i64,
        portfolios: Option<Vec<i64>>,
    },
}

impl Scope {
    /// The scope of a user. Customer-side users with portfolios assigned see
    /// only the buildings of those portfolios; without any assignment they
    /// see their whole customer. Admins and finance always see the whole
    /// customer, because their work (setup, billing) is customer-wide.
    pub fn for_user(role: Role, customer_id: Option<i64>, portfolio_ids: Vec<i64>) -> Scope {
        match (role.is_provider_side(), customer_id) {
            (true, _) => Scope::All,
            (false, Some(customer_id)) => {
                let narrowed = !portfolio_ids.is_empty()
                    && !matches!(role, Role::CustomerAdmin | Role::Finance);
                Scope::Customer {
                    customer_id,
                    portfolios: narrowed.then_some(portfolio_ids),
                }
            }
            // A customer-side user without a customer sees nothing; creation
            // refuses this combination, so it only guards against bad data.
            (false, None) => Scope::Customer {
                customer_id: -1,
                portfolios: Some(Vec::new()),
            },
        }
    }

    /// The single customer this scope is limited to, if any.
    pub fn customer_id(&self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::Customer { customer_id, .. } => Some(*customer_id),
        }
    }

    /// Whether rows of `customer_id` are visible at all.
    pub fn sees_customer(&self, customer_id: i64) -> bool {
        self.customer_id().is_none_or(|own| own == customer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_roles_cannot_write_the_registry() {
        for role in [
            Role::PropertyManager,
            Role::FrontDesk,
            Role::Finance,
            Role::Resident,
        ] {
            let registry = [
                Resource::Customers,
                Resource::Portfolios,
                Resource::Buildings,
                Resource::Units,
                Resource::Contracts,
                Resource::Invoices,
                Resource::Users,
            ];
            for r in registry {
                assert!(!role.permits(r, Action::Write), "{role} may write {r}");
            }
        }
        assert!(Role::CustomerAdmin.permits(Resource::Users, Action::Write));
        assert!(!Role::CustomerAdmin.permits(Resource::Units, Action::Write));
        assert!(Role::FrontDesk.permits(Resource::Cases, Action::Write));
        assert!(Role::Resident.permits(Resource::Calls, Action::Write));
        assert!(!Role::Resident.permits(Resource::Cases, Action::Read));
        assert!(!Role::Finance.permits(Resource::Cases, Action::Read));
        assert!(!Role::Finance.permits(Resource::Units, Action::Read));
        assert!(Role::Finance.permits(Resource::Invoices, Action::Read));
        assert!(!Role::FrontDesk.permits(Resource::Invoices, Action::Read));
        assert!(Role::FrontDesk.permits(Resource::Access, Action::Write));
        assert!(!Role::Resident.permits(Resource::Access, Action::Read));
    }

    /// The decision of issue #18: only provider admins change plans;
    /// the care center may add certificates, technicians may not; nobody
    /// on the customer side writes either.
    #[test]
    fn plans_and_certificates() {
        for role in Role::ALL {
            let plans = role.permits(Resource::Plans, Action::Write);
            assert_eq!(plans, *role == Role::ProviderAdmin, "{role} plans");
            let certs = role.permits(Resource::Certificates, Action::Write);
            let expect = matches!(
                role,
                Role::ProviderAdmin | Role::Operator | Role::DutyManager
            );
            assert_eq!(certs, expect, "{role} certificates");
            // Whoever reads maintenance reads plans and certificates too.
            let reads = role.permits(Resource::Maintenance, Action::Read);
            assert_eq!(role.permits(Resource::Plans, Action::Read), reads);
            assert_eq!(role.permits(Resource::Certificates, Action::Read), reads);
        }
    }

    /// Issue #21: the rota is the provider's; the duty manager (and the
    /// provider admin) keep it, the rest of the provider side reads it.
    #[test]
    fn rota() {
        for role in Role::ALL {
            assert_eq!(
                role.permits(Resource::Rota, Action::Read),
                role.is_provider_side(),
                "{role} reads the rota"
            );
            assert_eq!(
                role.permits(Resource::Rota, Action::Write),
                matches!(role, Role::ProviderAdmin | Role::DutyManager),
                "{role} keeps the rota"
            );
        }
    }

    #[test]
    fn customer_admin_cannot_grant_provider_roles() {
        assert!(Role::CustomerAdmin.may_grant(Role::FrontDesk));
        assert!(!Role::CustomerAdmin.may_grant(Role::ProviderAdmin));
        assert!(!Role::PropertyManager.may_grant(Role::FrontDesk));
    }

    #[test]
    fn scopes() {
        assert_eq!(Scope::for_user(Role::Operator, None, vec![]), Scope::All);
        let pm = Scope::for_user(Role::PropertyManager, Some(7), vec![3]);
        assert_eq!(
            pm,
            Scope::Customer {
                customer_id: 7,
                portfolios: Some(vec![3])
            }
        );
        assert!(pm.sees_customer(7) && !pm.sees_customer(8));
        let admin = Scope::for_user(Role::CustomerAdmin, Some(7), vec![3]);
        assert_eq!(
            admin,
            Scope::Customer {
                customer_id: 7,
                portfolios: None
            }
        );
        assert!(Role::Operator.check_customer_link(Some(1)).is_err());
        assert!(Role::Finance.check_customer_link(None).is_err());
    }
}
