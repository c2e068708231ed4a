//! Turning a caller's tenancy scope into SQL conditions. Every tenant read
//! goes through here; it is the single place where isolation is decided.

use crate::sql::Sql;
use hoistway_domain::Scope;

/// How a table relates to the tenancy tree.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// The table is `customers`: `alias.id` is the customer.
    Customer,
    /// Customer-wide rows with a `customer_id` (users).
    CustomerWide,
    /// The table is `buildings`: `alias.id` is the building.
    Building,
    /// Rows in a building: `alias.building_id` (units).
    InBuilding,
    /// The table is `portfolios`.
    Portfolio,
    /// The table is `contracts`: visible if it covers a visible unit.
    Contract,
    /// Rows of a contract: `alias.contract_id` (invoices).
    OfContract,
}

/// Appends ` AND …` restricting `alias` to what `scope` may see.
pub fn restrict(sql: &mut Sql, scope: &Scope, alias: &str, shape: Shape) {
    let Scope::Customer {
        customer_id,
        portfolios,
    } = scope
    else {
        return;
    };
    match shape {
        Shape::Customer => {
            sql.push(&format!(" AND {alias}.id = ")).bind(*customer_id);
            return;
        }
        _ => {
            sql.push(&format!(" AND {alias}.customer_id = "))
                .bind(*customer_id);
        }
    }
    let Some(portfolios) = portfolios else {
        return;
    };
    let visible_buildings = |sql: &mut Sql| {
        sql.push("SELECT pb.building_id FROM portfolio_buildings pb WHERE pb.portfolio_id IN ")
            .bind_list(portfolios);
    };
    match shape {
        Shape::Customer | Shape::CustomerWide => {}
        Shape::Building => {
            sql.push(&format!(" AND {alias}.id IN ("));
            visible_buildings(sql);
            sql.push(")");
        }
        Shape::InBuilding => {
            sql.push(&format!(" AND {alias}.building_id IN ("));
            visible_buildings(sql);
            sql.push(")");
        }
        Shape::Portfolio => {
            sql.push(&format!(" AND {alias}.id IN "))
                .bind_list(portfolios);
        }
        Shape::Contract | Shape::OfContract => {
            let column = if matches!(shape, Shape::Contract) {
                "id"
            } else {
                "contract_id"
            };
            sql.push(&format!(
                " AND {alias}.{column} IN (SELECT cu.contract_id FROM contract_units cu JOIN units su ON su.id = cu.unit_id WHERE su.building_id IN ("
            ));
            visible_buildings(sql);
            sql.push("))");
        }
    }
}
