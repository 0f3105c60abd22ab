//! Normalized answers (`application/vnd.linkedin.normalized+json+2.1`) name entities by URN
//! (`"*key": "urn:…"`) and list them once under `included`; plain answers nest them inline.

use std::collections::HashMap;

use serde_json::Value;

use super::json::present;

/// Normalized entities by `entityUrn`, to follow `*key` references. Empty for plain answers,
/// where everything is inline.
#[derive(Default)]
pub(crate) struct Included<'a> {
    by_urn: HashMap<&'a str, &'a Value>,
}

impl<'a> Included<'a> {
    /// Indexes `root.included`.
    pub(crate) fn of(root: &'a Value) -> Self {
        Self::gather(
            root.get("included")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    }

    /// Indexes entities gathered from anywhere, such as several answers embedded in one page.
    pub(crate) fn gather(entities: impl IntoIterator<Item = &'a Value>) -> Self {
        let by_urn = entities
            .into_iter()
            .filter_map(|entity| Some((entity.get("entityUrn")?.as_str()?, entity)))
            .collect();
        Self { by_urn }
    }

    /// The entity with this URN.
    pub(crate) fn get(&self, urn: &str) -> Option<&'a Value> {
        self.by_urn.get(urn).copied()
    }

    /// Every included entity, in no particular order.
    pub(crate) fn entities(&self) -> impl Iterator<Item = &'a Value> + '_ {
        self.by_urn.values().copied()
    }

    /// `value[key]` when inline, else the entity that `value["*key"]` names.
    pub(crate) fn field(&self, value: &'a Value, key: &str) -> Option<&'a Value> {
        present(value, key).or_else(|| {
            let urn = value.get(format!("*{key}").as_str())?.as_str()?;
            self.get(urn)
        })
    }

    /// The elements of `value[key]`: inline `elements`, or the entities named by `*elements`.
    pub(crate) fn elements(&self, value: &'a Value, key: &str) -> Vec<&'a Value> {
        let Some(holder) = present(value, key) else {
            return Vec::new();
        };
        if let Some(inline) = holder.get("elements").and_then(Value::as_array) {
            return inline.iter().collect();
        }
        holder
            .get("*elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|urn| self.get(urn.as_str()?))
            .collect()
    }
}
